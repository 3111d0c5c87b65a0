import type { CaseDetail } from '../../../contract/cases.ts';

/** Whether the reader reaches the case's assessments: a full scope or the assessments section, or a break-glass (else 404). */
export const readsAssessments = (detail: CaseDetail): boolean =>
  detail.access.kind === 'break_glass' ||
  (detail.access.kind === 'member' && (detail.access.fullScope || detail.access.sections.includes('assessments')));

/**
 * Whether the reader may start one: rating is a member's own work, never a break-glass's, and a merged case
 * changes no more. The server checks again.
 */
export const startsAssessments = (detail: CaseDetail): boolean =>
  detail.access.kind === 'member' && detail.closureReason !== 'merged' && readsAssessments(detail);

/** Whether the reader may have the persons' real names in an export: the identities section, or a break-glass. */
export const readsIdentities = (detail: CaseDetail): boolean =>
  detail.access.kind === 'break_glass' ||
  (detail.access.kind === 'member' && (detail.access.fullScope || detail.access.sections.includes('identities')));
