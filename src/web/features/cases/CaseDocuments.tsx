import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { caseDocumentsQuery } from './cases-api.ts';

/** The case's documents (docs/documents.md), for members whose scope holds them and a break-glass. */
export function CaseDocuments({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const when = useDateTime();
  const documents = useQuery(caseDocumentsQuery(caseId));
  return (
    <section className="card" aria-labelledby="case-documents-heading">
      <h2 id="case-documents-heading">{t('cases.documents.heading')}</h2>
      {documents.isPending && <p>{t('common.loading')}</p>}
      {documents.isError && <ErrorAlert error={documents.error} />}
      {documents.data !== undefined &&
        (documents.data.documents.length === 0 ? (
          <p>{t('cases.documents.none')}</p>
        ) : (
          <ul>
            {documents.data.documents.map((d) => (
              <li key={d.id}>
                <Link to="/documents/$documentId" params={{ documentId: d.id }}>
                  {d.current.name}
                </Link>{' '}
                <span className="table__muted">
                  {t('cases.documents.version', { version: d.current.version, date: when(d.current.uploadedAt) })}
                </span>
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}
