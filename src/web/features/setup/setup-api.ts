import { queryOptions } from '@tanstack/react-query';
import { type SetupRequest, SetupResult, SetupStatus } from '../../../contract/accounts.ts';
import { apiGet, apiPost } from '../../api/client.ts';

export const setupStatusQuery = queryOptions({
  queryKey: ['setup'],
  queryFn: ({ signal }) => apiGet('/api/setup', SetupStatus, { signal }),
  staleTime: Number.POSITIVE_INFINITY,
});

export function completeSetup(request: SetupRequest): Promise<SetupResult> {
  return apiPost('/api/setup', request, SetupResult);
}
