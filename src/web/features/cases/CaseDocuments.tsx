import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { useCaseDetail, writesCaseDocuments } from '../documents/case-reach.ts';
import { DocumentUploadForm } from '../documents/DocumentUploadForm.tsx';
import { uploadCaseDocument } from '../documents/documents-api.ts';
import { RestrictedBadge } from '../documents/RestrictedBadge.tsx';
import { caseDocumentsQuery } from './cases-api.ts';

/**
 * The case's documents (docs/documents.md), for members whose scope holds them and a break-glass; a document
 * restricted to chosen members is marked (the others never see it). Members who may change the documents upload
 * new ones here.
 */
export function CaseDocuments({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const when = useDateTime();
  const client = useQueryClient();
  const documents = useQuery(caseDocumentsQuery(caseId));
  const detail = useCaseDetail(caseId);
  const writes = detail.data !== undefined && writesCaseDocuments(detail.data);
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
                {d.restricted && (
                  <>
                    <RestrictedBadge />{' '}
                  </>
                )}
                <span className="table__muted">
                  {t('cases.documents.version', { version: d.current.version, date: when(d.current.uploadedAt) })}
                </span>
              </li>
            ))}
          </ul>
        ))}
      {writes && (
        <DocumentUploadForm
          id="case-upload"
          heading={t('documents.upload.heading')}
          headingLevel={3}
          fileLabel={t('documents.upload.file')}
          submitLabel={t('documents.upload.submit')}
          send={async (file, strip) => {
            const stored = await uploadCaseDocument(caseId, file, strip);
            await client.invalidateQueries({ queryKey: caseDocumentsQuery(caseId).queryKey });
            return stored;
          }}
          uploaded={(stored) => t('documents.upload.uploaded', { name: stored.current.name })}
        />
      )}
    </section>
  );
}
