import { useTranslation } from 'react-i18next';
import type { CaseReport } from '../../../contract/reports.ts';

/** The employee who reported, the caller's own details, or that the reporter is anonymous. */
export function ReporterText({ report }: { report: Pick<CaseReport, 'reporter' | 'originalReporter' | 'channel'> }) {
  const { t } = useTranslation();
  if (report.reporter !== null) return <>{report.reporter.displayName ?? t('triage.detail.formerUser')}</>;
  const original = report.originalReporter;
  if (original === null)
    return <>{report.channel === 'anonymous' ? t('triage.detail.anonymous') : t('triage.detail.stayedAnonymous')}</>;
  return (
    <>
      {original.name}
      {original.contact !== '' && <span className="table__sub">{original.contact}</span>}
      {original.relation !== '' && <span className="table__sub">{original.relation}</span>}
    </>
  );
}
