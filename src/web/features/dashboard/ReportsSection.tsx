import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { Dashboard, DashboardReport } from '../../../contract/dashboard.ts';
import { daysBetween } from '../intake/days.ts';
import { UrgencyBadge } from '../intake/UrgencyBadge.tsx';
import { useDay } from '../intake/useDay.ts';
import { ColumnChart } from './Charts.tsx';

type Reports = NonNullable<Dashboard['reports']>;

/**
 * Reports and their deadlines, for the triage roles: how many wait for triage and how many are
 * overdue, the most pressing few with their next deadline, and how many came in each week.
 */
export function ReportsSection({ reports, today }: { reports: Reports; today: string }) {
  const { t } = useTranslation();
  return (
    <section className="card dash-section" aria-labelledby="dash-reports-heading">
      <h2 id="dash-reports-heading">{t('dashboard.reports.heading')}</h2>
      <dl className="dash-stats">
        <div className="dash-stat">
          <dt>{t('dashboard.reports.untriaged')}</dt>
          <dd className="dash-stat__value">{reports.untriaged}</dd>
        </div>
        <div className={`dash-stat${reports.overdue > 0 ? ' dash-stat--alert' : ''}`}>
          <dt>{t('dashboard.reports.overdue')}</dt>
          <dd className="dash-stat__value">
            {reports.overdue > 0 && (
              <span className="dash-stat__icon" aria-hidden="true">
                ⚠
              </span>
            )}
            {reports.overdue}
          </dd>
        </div>
      </dl>
      <h3>{t('dashboard.reports.pressing')}</h3>
      {reports.items.length === 0 ? (
        <p>{t('dashboard.reports.empty')}</p>
      ) : (
        <ReportTable items={reports.items} today={today} />
      )}
      <p>
        <Link to="/triage">{t('dashboard.reports.toTriage')}</Link>
      </p>
      <WeeklyChart perWeek={reports.perWeek} />
    </section>
  );
}

function ReportTable({ items, today }: { items: readonly DashboardReport[]; today: string }) {
  const { t } = useTranslation();
  const day = useDay();
  return (
    <div className="table-scroll">
      <table className="table dash-table">
        <caption className="visually-hidden">{t('dashboard.reports.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('dashboard.reports.fields.report')}</th>
            <th scope="col">{t('dashboard.reports.fields.urgency')}</th>
            <th scope="col">{t('dashboard.reports.fields.received')}</th>
            <th scope="col">{t('dashboard.reports.fields.next')}</th>
            <th scope="col">{t('dashboard.reports.fields.state')}</th>
            <th scope="col">{t('dashboard.reports.fields.case')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((report) => (
            <tr key={report.id} className={report.state === 'overdue' ? 'dash-row--overdue' : undefined}>
              <th scope="row">
                <Link to="/triage/$reportId" params={{ reportId: report.id }}>
                  {report.reference}
                </Link>
              </th>
              <td>
                <UrgencyBadge urgency={report.urgency} />
              </td>
              <td>{day(report.receivedOn)}</td>
              <td>
                {t(`dashboard.reports.next.${report.next}`)}
                <span className="table__sub">{t('dashboard.reports.dueBy', { day: day(report.by) })}</span>
              </td>
              <td>
                <DeadlineState report={report} today={today} />
              </td>
              <td>
                {report.case === null ? (
                  <span className="muted">
                    <span aria-hidden="true">—</span>
                    <span className="visually-hidden">{t('dashboard.reports.noCase')}</span>
                  </span>
                ) : (
                  <Link to="/cases/$caseId" params={{ caseId: report.case.id }}>
                    {report.case.reference}
                  </Link>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The state in words, and how many days are left or late; colour and sign only repeat the words. */
function DeadlineState({ report, today }: { report: DashboardReport; today: string }) {
  const { t } = useTranslation();
  const left = daysBetween(today, report.by);
  if (report.state === 'overdue')
    return (
      <>
        <span className="badge badge--error badge--strong">
          <span aria-hidden="true">⚠ </span>
          {t('dashboard.reports.state.overdue')}
        </span>
        <span className="table__sub dash-late">{t('dashboard.reports.late', { count: -left })}</span>
      </>
    );
  const when = left <= 0 ? t('dashboard.reports.leftToday') : t('dashboard.reports.left', { count: left });
  return (
    <>
      <span className={`badge ${report.state === 'due_soon' ? 'badge--warn' : 'badge--ok'}`}>
        {t(`dashboard.reports.state.${report.state}`)}
      </span>
      <span className="table__sub">{when}</span>
    </>
  );
}

/** Reports received per week: a column per week, and the numbers as a table for those who want them. */
function WeeklyChart({ perWeek }: { perWeek: Reports['perWeek'] }) {
  const { t, i18n } = useTranslation();
  const day = useDay();
  const short = new Intl.DateTimeFormat(i18n.language, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const label = (week: string) => short.format(new Date(`${week}T00:00:00Z`));
  const total = perWeek.reduce((sum, w) => sum + w.count, 0);
  const busiest = perWeek.reduce<(typeof perWeek)[number] | undefined>(
    (best, w) => (w.count > (best?.count ?? 0) ? w : best),
    undefined,
  );
  const summary =
    busiest === undefined
      ? t('dashboard.weekly.summaryNone', { weeks: perWeek.length })
      : t('dashboard.weekly.summary', {
          weeks: perWeek.length,
          count: total,
          week: day(busiest.week),
          most: busiest.count,
        });
  return (
    <figure className="dash-chart">
      <figcaption>
        <h3 className="dash-chart__heading">{t('dashboard.weekly.heading')}</h3>
      </figcaption>
      <ColumnChart bars={perWeek.map((w) => ({ key: w.week, label: label(w.week), value: w.count }))} label={summary} />
      <details className="dash-chart__table">
        <summary>{t('dashboard.weekly.asTable')}</summary>
        <table className="table table--compact">
          <caption className="visually-hidden">{t('dashboard.weekly.heading')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dashboard.weekly.week')}</th>
              <th scope="col">{t('dashboard.weekly.count')}</th>
            </tr>
          </thead>
          <tbody>
            {perWeek.map((w) => (
              <tr key={w.week}>
                <th scope="row">{t('dashboard.weekly.weekOf', { day: day(w.week) })}</th>
                <td>{w.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
