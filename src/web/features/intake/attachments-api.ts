import { queryOptions } from '@tanstack/react-query';
import { Document, DocumentList } from '../../../contract/documents.ts';
import { ReporterView } from '../../../contract/reports.ts';
import { apiGet, apiUpload } from '../../api/client.ts';

/**
 * A report's files (docs/intake.md, "Attachments"): the reporter adds them after the report is stored, the team
 * lists them as the report's documents.
 */

/**
 * What the file inputs offer: every document kind but HEIC, whose metadata cannot be removed here
 * (docs/documents.md), since a reporter's files are always stripped (the anonymous channel's must be).
 */
export const ATTACHMENT_ACCEPT = '.pdf,.png,.jpg,.jpeg,.gif,.webp,.docx,.xlsx,.pptx,.odt,.ods,.txt,.csv,.eml';

/**
 * The server's default upload limit (TMA_UPLOAD_LIMIT_BYTES), stated until the intake settings (which name the
 * configured one) have loaded; the check itself is the server's.
 */
export const UPLOAD_LIMIT_BYTES = 100 * 1024 ** 2;

/** Files one form sends: each is one request of the anonymous channel's throttle (30 in ten minutes by default). */
export const MAX_ATTACHMENTS = 10;

/** An anonymous file: the receipt is the first field (checked before a byte of the file is stored). */
export const attachByReceipt = (receipt: string, file: File, signal?: AbortSignal) =>
  apiUpload('/api/anonymous/receipt/documents', { receipt }, file, ReporterView, signal);

/** A signed-in reporter's file, through the document service; their metadata is stripped as the anonymous ones'. */
export const attachToMyReport = (reportId: string, file: File, signal?: AbortSignal) =>
  apiUpload('/api/documents', { ownerType: 'report', ownerId: reportId, strip: 'true' }, file, Document, signal);

/** The report's documents, for the team (triage, and the members of its case with the documents section). */
export const reportDocumentsQuery = (reportId: string) =>
  queryOptions({
    queryKey: ['report-documents', reportId],
    queryFn: ({ signal }) =>
      apiGet(`/api/documents?ownerType=report&ownerId=${encodeURIComponent(reportId)}`, DocumentList, { signal }),
    // Listing is audited like a read: a window regaining focus is no reason to list again.
    refetchOnWindowFocus: false,
    retry: false,
  });
