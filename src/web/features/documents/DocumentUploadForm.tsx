import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Document } from '../../../contract/documents.ts';
import { Alert } from '../../ui/Alert.tsx';
import { FileField } from '../../ui/FileField.tsx';
import { useAttachmentHints } from '../intake/AttachmentPicker.tsx';
import { ATTACHMENT_ACCEPT } from '../intake/attachments-api.ts';
import { useUploadFailure } from '../intake/useUploadFailure.ts';
import { useFileSize } from './useFileSize.ts';

/**
 * One file to store as a document: the file (its name and size shown once chosen), whether to remove its hidden
 * metadata first, and the result in words. The case's new documents and a document's new versions share it. A
 * refused upload says why and keeps the chosen file, to send again (after a reload, for instance).
 */
export function DocumentUploadForm({
  id,
  heading,
  headingLevel = 2,
  intro,
  fileLabel,
  submitLabel,
  send,
  uploaded,
  explain,
  onFailed,
}: {
  readonly id: string;
  readonly heading: string;
  readonly headingLevel?: 2 | 3;
  readonly intro?: string;
  readonly fileLabel: string;
  readonly submitLabel: string;
  readonly send: (file: File, strip: boolean) => Promise<Document>;
  /** What to say once stored. */
  readonly uploaded: (document: Document) => string;
  /** The caller's own words for a failure (e.g. a stale version it has reloaded); else the usual reason. */
  readonly explain?: (error: unknown) => string | undefined;
  readonly onFailed?: (error: unknown) => void;
}) {
  const { t } = useTranslation();
  const size = useFileSize();
  const hints = useAttachmentHints(false);
  const failure = useUploadFailure();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | undefined>();
  const [strip, setStrip] = useState(true);
  const [missing, setMissing] = useState<string | undefined>();
  const mutation = useMutation({
    mutationFn: (picked: File) => send(picked, strip),
    onSuccess: () => {
      setFile(undefined);
      if (input.current !== null) input.current.value = '';
    },
    onError: (error) => onFailed?.(error),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMissing(file === undefined ? t('documents.upload.required') : undefined);
    if (file === undefined) return input.current?.focus();
    mutation.mutate(file);
  };
  const Title = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <Title id={`${id}-heading`}>{heading}</Title>
      {intro && <p>{intro}</p>}
      {mutation.isError && (
        <Alert tone="error" focus focusKey={mutation.error}>
          <p>
            {t('documents.upload.failed', {
              name: mutation.variables.name,
              reason: explain?.(mutation.error) ?? failure(mutation.error),
            })}
          </p>
        </Alert>
      )}
      {mutation.isSuccess && (
        <Alert tone="success" focus focusKey={mutation.data}>
          <p>{uploaded(mutation.data)}</p>
        </Alert>
      )}
      <FileField
        id={`${id}-file`}
        label={fileLabel}
        hint={hints.kinds}
        error={missing}
        accept={ATTACHMENT_ACCEPT}
        inputRef={input}
        onFiles={([picked]) => {
          setFile(picked);
          setMissing(undefined);
          mutation.reset();
        }}
      />
      {file !== undefined && (
        <p className="form__note" id={`${id}-chosen`}>
          {t('documents.upload.chosen', { name: file.name, size: size(file.size) })}
        </p>
      )}
      <label className="choice">
        <input type="checkbox" checked={strip} onChange={(event) => setStrip(event.target.checked)} />
        {t('documents.upload.strip')}
      </label>
      <div className="form__actions">
        <button type="submit" className="button" disabled={mutation.isPending}>
          {mutation.isPending ? t('common.working') : submitLabel}
        </button>
      </div>
    </form>
  );
}
