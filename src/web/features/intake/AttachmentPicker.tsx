import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FileField } from '../../ui/FileField.tsx';
import { useFileSize } from '../documents/useFileSize.ts';
import { ATTACHMENT_ACCEPT, MAX_ATTACHMENTS, UPLOAD_LIMIT_BYTES } from './attachments-api.ts';
import { intakeSettingsQuery } from './intake-api.ts';
import type { ChosenFile } from './useAttachmentUploads.ts';

/** What may be added and what happens to it: the kinds, the size, and that metadata is removed. */
export function useAttachmentHints(anonymous: boolean) {
  const { t } = useTranslation();
  const size = useFileSize();
  // The server's own limit once known; its default until then.
  const limit = useQuery(intakeSettingsQuery).data?.uploadLimitBytes ?? UPLOAD_LIMIT_BYTES;
  return {
    kinds: t('attachments.kinds', { size: size(limit) }),
    metadata: anonymous
      ? `${t('attachments.metadata')} ${t('attachments.metadataAnonymous')}`
      : t('attachments.metadata'),
  };
}

/**
 * The optional files of a report form: picked here, sent only after the report is stored. The input may be used
 * again to pick more; each chosen file can be removed, and focus then returns to the input.
 */
export function AttachmentPicker({
  id,
  files,
  onChange,
  anonymous,
}: {
  id: string;
  files: readonly ChosenFile[];
  onChange: (files: readonly ChosenFile[]) => void;
  anonymous: boolean;
}) {
  const { t } = useTranslation();
  const size = useFileSize();
  const hints = useAttachmentHints(anonymous);
  const input = useRef<HTMLInputElement>(null);
  const [tooMany, setTooMany] = useState<string | undefined>();
  const pick = (picked: File[], element: HTMLInputElement) => {
    const room = MAX_ATTACHMENTS - files.length;
    const added = picked.slice(0, Math.max(0, room)).map((file) => ({ key: crypto.randomUUID(), file }));
    setTooMany(picked.length > room ? t('attachments.tooMany', { count: MAX_ATTACHMENTS }) : undefined);
    onChange([...files, ...added]);
    // Cleared, so that the same input picks more (or the same file again after removing it).
    element.value = '';
  };
  const remove = (key: string) => {
    setTooMany(undefined);
    onChange(files.filter((f) => f.key !== key));
    input.current?.focus();
  };
  return (
    <>
      <p>{hints.metadata}</p>
      <FileField
        id={id}
        label={t('attachments.input')}
        hint={`${hints.kinds} ${t('attachments.most', { count: MAX_ATTACHMENTS })}`}
        error={tooMany}
        accept={ATTACHMENT_ACCEPT}
        multiple
        inputRef={input}
        onFiles={pick}
      />
      {files.length > 0 && (
        <section aria-labelledby={`${id}-chosen`}>
          <h3 id={`${id}-chosen`}>{t('attachments.chosen', { count: files.length })}</h3>
          <ul className="file-list">
            {files.map(({ key, file }) => (
              <li key={key} className="file-list__item">
                <span className="file-list__name">{file.name}</span>
                <span className="muted">{size(file.size)}</span>
                <button type="button" className="button button--secondary button--small" onClick={() => remove(key)}>
                  {t('attachments.remove')}
                  <span className="visually-hidden"> {file.name}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
