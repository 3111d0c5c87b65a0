import { useTranslation } from 'react-i18next';
import type { ReporterStatus } from '../../../contract/reports.ts';

/** The coarse status a reporter sees, as a badge with its words. */
export function ReporterStatusBadge({ status }: { status: ReporterStatus }) {
  const { t } = useTranslation();
  const tone = status === 'closed' ? 'badge--neutral' : status === 'in_review' ? 'badge--brand' : 'badge--warn';
  return <span className={`badge ${tone}`}>{t(`reporter.status.${status}`)}</span>;
}
