import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DocumentVersion } from '../../../contract/documents.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { fetchPreview, previewKindOf } from './documents-api.ts';
import { PdfPreview } from './PdfPreview.tsx';

/**
 * A version shown inside the app: images as images, PDFs page by page through pdf.js, both from
 * bytes fetched with the session, never by sending the browser to the file. Each look is
 * audited by the server, so the bytes are fetched once per version shown and dropped when the
 * preview goes (nothing retries a damaged document on its own).
 */
export function DocumentPreview({ documentId, version }: { documentId: string; version: DocumentVersion }) {
  const { t } = useTranslation();
  const kind = previewKindOf(version);
  const content = useQuery({
    queryKey: ['documents', documentId, 'preview', version.version],
    queryFn: () => fetchPreview(documentId, version.version),
    enabled: kind !== undefined,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    refetchOnWindowFocus: false,
  });

  return (
    <section aria-labelledby="preview-heading" className="preview">
      <h2 id="preview-heading">{t('documents.preview.heading', { version: version.version })}</h2>
      {kind === undefined && <p>{t('documents.preview.none')}</p>}
      {kind !== undefined && content.isPending && <p>{t('common.loading')}</p>}
      {content.isError && <ErrorAlert error={content.error} />}
      {content.isSuccess && kind === 'image' && <ImagePreview blob={content.data} version={version} />}
      {content.isSuccess && kind === 'pdf' && <PdfPreview blob={content.data} name={version.name} />}
    </section>
  );
}

/** The image from an object URL (the CSP allows blob: images), released when it is no longer shown. */
function ImagePreview({ blob, version }: { blob: Blob; version: DocumentVersion }) {
  const { t } = useTranslation();
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    const objectUrl = URL.createObjectURL(blob);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [blob]);
  if (url === undefined) return null;
  return (
    <img
      className="preview__image"
      src={url}
      alt={t('documents.preview.imageAlt', { name: version.name, version: version.version })}
    />
  );
}
