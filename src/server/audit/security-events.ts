import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';

/**
 * The audit seam. Every security event goes through record(): sign-ins (failed ones too),
 * sign-outs, session ends, step-ups, setup, invitations, role changes, approvals, locks and
 * denials. Until the audit issue lands it writes a plain table; that issue replaces the storage
 * with the hash-chained trail, and no caller changes.
 */
export type SecurityAction =
  | 'setup.completed'
  | 'session.signed_in'
  | 'session.sign_in_failed'
  | 'session.signed_out'
  | 'session.revoked'
  | 'session.step_up'
  | 'session.step_up_failed'
  | 'password.changed'
  | 'password.change_failed'
  | 'link.created'
  | 'link.accepted'
  | 'user.invited'
  | 'user.role_changed'
  | 'user.locked'
  | 'user.unlocked'
  | 'user.password_reset'
  | 'approval.requested'
  | 'approval.approved'
  | 'approval.rejected'
  | 'access.denied';

export interface SecurityEvent {
  readonly action: SecurityAction;
  readonly outcome: 'allowed' | 'denied' | 'failed';
  readonly actorUserId?: string | null | undefined;
  readonly target?: { readonly type: string; readonly id: string } | undefined;
  readonly ip?: string | undefined;
  readonly userAgent?: string | undefined;
  /** Identifiers and codes only; never passwords, tokens or free text. */
  readonly detail?: Readonly<Record<string, string | number | boolean | null>> | undefined;
}

/** Pass the transaction of the change, so the event commits with it (or not at all). */
export async function recordSecurityEvent(executor: Kysely<DB>, at: Date, event: SecurityEvent): Promise<void> {
  await executor
    .insertInto('security_events')
    .values({
      at,
      actor_user_id: event.actorUserId ?? null,
      action: event.action,
      target_type: event.target?.type ?? null,
      target_id: event.target?.id ?? null,
      outcome: event.outcome,
      ip: event.ip ?? null,
      user_agent: event.userAgent?.slice(0, 300) ?? null,
      detail: event.detail ? JSON.stringify(event.detail) : null,
    })
    .execute();
}
