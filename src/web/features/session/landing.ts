import type { Role } from '../../../contract/accounts.ts';

/** Where a role starts after signing in, when no other page was asked for. */
export function landingPath(role: Role): '/admin/users' | '/approvals' | '/audit' | '/' {
  if (role === 'admin') return '/admin/users';
  if (role === 'team_lead') return '/approvals';
  if (role === 'auditor') return '/audit';
  return '/';
}
