import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { WarningBehaviour } from '../../../contract/reports.ts';
import {
  type CreateEntry,
  EntryHistory,
  type EntryKind,
  TimelinePage,
  type UpdateEntry,
  WrittenEntry,
} from '../../../contract/timeline.ts';
import { apiGet, apiPost, apiPut } from '../../api/client.ts';

/**
 * The timeline API (docs/timeline.md). Every read is an audit event: nothing is refetched when a
 * window regains focus, only when something changed.
 */
const timelinePath = (caseId: string, rest = '') => `/api/cases/${encodeURIComponent(caseId)}/timeline${rest}`;

/** The list's filters as the form holds them: an empty value is no filter; no kind chosen is every kind. */
export interface TimelineFilters {
  readonly kinds: readonly EntryKind[];
  readonly person: string;
  readonly tag: WarningBehaviour | '';
  readonly from: string;
  readonly to: string;
  readonly q: string;
}

export const NO_FILTERS: TimelineFilters = { kinds: [], person: '', tag: '', from: '', to: '', q: '' };

/** The query string of a page: the filters set, then the cursor of a later page. */
export function timelineSearch(filters: TimelineFilters, cursor?: string): string {
  const params = new URLSearchParams();
  if (filters.kinds.length > 0) params.set('kinds', filters.kinds.join(','));
  if (filters.person !== '') params.set('person', filters.person);
  if (filters.tag !== '') params.set('tag', filters.tag);
  if (filters.from !== '') params.set('from', filters.from);
  if (filters.to !== '') params.set('to', filters.to);
  if (filters.q.trim() !== '') params.set('q', filters.q.trim());
  if (cursor !== undefined) params.set('cursor', cursor);
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

/** Every timeline query of a case, to refresh after a change. */
export const timelineKey = (caseId: string) => ['cases', caseId, 'timeline'] as const;

export const timelineQuery = (caseId: string, filters: TimelineFilters) =>
  infiniteQueryOptions({
    queryKey: [...timelineKey(caseId), 'list', filters],
    queryFn: ({ pageParam, signal }) =>
      apiGet(timelinePath(caseId, timelineSearch(filters, pageParam)), TimelinePage, { signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
    refetchOnWindowFocus: false,
    retry: false,
  });

export const entryHistoryQuery = (caseId: string, entryId: string) =>
  queryOptions({
    queryKey: [...timelineKey(caseId), 'versions', entryId],
    queryFn: ({ signal }) =>
      apiGet(timelinePath(caseId, `/${encodeURIComponent(entryId)}/versions`), EntryHistory, { signal }),
    refetchOnWindowFocus: false,
    retry: false,
  });

export const createEntry = (caseId: string, body: CreateEntry) => apiPost(timelinePath(caseId), body, WrittenEntry);

export const updateEntry = (caseId: string, entryId: string, body: UpdateEntry) =>
  apiPut(timelinePath(caseId, `/${encodeURIComponent(entryId)}`), body, WrittenEntry);
