import type { Kysely } from 'kysely';
import type { Role, SessionInfo } from '../../../contract/accounts.ts';
import { sessionsRepository } from '../../access/sessions/sessions.repository.ts';
import { csrfTokenFor } from '../../access/sessions/tokens.ts';
import type { DetailOf } from '../../audit/events.ts';
import { recordAudit } from '../../audit/record.ts';
import type { DB } from '../../platform/db/schema.ts';
import { ForbiddenError } from '../../platform/http/errors.ts';
import type { AccountsContext, RequestOrigin } from './context.ts';

export interface SessionUser {
  readonly id: string;
  readonly email: string | null;
  readonly displayName: string | null;
  readonly role: string;
  readonly expertise: string | null;
}

/** What the client learns about a session just created (by a sign-in or a completed second step). */
export function issuedSessionInfo(
  ctx: AccountsContext,
  user: SessionUser,
  token: string,
  now: Date,
  mfa: SessionInfo['mfa'],
): SessionInfo {
  return {
    user: {
      id: user.id,
      email: user.email ?? '',
      displayName: user.displayName ?? '',
      role: user.role as Role,
      expertise: user.expertise as SessionInfo['user']['expertise'],
    },
    csrfToken: csrfTokenFor(token),
    idleExpiresAt: new Date(now.getTime() + ctx.sessionIdleSeconds * 1000).toISOString(),
    absoluteExpiresAt: new Date(now.getTime() + ctx.sessionAbsoluteSeconds * 1000).toISOString(),
    mfa,
  };
}

/** The users table's row as a SessionUser. */
export function toSessionUser(row: {
  id: string;
  email: string | null;
  display_name: string | null;
  role: string;
  expertise: string | null;
}): SessionUser {
  return { id: row.id, email: row.email, displayName: row.display_name, role: row.role, expertise: row.expertise };
}

/**
 * A new session of a user who just proved who they are (password, passkey, single sign-on), recorded as
 * `session.signed_in` with how; `mfaDone` when that proof already was both factors; `freshProof` when it was
 * given just now, which then counts as a step-up (a single sign-on may ride on an hours-old provider session).
 */
export async function openSession(
  tx: Kysely<DB>,
  ctx: AccountsContext,
  userId: string,
  origin: RequestOrigin,
  now: Date,
  how: { readonly mfaDone: boolean; readonly freshProof: boolean; readonly detail: DetailOf<'session.signed_in'> },
): Promise<{ id: string; token: string }> {
  const { sessionAbsoluteSeconds: seconds } = ctx;
  const session = await sessionsRepository.create(tx, userId, now, seconds, origin.userAgent, how.freshProof);
  if (how.mfaDone) await sessionsRepository.completeMfa(tx, session.id, now, how.freshProof);
  await recordAudit(tx, now, {
    action: 'session.signed_in',
    outcome: 'allowed',
    actorUserId: userId,
    object: { type: 'session', id: session.id },
    ip: origin.ip,
    userAgent: origin.userAgent,
    detail: how.detail,
  });
  return session;
}

/**
 * Refuses a password or passkey sign-in of an account that must come through the provider (see
 * AccountsContext.ssoOnlyWhenLinked), recorded like any refused sign-in.
 */
export async function refuseIfSsoOnly(
  ctx: AccountsContext,
  user: { readonly id: string; readonly role: string },
  method: 'password' | 'passkey',
  origin: RequestOrigin,
  now: Date,
): Promise<void> {
  if (!ctx.ssoOnlyWhenLinked || user.role === 'reporter') return;
  const { db } = ctx.database;
  const linked = await db
    .selectFrom('user_identities')
    .select('user_id')
    .where('user_id', '=', user.id)
    .executeTakeFirst();
  if (linked === undefined) return;
  await recordAudit(db, now, {
    action: 'session.sign_in_failed',
    outcome: 'denied',
    actorUserId: user.id,
    ip: origin.ip,
    userAgent: origin.userAgent,
    detail: { reason: 'sso_required', ...(method === 'passkey' ? { method } : {}) },
  });
  throw new ForbiddenError('Your account signs in through single sign-on.', 'sso_required');
}
