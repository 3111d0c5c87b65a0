import type { Expertise, Role, User, UserStatus } from '../../../contract/accounts.ts';
import type { UserRow } from './users.repository.ts';

export interface PendingApproval {
  id: string;
  kind: 'grant_role' | 'reset_password' | 'reset_mfa';
}

/** The only way a user leaves the server: never the row itself (it holds the password hash). */
export function presentUser(row: UserRow, pending: PendingApproval | null = null): User {
  return {
    id: row.id,
    email: row.email ?? '',
    displayName: row.display_name ?? '',
    role: row.role as Role,
    expertise: row.expertise as Expertise | null,
    status: row.status as UserStatus,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    activatedAt: row.activated_at?.toISOString() ?? null,
    pendingApproval: pending,
  };
}
