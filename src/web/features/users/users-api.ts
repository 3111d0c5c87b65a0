import { queryOptions } from '@tanstack/react-query';
import {
  AdminActionResult,
  type ChangeRoleRequest,
  type InviteUserRequest,
  UserList,
} from '../../../contract/accounts.ts';
import { apiGet, apiPost, apiPut } from '../../api/client.ts';

export const usersQuery = queryOptions({
  queryKey: ['admin', 'users'],
  queryFn: ({ signal }) => apiGet('/api/admin/users', UserList, { signal }),
});

const userPath = (id: string, action: string) => `/api/admin/users/${encodeURIComponent(id)}/${action}`;

export function inviteUser(request: InviteUserRequest): Promise<AdminActionResult> {
  return apiPost('/api/admin/users', request, AdminActionResult);
}

export function changeRole(id: string, request: ChangeRoleRequest): Promise<AdminActionResult> {
  return apiPut(userPath(id, 'role'), request, AdminActionResult);
}

export type UserAction = 'lock' | 'unlock' | 'password-reset' | 'mfa-reset';

export function userAction(id: string, action: UserAction): Promise<AdminActionResult> {
  return apiPost(userPath(id, action), undefined, AdminActionResult);
}
