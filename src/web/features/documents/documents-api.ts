import { queryOptions } from '@tanstack/react-query';
import { Document, type DocumentVersion, type SetReaders } from '../../../contract/documents.ts';
import { apiDownload, apiGet, apiPut, apiUpload } from '../../api/client.ts';

export const documentQuery = (id: string) =>
  queryOptions({
    queryKey: ['documents', id],
    queryFn: ({ signal }) => apiGet(`/api/documents/${encodeURIComponent(id)}`, Document, { signal }),
    // Every read is an audit event: a window regaining focus is no reason to read it again.
    refetchOnWindowFocus: false,
  });

const documentPath = (id: string, rest = '') => `/api/documents/${encodeURIComponent(id)}${rest}`;

/** A new document of a case; `strip` removes its hidden metadata before it is stored. */
export const uploadCaseDocument = (caseId: string, file: File, strip: boolean) =>
  apiUpload('/api/documents', { ownerType: 'case', ownerId: caseId, strip: String(strip) }, file, Document);

/**
 * The next version of a document, naming the document's version as the uploader saw it: a stale one is refused
 * (409 `stale_version`), so that nobody replaces a version they have not seen.
 */
export const uploadVersion = (id: string, expectedVersion: number, file: File, strip: boolean) =>
  apiUpload(
    documentPath(id, '/versions'),
    { expectedVersion: String(expectedVersion), strip: String(strip) },
    file,
    Document,
  );

/** Restricts a case document to chosen members (the server adds the caller), or opens it to the documents scope. */
export const setReaders = (id: string, body: SetReaders) => apiPut(documentPath(id, '/readers'), body);

const contentPath = (id: string, version: number) =>
  `/api/documents/${encodeURIComponent(id)}/versions/${version}/content`;

/** Where a version downloads from: the server sends it as an attachment, and audits it. */
export const downloadPath = contentPath;

/** Kinds the browser shows inside the app; HEIC, Office files and text are downloaded instead. */
export type PreviewKind = 'image' | 'pdf';

export function previewKindOf(version: Pick<DocumentVersion, 'kind'>): PreviewKind | undefined {
  switch (version.kind) {
    case 'png':
    case 'jpeg':
    case 'gif':
    case 'webp':
      return 'image';
    case 'pdf':
      return 'pdf';
    default:
      return undefined;
  }
}

/**
 * A version's bytes for the preview, fetched with the session (never by pointing the browser at the
 * file): the server answers `inline` only for images and PDFs, and audits the look like a download.
 */
export async function fetchPreview(id: string, version: number): Promise<Blob> {
  const { blob } = await apiDownload(`${contentPath(id, version)}?inline=true`, 'image/*, application/pdf');
  return blob;
}
