import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from '../../ui/Alert.tsx';
import { FileField } from '../../ui/FileField.tsx';
import { useAttachmentHints } from './AttachmentPicker.tsx';
import { ATTACHMENT_ACCEPT } from './attachments-api.ts';
import { useUploadFailure } from './useUploadFailure.ts';

/**
 * A file added to a report the reporter has opened (with the receipt, or signed in): one at a time, its result
 * in words. `send` stores it and brings the report's list up to date.
 */
export function AddFileForm({
  id,
  anonymous,
  send,
}: {
  id: string;
  anonymous: boolean;
  send: (file: File) => Promise<void>;
}) {
  const { t } = useTranslation();
  const hints = useAttachmentHints(anonymous);
  const failure = useUploadFailure();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const mutation = useMutation({
    mutationFn: send,
    onSuccess: () => {
      setFile(undefined);
      if (input.current !== null) input.current.value = '';
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(file === undefined ? t('attachments.add.required') : undefined);
    if (file === undefined) return input.current?.focus();
    mutation.mutate(file);
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>{t('attachments.add.heading')}</h3>
      <p>{hints.metadata}</p>
      {mutation.isError && (
        <Alert tone="error" focus focusKey={mutation.error}>
          <p>{t('attachments.add.failed', { name: mutation.variables.name, reason: failure(mutation.error) })}</p>
        </Alert>
      )}
      {mutation.isSuccess && (
        <Alert tone="success">
          <p>{t('attachments.add.added', { name: mutation.variables.name })}</p>
        </Alert>
      )}
      <FileField
        id={id}
        label={t('attachments.add.file')}
        hint={hints.kinds}
        error={problem}
        accept={ATTACHMENT_ACCEPT}
        inputRef={input}
        onFiles={([picked]) => {
          setFile(picked);
          setProblem(undefined);
          mutation.reset();
        }}
      />
      <div className="form__actions">
        <button type="submit" className="button" disabled={mutation.isPending}>
          {mutation.isPending ? t('common.working') : t('attachments.add.submit')}
        </button>
      </div>
    </form>
  );
}
