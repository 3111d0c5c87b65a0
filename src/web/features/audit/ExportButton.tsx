import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { AUDIT_EXPORT_MAX_ROWS, type AuditFilter } from '../../../contract/audit.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import { exportCsv } from './audit-api.ts';

/**
 * Hands a downloaded file to the browser to save: an object URL and a temporary link, removed again at once. (A
 * plain link to the export could not meet the password prompt the export may ask for.)
 */
function save(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked only after the browser has taken the file; revoking at once can cancel the download.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The events matching the applied filter as a CSV file; the server asks for the password again if needed. */
export function ExportButton({ filter }: { filter: AuditFilter }) {
  const { t, i18n } = useTranslation();
  const withStepUp = useStepUp();
  const download = useMutation({
    mutationFn: () => withStepUp(() => exportCsv(filter)),
    onSuccess: ({ blob, filename }) => save(blob, filename ?? 'audit-events.csv'),
  });

  return (
    <div className="audit-export">
      <p className="form__note">
        {t('audit.export.hint', { max: AUDIT_EXPORT_MAX_ROWS.toLocaleString(i18n.language) })}
      </p>
      <ErrorAlert error={download.error} />
      {download.isSuccess && (
        <Alert tone="success">
          <p>{t('audit.export.done')}</p>
        </Alert>
      )}
      <p>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => download.mutate()}
          disabled={download.isPending}
        >
          {download.isPending ? t('common.working') : t('audit.export.button')}
        </button>
      </p>
    </div>
  );
}
