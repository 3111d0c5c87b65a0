import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Document } from '../../../contract/documents.ts';
import { ENTRY_DOCUMENTS_MAX } from '../../../contract/timeline.ts';
import { Alert } from '../../ui/Alert.tsx';
import { FileField } from '../../ui/FileField.tsx';
import { caseDocumentsQuery } from '../cases/cases-api.ts';
import { uploadCaseDocument } from '../documents/documents-api.ts';
import { useAttachmentHints } from '../intake/AttachmentPicker.tsx';
import { ATTACHMENT_ACCEPT } from '../intake/attachments-api.ts';
import { useUploadFailure } from '../intake/useUploadFailure.ts';
import { toggled } from './entry-draft.ts';

/**
 * An entry's attachments: documents of the case, chosen from those the reader may see, and new files uploaded to
 * the case here (each becomes a case document, then is chosen). A refused upload says why and leaves everything
 * typed in the entry form as it was.
 */
export function EntryAttachments({
  id,
  caseId,
  documents,
  chosen,
  onChange,
  error,
}: {
  id: string;
  caseId: string;
  documents: readonly Document[];
  chosen: readonly string[];
  onChange: (ids: readonly string[]) => void;
  error: string | undefined;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const hints = useAttachmentHints(false);
  const failure = useUploadFailure();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | undefined>();
  const [strip, setStrip] = useState(true);
  const [missing, setMissing] = useState<string | undefined>();
  // Uploaded here: shown at once, before the case's list has been fetched again.
  const [uploaded, setUploaded] = useState<readonly Document[]>([]);
  const upload = useMutation({
    mutationFn: (picked: File) => uploadCaseDocument(caseId, picked, strip),
    onSuccess: (document) => {
      setUploaded((list) => [...list, document]);
      onChange(toggled(chosen, document.id, true));
      setFile(undefined);
      if (input.current !== null) input.current.value = '';
      void client.invalidateQueries({ queryKey: caseDocumentsQuery(caseId).queryKey });
    },
  });
  const shown = [...documents, ...uploaded.filter((u) => !documents.some((d) => d.id === u.id))];
  const send = () => {
    setMissing(file === undefined ? t('attachments.add.required') : undefined);
    if (file === undefined) return input.current?.focus();
    upload.mutate(file);
  };
  return (
    <fieldset className="form__group" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{t('timeline.attachments.legend')}</legend>
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {shown.length === 0 ? (
        <p className="form__note">{t('timeline.attachments.none')}</p>
      ) : (
        <div className="choices">
          {shown.map((d) => (
            <label key={d.id} className="choice">
              <input
                type="checkbox"
                name="documentIds"
                checked={chosen.includes(d.id)}
                disabled={!chosen.includes(d.id) && chosen.length >= ENTRY_DOCUMENTS_MAX}
                onChange={(event) => onChange(toggled(chosen, d.id, event.target.checked))}
              />
              {t('timeline.attachments.document', { name: d.current.name, version: d.current.version })}
            </label>
          ))}
        </div>
      )}
      {upload.isError && (
        <Alert tone="error" focus focusKey={upload.error}>
          <p>{t('timeline.attachments.failed', { name: upload.variables.name, reason: failure(upload.error) })}</p>
        </Alert>
      )}
      {upload.isSuccess && (
        <Alert tone="success">
          <p>{t('timeline.attachments.uploaded', { name: upload.data.current.name })}</p>
        </Alert>
      )}
      <FileField
        id={`${id}-file`}
        label={t('timeline.attachments.file')}
        hint={hints.kinds}
        error={missing}
        accept={ATTACHMENT_ACCEPT}
        inputRef={input}
        onFiles={([picked]) => {
          setFile(picked);
          setMissing(undefined);
          upload.reset();
        }}
      />
      <label className="choice">
        <input type="checkbox" checked={strip} onChange={(event) => setStrip(event.target.checked)} />
        {t('timeline.attachments.strip')}
      </label>
      <div className="form__actions">
        <button type="button" className="button button--secondary" onClick={send} disabled={upload.isPending}>
          {upload.isPending ? t('common.working') : t('timeline.attachments.upload')}
        </button>
      </div>
    </fieldset>
  );
}
