import { queryOptions } from '@tanstack/react-query';
import { SessionList } from '../../../contract/accounts.ts';
import { apiDelete, apiGet, apiPost } from '../../api/client.ts';

export const mySessionsQuery = queryOptions({
  queryKey: ['me', 'sessions'],
  queryFn: ({ signal }) => apiGet('/api/me/sessions', SessionList, { signal }),
});

export function revokeSession(id: string): Promise<void> {
  return apiDelete(`/api/me/sessions/${encodeURIComponent(id)}`);
}

export function changePassword(request: { currentPassword: string; newPassword: string }): Promise<void> {
  return apiPost('/api/me/password', request);
}
