import { queryOptions } from '@tanstack/react-query';
import { InvitationInfo } from '../../../contract/accounts.ts';
import { apiPost } from '../../api/client.ts';

/** Looking a link up is a POST (the token belongs in a body, never in a URL) but reads nothing else. */
export const invitationQuery = (token: string) =>
  queryOptions({
    queryKey: ['invitation', token],
    queryFn: () => apiPost('/api/invitations/lookup', { token }, InvitationInfo),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

export function acceptInvitation(request: { token: string; password: string }): Promise<void> {
  return apiPost('/api/invitations/accept', request);
}
