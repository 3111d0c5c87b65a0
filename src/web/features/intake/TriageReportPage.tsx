import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { TriageDetail } from '../../../contract/reports.ts';
import { problemCode } from '../../api/client.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { AcknowledgeForm } from './AcknowledgeForm.tsx';
import { AttachForm } from './AttachForm.tsx';
import { CloseReportForm } from './CloseReportForm.tsx';
import { DeadlineTimeline } from './DeadlineTimeline.tsx';
import { todayDay } from './days.ts';
import { KnownPersonHints } from './KnownPersonHints.tsx';
import { MessageThread } from './MessageThread.tsx';
import { OpenCaseForm } from './OpenCaseForm.tsx';
import { ReportContentView } from './ReportContentView.tsx';
import { ReportFiles } from './ReportFiles.tsx';
import { TeamMessageForm } from './TeamMessageForm.tsx';
import { TriageFacts } from './TriageFacts.tsx';
import { triageReportQuery } from './triage-api.ts';
import { UrgencyBadge } from './UrgencyBadge.tsx';

/**
 * One report in triage: what it says, its files, its deadlines, the channel to the reporter, known persons, and
 * the decision. A report in a case read without the identities section has its names blanked by the server: the
 * page says they are hidden, rather than showing blanks as if nothing had been given.
 */
export function TriageReportPage({ reportId }: { reportId: string }) {
  const { t } = useTranslation();
  const query = useQuery(triageReportQuery(reportId));
  useDocumentTitle(query.data?.reference ?? t('triage.detail.title'));

  if (query.isPending) return <p>{t('common.loading')}</p>;
  if (query.isError)
    return (
      <section className="page" aria-labelledby="triage-report-heading">
        <Heading id="triage-report-heading">{t('triage.detail.title')}</Heading>
        {problemCode(query.error) === 'not_found' ? (
          <p>{t('triage.detail.notFound')}</p>
        ) : (
          <ErrorAlert error={query.error} />
        )}
        <p>
          <Link to="/triage">{t('triage.back')}</Link>
        </p>
      </section>
    );
  const detail = query.data;
  return (
    <section className="page" aria-labelledby="triage-report-heading">
      <div className="case-header">
        <Heading id="triage-report-heading">{detail.reference}</Heading>
        <UrgencyBadge urgency={detail.urgency} />
        {detail.awaitingReply && <span className="badge badge--warn">{t('triage.list.awaitingReply')}</span>}
      </div>
      <p className="page__next">
        <Link to="/triage">{t('triage.back')}</Link>
      </p>
      {detail.identitiesHidden && (
        <Alert tone="info">
          <p>{t('cases.reports.identitiesHidden')}</p>
        </Alert>
      )}
      <TriageFacts detail={detail} />
      <section className="card" aria-labelledby="deadlines-heading">
        <h2 id="deadlines-heading">{t('deadlines.heading')}</h2>
        <DeadlineTimeline receivedOn={detail.receivedOn} deadlines={detail.deadlines} today={todayDay()} />
      </section>
      <KnownPersonHints hints={detail.hints} content={detail.content} hidden={detail.identitiesHidden} />
      <section className="card" aria-labelledby="content-heading">
        <h2 id="content-heading">{t('triage.detail.content')}</h2>
        <ReportContentView content={detail.content} audience="team" identitiesHidden={detail.identitiesHidden} />
      </section>
      <ReportFiles reportId={detail.id} level="h2" />
      <section className="card" aria-labelledby="thread-heading">
        <h2 id="thread-heading">{t('messages.heading')}</h2>
        {!detail.canMessage && <p className="muted">{t('triage.detail.noChannel')}</p>}
        <MessageThread messages={detail.messages} viewer="team" />
      </section>
      {detail.canMessage && <TeamMessageForm detail={detail} />}
      {!detail.canMessage && detail.deadlines.acknowledgedOn === null && <AcknowledgeForm detail={detail} />}
      {detail.status === 'new' && <TriageDecision detail={detail} />}
    </section>
  );
}

/** The decision on a new report: a case of its own, an existing case, or closed without one. */
function TriageDecision({ detail }: { detail: TriageDetail }) {
  const { t } = useTranslation();
  return (
    <section className="stack" aria-labelledby="decision-heading">
      <h2 id="decision-heading">{t('triage.decision')}</h2>
      <OpenCaseForm detail={detail} />
      <AttachForm detail={detail} />
      <CloseReportForm detail={detail} />
    </section>
  );
}
