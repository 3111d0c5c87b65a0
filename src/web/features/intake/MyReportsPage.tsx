import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { myReportsQuery } from './intake-api.ts';
import { ReporterStatusBadge } from './ReporterStatusBadge.tsx';
import { useDay } from './useDay.ts';

/** The signed-in user's own reports, newest first as the server sends them, with a marker for unread answers. */
export function MyReportsPage() {
  const { t } = useTranslation();
  useDocumentTitle(t('myReports.title'));
  const day = useDay();
  const list = useQuery(myReportsQuery);
  return (
    <section className="page" aria-labelledby="my-reports-heading">
      <Heading id="my-reports-heading">{t('myReports.heading')}</Heading>
      <p className="page__intro">{t('myReports.intro')}</p>
      <p className="page__next">
        <Link to="/reports/new" className="button">
          {t('myReports.new')}
        </Link>
      </p>
      <section className="card" aria-labelledby="my-reports-list-heading">
        <h2 id="my-reports-list-heading">{t('myReports.listHeading')}</h2>
        {list.isPending && <p>{t('common.loading')}</p>}
        {list.isError && <ErrorAlert error={list.error} />}
        {list.data?.reports.length === 0 && <p>{t('myReports.empty')}</p>}
        {list.data !== undefined && list.data.reports.length > 0 && (
          <div className="table-scroll">
            <table className="table">
              <caption className="visually-hidden">{t('myReports.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('reporter.reference')}</th>
                  <th scope="col">{t('reporter.status.label')}</th>
                  <th scope="col">{t('reporter.receivedOn')}</th>
                  <th scope="col">{t('myReports.messages')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.reports.map((report) => (
                  <tr key={report.id}>
                    <th scope="row">
                      <Link to="/reports/$reportId" params={{ reportId: report.id }}>
                        {report.reference}
                      </Link>
                    </th>
                    <td>
                      <ReporterStatusBadge status={report.status} />
                    </td>
                    <td>{day(report.receivedOn)}</td>
                    <td>
                      {report.unread ? (
                        <span className="badge badge--warn">{t('myReports.unread')}</span>
                      ) : (
                        <span className="muted">{t('myReports.allRead')}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </section>
  );
}
