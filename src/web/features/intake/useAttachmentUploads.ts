import { useEffect, useRef, useState } from 'react';

/** A file chosen in a form; the key tells two files of the same name apart. */
export interface ChosenFile {
  readonly key: string;
  readonly file: File;
}

export type UploadStatus =
  | { readonly state: 'waiting' }
  | { readonly state: 'sending' }
  | { readonly state: 'stored' }
  | { readonly state: 'failed'; readonly error: unknown };

export interface UploadItem {
  readonly key: string;
  readonly name: string;
  readonly bytes: number;
  readonly status: UploadStatus;
}

/**
 * Sends a report's files once the report is stored, one after the other (each is a request of the anonymous
 * channel's throttle, and one at a time keeps the server's work bounded), and keeps each one's result for the
 * page to show. Started by the submission's success, not by an effect, so that nothing is sent twice; leaving
 * the page stops what is not sent yet.
 */
export function useAttachmentUploads() {
  const [items, setItems] = useState<readonly UploadItem[]>([]);
  const running = useRef<AbortController | null>(null);
  useEffect(() => () => running.current?.abort(), []);

  const start = async (
    files: readonly ChosenFile[],
    send: (file: File, signal: AbortSignal) => Promise<unknown>,
  ): Promise<void> => {
    const controller = new AbortController();
    running.current = controller;
    const set = (key: string, status: UploadStatus) =>
      setItems((list) => list.map((item) => (item.key === key ? { ...item, status } : item)));
    setItems(files.map(({ key, file }) => ({ key, name: file.name, bytes: file.size, status: { state: 'waiting' } })));
    for (const { key, file } of files) {
      if (controller.signal.aborted) return;
      set(key, { state: 'sending' });
      try {
        await send(file, controller.signal);
        set(key, { state: 'stored' });
      } catch (error) {
        set(key, { state: 'failed', error });
      }
    }
  };
  return { items, start };
}
