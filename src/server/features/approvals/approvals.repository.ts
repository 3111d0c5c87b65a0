import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Expertise, Role } from '../../../contract/accounts.ts';
import { openEmail, openName } from '../../access/identity.ts';
import type { KeyRing } from '../../platform/crypto/key-ring.ts';
import { unlessUnreadable } from '../../platform/crypto/unreadable.ts';
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

  /** Pending requests with the names and address opened (the plaintext columns only on rows from before sealing). */
  async listPending(db: Kysely<DB>, keys: KeyRing) {
    const rows = await db
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
        'u.email_sealed as user_email_sealed',
        'u.display_name as user_display_name',
        'u.display_name_sealed as user_display_name_sealed',
        'u.role as user_role',
        'u.status as user_status',
        'r.id as requester_id',
        'r.display_name as requester_display_name',
        'r.display_name_sealed as requester_display_name_sealed',
      ])
      .where('a.status', '=', 'pending')
      .orderBy('a.created_at')
      .execute();
    const ring = keys.using(db);
    return Promise.all(
      rows.map(async ({ user_email_sealed, user_display_name_sealed, requester_display_name_sealed, ...r }) => ({
        ...r,
        user_email: await unlessUnreadable(openEmail(ring, r.user_id, user_email_sealed, r.user_email)),
        user_display_name: await unlessUnreadable(
          openName(ring, r.user_id, user_display_name_sealed, r.user_display_name),
        ),
        requester_display_name: await unlessUnreadable(
          openName(ring, r.requester_id, requester_display_name_sealed, r.requester_display_name),
        ),
      })),
    );
  },

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
