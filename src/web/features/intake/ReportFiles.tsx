import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { Document } from '../../../contract/documents.ts';
import { problemCode } from '../../api/client.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { downloadPath } from '../documents/documents-api.ts';
import { useFileSize } from '../documents/useFileSize.ts';
import { reportDocumentsQuery } from './attachments-api.ts';
import { useDay } from './useDay.ts';

/**
 * A report's files, for the team: each opens on its document page (versions, and the preview of images and
 * PDFs) or downloads as the documents UI offers. A reader whose scope of the report's case lacks the documents
 * section gets "not found" from the server: that is said, not shown as a failure.
 */
export function ReportFiles({ reportId, level }: { reportId: string; level: 'h2' | 'h4' }) {
  const { t } = useTranslation();
  const query = useQuery(reportDocumentsQuery(reportId));
  const H = level;
  const heading = `report-files-${reportId}`;
  const hidden = query.isError && problemCode(query.error) === 'not_found';
  return (
    <section className={level === 'h2' ? 'card' : undefined} aria-labelledby={heading}>
      <H id={heading}>{t('reportFiles.heading')}</H>
      {query.isPending && <p>{t('common.loading')}</p>}
      {hidden && <p className="muted">{t('cases.reports.hidden')}</p>}
      {query.isError && !hidden && <ErrorAlert error={query.error} />}
      {query.data?.documents.length === 0 && <p className="muted">{t('reportFiles.none')}</p>}
      {query.data !== undefined && query.data.documents.length > 0 && <FilesTable documents={query.data.documents} />}
    </section>
  );
}

function FilesTable({ documents }: { documents: readonly Document[] }) {
  const { t } = useTranslation();
  const day = useDay();
  const size = useFileSize();
  return (
    <div className="table-scroll">
      <table className="table">
        <caption className="visually-hidden">{t('reportFiles.heading')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('documents.versions.name')}</th>
            <th scope="col">{t('documents.facts.kind')}</th>
            <th scope="col">{t('documents.facts.size')}</th>
            <th scope="col">{t('reportFiles.addedOn')}</th>
            <th scope="col">{t('documents.facts.metadata')}</th>
            <th scope="col">{t('common.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {documents.map((d) => (
            <tr key={d.id}>
              <th scope="row">
                <Link to="/documents/$documentId" params={{ documentId: d.id }}>
                  {d.current.name}
                </Link>
              </th>
              <td>{d.current.kind.toUpperCase()}</td>
              <td>{size(d.current.bytes)}</td>
              {/* The day only: an anonymous file is dated to its day (midnight UTC of the company's day). */}
              <td>{day(d.current.uploadedAt.slice(0, 10))}</td>
              <td>
                {!d.current.stripped
                  ? t('documents.facts.notStripped')
                  : d.current.residual.length === 0
                    ? t('documents.facts.stripped')
                    : t('reportFiles.strippedPartly')}
              </td>
              <td className="table__actions">
                <a
                  className="button button--secondary button--small"
                  href={downloadPath(d.id, d.current.version)}
                  download={d.current.name}
                >
                  {t('reportFiles.download')}
                  <span className="visually-hidden"> {d.current.name}</span>
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
