import { queryOptions } from '@tanstack/react-query';
import { CaseRef, type LinkCase, type MergeCase, RelatedCases } from '../../../contract/links.ts';
import { apiDelete, apiGet, apiPost } from '../../api/client.ts';

/** Linked and merged cases (docs/cases.md, "Linking and merging"). */
const casePath = (id: string, rest: string) => `/api/cases/${encodeURIComponent(id)}${rest}`;

export const relatedQuery = (id: string) =>
  queryOptions({
    queryKey: ['cases', id, 'related'],
    queryFn: ({ signal }) => apiGet(casePath(id, '/related'), RelatedCases, { signal }),
    refetchOnWindowFocus: false,
  });

export const linkCase = (id: string, body: LinkCase) => apiPost(casePath(id, '/links'), body);
export const unlinkCase = (id: string, otherId: string) =>
  apiDelete(casePath(id, `/links/${encodeURIComponent(otherId)}`));
export const mergeCase = (id: string, body: MergeCase) => apiPost(casePath(id, '/merge'), body, CaseRef);
