import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { TriageSummary } from '../../../contract/reports.ts';
import { DeadlineText } from './DeadlineText.tsx';
import { todayDay } from './days.ts';
import { UrgencyBadge } from './UrgencyBadge.tsx';
import { useDay } from './useDay.ts';

/** The triage inbox: one row per report, its deadlines in words, and whether the reporter waits for an answer. */
export function TriageTable({ reports }: { reports: readonly TriageSummary[] }) {
  const { t } = useTranslation();
  const day = useDay();
  const today = todayDay();
  return (
    <div className="table-scroll">
      <table className="table">
        <caption className="visually-hidden">{t('triage.list.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('triage.fields.reference')}</th>
            <th scope="col">{t('triage.fields.urgency')}</th>
            <th scope="col">{t('triage.fields.channel')}</th>
            <th scope="col">{t('triage.fields.received')}</th>
            <th scope="col">{t('triage.fields.acknowledgeBy')}</th>
            <th scope="col">{t('triage.fields.feedbackBy')}</th>
            <th scope="col">{t('triage.fields.reply')}</th>
            <th scope="col">{t('triage.fields.outcome')}</th>
          </tr>
        </thead>
        <tbody>
          {reports.map((report) => (
            <tr key={report.id}>
              <th scope="row">
                <Link to="/triage/$reportId" params={{ reportId: report.id }}>
                  {report.reference}
                </Link>
              </th>
              <td>
                <UrgencyBadge urgency={report.urgency} />
              </td>
              <td>{t(`triage.channels.${report.channel}`)}</td>
              <td>
                {day(report.receivedOn)}
                <span className="table__sub">
                  {report.ageDays === 0 ? t('triage.list.ageToday') : t('triage.list.age', { count: report.ageDays })}
                </span>
              </td>
              <td>
                <DeadlineText
                  due={report.deadlines.acknowledgeBy}
                  doneOn={report.deadlines.acknowledgedOn}
                  today={today}
                />
              </td>
              <td>
                <DeadlineText due={report.deadlines.feedbackBy} doneOn={report.deadlines.feedbackOn} today={today} />
              </td>
              <td>
                {report.awaitingReply ? (
                  <span className="badge badge--warn">{t('triage.list.awaitingReply')}</span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                {report.case !== null ? (
                  <Link to="/cases/$caseId" params={{ caseId: report.case.id }}>
                    {report.case.reference}
                  </Link>
                ) : report.outcome !== null ? (
                  t(`triage.outcomes.${report.outcome}`)
                ) : (
                  <span className="muted">{t(`triage.statuses.${report.status}`)}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
