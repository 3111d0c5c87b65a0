import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { type AuditFilter, AuditPage, AuditStatus, AuditVerification } from '../../../contract/audit.ts';
import { apiDownload, apiGet, apiPost, type Download } from '../../api/client.ts';
import { filterParams } from './filters.ts';

/** Events per page of the viewer. */
export const PAGE_SIZE = 50;

export const auditStatusQuery = queryOptions({
  queryKey: ['audit', 'status'],
  queryFn: ({ signal }) => apiGet('/api/audit/status', AuditStatus, { signal }),
});

/** The events matching a filter, newest first, one page after the other (keyset pagination). */
export const auditEventsQuery = (filter: AuditFilter) =>
  infiniteQueryOptions({
    queryKey: ['audit', 'events', filter],
    queryFn: ({ pageParam, signal }) =>
      apiGet(`/api/audit/events${filterParams(filter, { cursor: pageParam, limit: String(PAGE_SIZE) })}`, AuditPage, {
        signal,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
    // The trail grows with every action, reading it included: a page once shown stays as it was until asked again.
    refetchOnWindowFocus: false,
  });

/** Recomputes the whole chain on the server and checks it against the signed checkpoints. */
export function verifyChain(): Promise<AuditVerification> {
  return apiPost('/api/audit/verify', undefined, AuditVerification);
}

/** The events matching a filter as a CSV file (needs a recent password confirmation). */
export function exportCsv(filter: AuditFilter): Promise<Download> {
  return apiDownload(`/api/audit/events.csv${filterParams(filter)}`, 'text/csv, application/problem+json');
}
