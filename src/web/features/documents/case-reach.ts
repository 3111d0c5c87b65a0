import { useQuery } from '@tanstack/react-query';
import type { CaseDetail, Member } from '../../../contract/cases.ts';
import { caseQuery } from '../cases/cases-api.ts';

/**
 * Whether the reader may change the case's documents (upload, new versions, who may see one): the server's rule
 * (cases/document-owner.ts) as the case's detail shows it. Changes go by the reader's own membership with the
 * documents section; a break-glass only reads, and a merged case changes no more. The server checks again.
 */
export const writesCaseDocuments = (detail: CaseDetail): boolean =>
  detail.access.kind === 'member' &&
  detail.closureReason !== 'merged' &&
  (detail.access.fullScope || detail.access.sections.includes('documents'));

/** The members a case document can be restricted to: those whose scope holds the documents, while it lasts. */
export const readerCandidates = (members: readonly Member[], now = Date.now()): Member[] =>
  members.filter(
    (m) => (m.fullScope || m.sections.includes('documents')) && (m.expiresAt === null || Date.parse(m.expiresAt) > now),
  );

/**
 * The case of a document, for what the reader may do with it. Taken from the cache when the case page has it:
 * every read of a case is audited, and a document's controls are no reason for another one.
 */
export function useCaseDetail(caseId: string | undefined) {
  return useQuery({ ...caseQuery(caseId ?? ''), enabled: caseId !== undefined, staleTime: Number.POSITIVE_INFINITY });
}
