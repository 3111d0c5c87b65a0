import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Document, DocumentVersion } from '../../../contract/documents.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { useCaseDetail, writesCaseDocuments } from './case-reach.ts';
import { DocumentPreview } from './DocumentPreview.tsx';
import { DocumentReaders } from './DocumentReaders.tsx';
import { DocumentVersions } from './DocumentVersions.tsx';
import { documentQuery } from './documents-api.ts';
import { NewVersionForm } from './NewVersionForm.tsx';
import { RestrictedBadge } from './RestrictedBadge.tsx';
import { useFileSize } from './useFileSize.ts';

/**
 * One document of a case or a report: what it is, its versions to download, and a preview of
 * images and PDFs inside the app. The case and intake pages link here; the server decides who
 * may see it (everyone else gets "not found", a document restricted to other members too). A case
 * document also says who may see it; those who may change the case's documents upload new versions
 * and choose who may see it.
 */
export function DocumentPage({ documentId }: { documentId: string }) {
  const { t } = useTranslation();
  const document = useQuery(documentQuery(documentId));
  useDocumentTitle(document.data?.current.name ?? t('documents.title'));

  return (
    <section className="page" aria-labelledby="document-heading">
      {document.isPending && <p>{t('common.loading')}</p>}
      {document.isError && (
        <>
          <Heading id="document-heading">{t('documents.title')}</Heading>
          <ErrorAlert error={document.error} />
        </>
      )}
      {document.isSuccess && <DocumentView key={document.data.id} document={document.data} />}
    </section>
  );
}

function DocumentView({ document }: { document: Document }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const size = useFileSize();
  // The version in the preview: the current one unless another was chosen.
  const [shown, setShown] = useState<number | undefined>();
  const current = document.current;
  const version = document.versions.find((v) => v.version === shown) ?? current;
  const ofCase = document.ownerType === 'case';
  const detail = useCaseDetail(ofCase ? document.ownerId : undefined);
  const writes = detail.data !== undefined && writesCaseDocuments(detail.data);

  return (
    <>
      <div className="case-header">
        <Heading id="document-heading">{current.name}</Heading>
        {document.restricted && <RestrictedBadge />}
      </div>
      <dl className="facts">
        <div>
          <dt>{t('documents.facts.kind')}</dt>
          <dd>{current.kind.toUpperCase()}</dd>
        </div>
        <div>
          <dt>{t('documents.facts.size')}</dt>
          <dd>{size(current.bytes)}</dd>
        </div>
        <div>
          <dt>{t('documents.facts.version')}</dt>
          <dd>{current.version}</dd>
        </div>
        <div>
          <dt>{t('documents.facts.uploadedAt')}</dt>
          <dd>{dateTime(current.uploadedAt)}</dd>
        </div>
        <div>
          <dt>{t('documents.facts.scan')}</dt>
          <dd>{current.scanned ? t('documents.facts.scanned') : t('documents.facts.notScanned')}</dd>
        </div>
        <div>
          <dt>{t('documents.facts.metadata')}</dt>
          <dd>
            <MetadataFact version={current} />
          </dd>
        </div>
      </dl>
      {ofCase && <DocumentReaders document={document} writes={writes} />}
      <DocumentVersions document={document} shown={version.version} onShow={setShown} />
      {writes && <NewVersionForm document={document} onUploaded={() => setShown(undefined)} />}
      <DocumentPreview documentId={document.id} version={version} />
    </>
  );
}

/** Whether metadata was removed, and what could not be (identifying data the reader should know is there). */
function MetadataFact({ version }: { version: DocumentVersion }) {
  const { t } = useTranslation();
  if (!version.stripped) return <>{t('documents.facts.notStripped')}</>;
  if (version.residual.length === 0) return <>{t('documents.facts.stripped')}</>;
  return (
    <>
      {t('documents.facts.strippedExcept')}
      <ul>
        {version.residual.map((code) => (
          <li key={code}>{t(`documents.residual.${code}`)}</li>
        ))}
      </ul>
    </>
  );
}
