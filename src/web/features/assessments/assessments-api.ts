import { queryOptions } from '@tanstack/react-query';
import {
  AssessmentChanges,
  AssessmentDetail,
  AssessmentList,
  type ExportQuery,
  type SaveAssessment,
  type StartAssessment,
} from '../../../contract/assessments.ts';
import { apiDownload, apiGet, apiPost, apiPut, type Download } from '../../api/client.ts';
import { expanded } from './listing.ts';

/**
 * The assessments API of a case (docs/assessments.md). Every read is an audit event: nothing is
 * refetched when a window regains focus, only when something changed.
 */
const assessmentsPath = (caseId: string, rest = '') => `/api/cases/${encodeURIComponent(caseId)}/assessments${rest}`;
const onePath = (caseId: string, assessmentId: string, rest = '') =>
  assessmentsPath(caseId, `/${encodeURIComponent(assessmentId)}${rest}`);

/** Every assessment query of a case, to refresh after a change. */
export const assessmentsKey = (caseId: string) => ['cases', caseId, 'assessments'] as const;

export const assessmentsQuery = (caseId: string) =>
  queryOptions({
    queryKey: [...assessmentsKey(caseId), 'list'],
    queryFn: async ({ signal }) => expanded(await apiGet(assessmentsPath(caseId), AssessmentList, { signal })),
    refetchOnWindowFocus: false,
    retry: false,
  });

export const assessmentQuery = (caseId: string, assessmentId: string) =>
  queryOptions({
    queryKey: [...assessmentsKey(caseId), 'one', assessmentId],
    queryFn: ({ signal }) => apiGet(onePath(caseId, assessmentId), AssessmentDetail, { signal }),
    refetchOnWindowFocus: false,
    retry: false,
  });

export const startAssessment = (caseId: string, body: StartAssessment) =>
  apiPost(assessmentsPath(caseId), body, AssessmentDetail);

/** The whole content, named by the version it was read at: a stale one is refused (409 stale_version). */
export const saveAssessment = (caseId: string, assessmentId: string, body: SaveAssessment) =>
  apiPut(onePath(caseId, assessmentId), body, AssessmentDetail);

export const finaliseAssessment = (caseId: string, assessmentId: string, expectedVersion: number) =>
  apiPost(onePath(caseId, assessmentId, '/finalise'), { expectedVersion }, AssessmentDetail);

/** A finalised assessment as a PDF (the server asks for the password again if needed). */
export function exportPdf(caseId: string, assessmentId: string, query: Required<ExportQuery>): Promise<Download> {
  const params = new URLSearchParams({ language: query.language, identities: query.identities });
  return apiDownload(onePath(caseId, assessmentId, `/export?${params}`), 'application/pdf, application/problem+json');
}

/** Item by item, what changed between consecutive finalised assessments (read when asked for: it opens them all). */
export const assessmentChangesQuery = (caseId: string) =>
  queryOptions({
    queryKey: [...assessmentsKey(caseId), 'changes'],
    queryFn: ({ signal }) =>
      apiGet(`/api/cases/${encodeURIComponent(caseId)}/assessment-changes`, AssessmentChanges, { signal }),
    refetchOnWindowFocus: false,
    retry: false,
  });
