import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../contract/cases.ts';
import { type CaseReport, TRIAGE_ROLES } from '../../../contract/reports.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { DeadlineTimeline } from '../intake/DeadlineTimeline.tsx';
import { todayDay } from '../intake/days.ts';
import { MessageThread } from '../intake/MessageThread.tsx';
import { ReportContentView } from '../intake/ReportContentView.tsx';
import { ReporterText } from '../intake/ReporterText.tsx';
import { ReportFiles } from '../intake/ReportFiles.tsx';
import { UrgencyBadge } from '../intake/UrgencyBadge.tsx';
import { useDay } from '../intake/useDay.ts';
import { useSession } from '../session/useSession.ts';
import { caseReportsQuery } from './cases-api.ts';

/** Whether the reader reaches the case's reports: the timeline section, as the server decides (else 404). */
export const readsReports = (detail: CaseDetail) =>
  detail.access.kind === 'break_glass' ||
  (detail.access.kind === 'member' && (detail.access.fullScope || detail.access.sections.includes('timeline')));

/** Whether the reader reaches the case's documents, and so its reports' files (else 404). */
export const readsDocuments = (detail: CaseDetail) =>
  detail.access.kind !== 'list' && (detail.access.fullScope || detail.access.sections.includes('documents'));

/**
 * The reports that came into the case through triage, read-only. Who reported and who is named only for a
 * scope with the identities section; each report's files for a scope with the documents section (`files`).
 * Answering the reporter is triage's work, so its roles get a way there.
 */
export function CaseReports({ caseId, files }: { caseId: string; files: boolean }) {
  const { t } = useTranslation();
  const query = useQuery(caseReportsQuery(caseId));
  const session = useSession();
  const role = session?.status === 'signed-in' ? session.session.user.role : undefined;
  const triage = role !== undefined && TRIAGE_ROLES.includes(role);
  return (
    <section className="stack" aria-labelledby="case-reports-heading">
      <div className="card">
        <h2 id="case-reports-heading">{t('cases.reports.heading')}</h2>
        <p>{t('cases.reports.intro')}</p>
        {query.isPending && <p>{t('common.loading')}</p>}
        {query.isError && <ErrorAlert error={query.error} />}
        {query.data?.reports.length === 0 && <p>{t('cases.reports.none')}</p>}
      </div>
      {query.data?.reports.map((report) => (
        <CaseReportCard key={report.id} report={report} triage={triage} files={files} />
      ))}
    </section>
  );
}

function CaseReportCard({ report, triage, files }: { report: CaseReport; triage: boolean; files: boolean }) {
  const { t } = useTranslation();
  const day = useDay();
  const heading = `case-report-${report.id}`;
  return (
    <article className="card" aria-labelledby={heading}>
      <div className="case-header">
        <h3 id={heading}>{t('cases.reports.report', { reference: report.reference })}</h3>
        <UrgencyBadge urgency={report.urgency} />
      </div>
      {report.identitiesHidden && (
        <Alert tone="info">
          <p>{t('cases.reports.identitiesHidden')}</p>
        </Alert>
      )}
      <dl className="case-facts">
        <div>
          <dt>{t('triage.fields.channel')}</dt>
          <dd>{t(`triage.channels.${report.channel}`)}</dd>
        </div>
        <div>
          <dt>{t('triage.fields.received')}</dt>
          <dd>{day(report.receivedOn)}</dd>
        </div>
        <div>
          <dt>{t('triage.detail.reporter')}</dt>
          <dd>{report.identitiesHidden ? t('cases.reports.hidden') : <ReporterText report={report} />}</dd>
        </div>
      </dl>
      <h4>{t('deadlines.heading')}</h4>
      <DeadlineTimeline receivedOn={report.receivedOn} deadlines={report.deadlines} today={todayDay()} />
      <ReportContentView
        content={report.content}
        audience="team"
        level="h4"
        identitiesHidden={report.identitiesHidden}
      />
      {files && <ReportFiles reportId={report.id} level="h4" />}
      <h4>{t('messages.heading')}</h4>
      <MessageThread messages={report.messages} viewer="team" />
      {triage && (
        <p>
          {t('cases.reports.messagesReadOnly')}{' '}
          <Link to="/triage/$reportId" params={{ reportId: report.id }}>
            {t('cases.reports.openInTriage', { reference: report.reference })}
          </Link>
        </p>
      )}
    </article>
  );
}
