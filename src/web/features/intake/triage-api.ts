import { queryOptions } from '@tanstack/react-query';
import {
  type AttachReport,
  type CloseReport,
  type OpenCaseFromReport,
  type RecordReport,
  SubmittedReport,
  type TeamMessage,
  TriageDetail,
  TriageList,
  type TriageQuery,
  TriageResult,
} from '../../../contract/reports.ts';
import { apiGet, apiPost } from '../../api/client.ts';

/**
 * Triage (docs/intake.md), for threat managers and team leads. Every read of a report is an audit event: queries
 * are not refetched when a window regains focus, only when something changed.
 */
const reportPath = (id: string, rest = '') => `/api/triage/reports/${encodeURIComponent(id)}${rest}`;

export const triageListQuery = (filter: TriageQuery) =>
  queryOptions({
    queryKey: ['triage', 'list', filter],
    queryFn: ({ signal }) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(filter)) {
        if (value !== undefined && value !== '') params.set(key, String(value));
      }
      return apiGet(`/api/triage/reports?${params}`, TriageList, { signal });
    },
    refetchOnWindowFocus: false,
  });

export const triageReportQuery = (id: string) =>
  queryOptions({
    queryKey: ['triage', id],
    queryFn: ({ signal }) => apiGet(reportPath(id), TriageDetail, { signal }),
    refetchOnWindowFocus: false,
    retry: false,
  });

export const recordReport = (body: RecordReport) => apiPost('/api/triage/reports', body, SubmittedReport);
export const writeToReporter = (id: string, body: TeamMessage) =>
  apiPost(reportPath(id, '/messages'), body, TriageDetail);
export const acknowledgeOutside = (id: string, body: { expectedVersion: number; on: string }) =>
  apiPost(reportPath(id, '/acknowledge'), body, TriageDetail);
export const openCaseFromReport = (id: string, body: OpenCaseFromReport) =>
  apiPost(reportPath(id, '/case'), body, TriageResult);
export const attachToCase = (id: string, body: AttachReport) => apiPost(reportPath(id, '/attach'), body, TriageResult);
export const closeReport = (id: string, body: CloseReport) => apiPost(reportPath(id, '/close'), body, TriageResult);
