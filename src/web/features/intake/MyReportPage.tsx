import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { problemCode } from '../../api/client.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { AddFileForm } from './AddFileForm.tsx';
import { attachToMyReport } from './attachments-api.ts';
import { myReportQuery, writeOnMyReport } from './intake-api.ts';
import { ReporterMessageForm } from './ReporterMessageForm.tsx';
import { ReporterReport } from './ReporterReport.tsx';

/** One of the signed-in user's reports: status, messages, files, what they wrote, and a message or file to the team. */
export function MyReportPage({ reportId }: { reportId: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const query = useQuery(myReportQuery(reportId));
  useDocumentTitle(query.data?.reference ?? t('myReports.title'));
  const loaded = query.isSuccess;
  // Opening the report reads its messages: the list's unread marker is then out of date.
  useEffect(() => {
    if (loaded) void client.invalidateQueries({ queryKey: ['reports', 'mine'], exact: true });
  }, [loaded, client]);

  if (query.isPending) return <p>{t('common.loading')}</p>;
  if (query.isError)
    return (
      <section className="page" aria-labelledby="my-report-heading">
        <Heading id="my-report-heading">{t('myReports.reportTitle')}</Heading>
        {problemCode(query.error) === 'not_found' ? (
          <p>{t('myReports.notFound')}</p>
        ) : (
          <ErrorAlert error={query.error} />
        )}
        <p>
          <Link to="/reports">{t('myReports.back')}</Link>
        </p>
      </section>
    );
  const view = query.data;
  return (
    <section className="page" aria-labelledby="my-report-heading">
      <Heading id="my-report-heading">{view.reference}</Heading>
      <p className="page__next">
        <Link to="/reports">{t('myReports.back')}</Link>
      </p>
      <ReporterReport
        view={view}
        messageForm={
          <ReporterMessageForm
            id="my-report-message"
            send={(body) => writeOnMyReport(reportId, body)}
            onSent={(updated) => {
              client.setQueryData(myReportQuery(reportId).queryKey, updated);
              void client.invalidateQueries({ queryKey: ['reports', 'mine'], exact: true });
            }}
          />
        }
        fileForm={
          <AddFileForm
            id="my-report-file"
            anonymous={false}
            send={async (file) => {
              await attachToMyReport(reportId, file);
              // The upload answers with the document; the report's list of files is the view's.
              await client.invalidateQueries({ queryKey: myReportQuery(reportId).queryKey, exact: true });
            }}
          />
        }
      />
    </section>
  );
}
