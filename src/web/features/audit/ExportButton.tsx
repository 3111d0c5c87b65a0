import { useTranslation } from 'react-i18next';
import { AUDIT_EXPORT_MAX_ROWS, type AuditFilter } from '../../../contract/audit.ts';
import { StepUpDownload } from '../session/StepUpDownload.tsx';
import { exportCsv } from './audit-api.ts';

/** The events matching the applied filter as a CSV file; the server asks for the password again if needed. */
export function ExportButton({ filter }: { filter: AuditFilter }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="audit-export">
      <p className="form__note">
        {t('audit.export.hint', { max: AUDIT_EXPORT_MAX_ROWS.toLocaleString(i18n.language) })}
      </p>
      <StepUpDownload
        label={t('audit.export.button')}
        done={t('audit.export.done')}
        fallbackName="audit-events.csv"
        download={() => exportCsv(filter)}
      />
    </div>
  );
}
