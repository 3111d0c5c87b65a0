import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Expertise, Role } from '../../../contract/accounts.ts';
import type { DB } from '../../platform/db/schema.ts';
import type { PendingApproval } from '../users/users.presenter.ts';

export type ApprovalKind = 'grant_role' | 'reset_password' | 'reset_mfa';

export const approvalsRepository = {
  /** One pending request per user: a newer request supersedes the older one. */
  async request(
    db: Kysely<DB>,
    a: {
      kind: ApprovalKind;
      userId: string;
      userVersion: number;
      role: Role | null;
      expertise: Expertise | null;
      requestedBy: string;
    },
    now: Date,
  ): Promise<string> {
    await db
      .updateTable('approvals')
      .set({ status: 'superseded' })
      .where('user_id', '=', a.userId)
      .where('status', '=', 'pending')
      .execute();
    const id = randomUUID();
    await db
      .insertInto('approvals')
      .values({
        id,
        kind: a.kind,
        user_id: a.userId,
        requested_role: a.role,
        requested_expertise: a.expertise,
        requested_by: a.requestedBy,
        user_version: a.userVersion,
        created_at: now,
        decided_by: null,
        decided_at: null,
      })
      .execute();
    return id;
  },

  pendingByUser: async (db: Kysely<DB>): Promise<Map<string, PendingApproval>> => {
    const rows = await db
      .selectFrom('approvals')
      .select(['id', 'kind', 'user_id'])
      .where('status', '=', 'pending')
      .execute();
    return new Map(rows.map((r) => [r.user_id, { id: r.id, kind: r.kind }]));
  },

  listPending: (db: Kysely<DB>) =>
    db
      .selectFrom('approvals as a')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .innerJoin('users as r', 'r.id', 'a.requested_by')
      .select([
        'a.id',
        'a.kind',
        'a.requested_role',
        'a.requested_expertise',
        'a.created_at',
        'u.id as user_id',
        'u.email as user_email',
        'u.display_name as user_display_name',
        'u.role as user_role',
        'u.status as user_status',
        'r.id as requester_id',
        'r.display_name as requester_display_name',
      ])
      .where('a.status', '=', 'pending')
      .orderBy('a.created_at')
      .execute(),

  /** Locks the pending request for the decision; undefined when there is none (decided, superseded, unknown). */
  lockPending: (db: Kysely<DB>, id: string) =>
    db
      .selectFrom('approvals')
      .select(['id', 'kind', 'user_id', 'user_version', 'requested_role', 'requested_expertise', 'requested_by'])
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .forUpdate()
      .executeTakeFirst(),

  async decide(
    db: Kysely<DB>,
    id: string,
    status: 'approved' | 'rejected' | 'superseded',
    decidedBy: string,
    now: Date,
  ): Promise<void> {
    await db
      .updateTable('approvals')
      .set({ status, decided_by: decidedBy, decided_at: now })
      .where('id', '=', id)
      .execute();
  },
};
