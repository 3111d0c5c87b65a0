import type { Role, SessionInfo, StepUpRequest } from '../../../contract/accounts.ts';
import type { Actor } from '../../access/actor.ts';
import { mfaState } from '../../access/mfa/mandate.ts';
import { mfaRepository } from '../../access/mfa/mfa.repository.ts';
import {
  hashPassword,
  needsRehash,
  verifyAgainstDummy,
  verifyPassword,
} from '../../access/passwords/password-hashing.ts';
import { checkPassword } from '../../access/passwords/password-policy.ts';
import { sessionsRepository } from '../../access/sessions/sessions.repository.ts';
import { ssoRepository } from '../../access/sso/sso.repository.ts';
import { clearAttempts, forgiveAttempt, reserveAttempt, throttleKey } from '../../access/throttle.ts';
import { recordAudit } from '../../audit/record.ts';
import {
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
  UnauthenticatedError,
} from '../../platform/http/errors.ts';
import { checkSecondFactor } from '../mfa/mfa.service.ts';
import { usersRepository } from '../users/users.repository.ts';
import type { AccountsContext, RequestOrigin } from './context.ts';
import { issuedSessionInfo, openSession, refuseIfSsoOnly, toSessionUser } from './issued-session.ts';
import { weakPasswordError } from './weak-password.ts';

const invalid = () => new UnauthenticatedError('The e-mail address or the password is wrong.', 'invalid_credentials');

export async function sessionInfo(actor: Actor): Promise<SessionInfo> {
  const { email, displayName } = await actor.identity();
  return {
    user: {
      id: actor.userId,
      email,
      displayName,
      role: actor.role,
      expertise: actor.expertise as SessionInfo['user']['expertise'],
    },
    csrfToken: actor.csrfToken,
    idleExpiresAt: actor.idleExpiresAt.toISOString(),
    absoluteExpiresAt: actor.absoluteExpiresAt.toISOString(),
    mfa: actor.mfa,
  };
}

/**
 * Sign-in with e-mail and password. Unknown e-mail and wrong password get the same answer after
 * the same work (a dummy hash is verified); a locked account is named only to someone who knew
 * its password. Throttled per account and per address before any password is checked.
 */
export async function signIn(ctx: AccountsContext, email: string, password: string, origin: RequestOrigin) {
  const { db } = ctx.database;
  const now = ctx.clock.now();
  const normalized = email.normalize('NFKC').trim().toLowerCase();
  const keys = { account: throttleKey('account', normalized), ip: throttleKey('ip', origin.ip) };
  // Counted before the password is checked: parallel guesses cannot slip between check and count.
  const wait =
    (await reserveAttempt(db, 'account', keys.account, now)) || (await reserveAttempt(db, 'ip', keys.ip, now));
  if (wait > 0) throw new TooManyRequestsError(Math.ceil(wait / 1000));

  const user = await usersRepository.findByEmail(db, ctx.keys, normalized);
  const ok = user?.password_hash
    ? await verifyPassword(user.password_hash, password)
    : await verifyAgainstDummy(password);
  if (!ok || user === undefined) {
    await recordAudit(db, now, {
      action: 'session.sign_in_failed',
      outcome: 'failed',
      actorUserId: user?.id ?? null,
      ip: origin.ip,
      userAgent: origin.userAgent,
    });
    throw invalid();
  }
  if (user.status === 'locked') {
    await recordAudit(db, now, {
      action: 'session.sign_in_failed',
      outcome: 'denied',
      actorUserId: user.id,
      ip: origin.ip,
      detail: { reason: 'locked' },
    });
    throw new ForbiddenError('This account is locked. Ask your administrator.', 'account_locked');
  }
  await clearAttempts(db, keys.account);
  await forgiveAttempt(db, keys.ip);
  await refuseIfSsoOnly(ctx, user, 'password', origin, now);
  const rehash =
    user.password_hash !== null && needsRehash(user.password_hash) ? await hashPassword(password) : undefined;
  const hasSecondFactor = await mfaRepository.hasSecondFactor(db, user.id);
  return ctx.database.transaction(async (tx) => {
    if (rehash !== undefined)
      await tx.updateTable('users').set({ password_hash: rehash }).where('id', '=', user.id).execute();
    const detail = { secondFactor: hasSecondFactor ? ('due' as const) : ('none' as const) };
    const session = await openSession(tx, ctx, user.id, origin, now, { mfaDone: false, freshProof: true, detail });
    // With a second factor the session waits for it (see features/mfa).
    const mfa = mfaState(user.role as Role, hasSecondFactor, null);
    const info = issuedSessionInfo(ctx, toSessionUser(user), session.token, now, mfa);
    return { token: session.token, info };
  });
}

/** Ends the session; answers whether it came through single sign-on (then the provider's session may end too). */
export async function signOut(ctx: AccountsContext, actor: Actor, origin: RequestOrigin): Promise<boolean> {
  const now = ctx.clock.now();
  return ctx.database.transaction(async (tx) => {
    const viaSso = (await ssoRepository.sessionIssuer(tx, actor.sessionId)) !== null;
    await sessionsRepository.end(tx, actor.sessionId, 'signed_out', now);
    await recordAudit(tx, now, {
      action: 'session.signed_out',
      outcome: 'allowed',
      actorUserId: actor.userId,
      object: { type: 'session', id: actor.sessionId },
      ip: origin.ip,
    });
    return viaSso;
  });
}

/** The signed-in user's own password again, throttled like a sign-in; a failure is recorded. */
async function confirmOwnPassword(
  ctx: AccountsContext,
  actor: Actor,
  password: string,
  failedAction: 'session.step_up_failed' | 'password.change_failed',
  origin: RequestOrigin,
  now: Date,
): Promise<void> {
  const { db } = ctx.database;
  const key = throttleKey('account', (await actor.identity()).email);
  const wait = await reserveAttempt(db, 'account', key, now);
  if (wait > 0) throw new TooManyRequestsError(Math.ceil(wait / 1000));
  const user = await usersRepository.findById(db, ctx.keys, actor.userId);
  if (user?.password_hash && (await verifyPassword(user.password_hash, password))) {
    await clearAttempts(db, key);
    return;
  }
  await recordAudit(db, now, {
    action: failedAction,
    outcome: 'failed',
    actorUserId: actor.userId,
    ip: origin.ip,
  });
  throw new UnauthenticatedError('The password is wrong.', 'invalid_credentials');
}

/**
 * Re-authentication for sensitive actions, valid for TMA_STEP_UP_SECONDS (5 minutes): the
 * password again, a code of the authenticator app (once per time step), or a passkey.
 */
export async function stepUp(
  ctx: AccountsContext,
  actor: Actor,
  proof: StepUpRequest,
  origin: RequestOrigin,
): Promise<void> {
  const now = ctx.clock.now();
  const method =
    'password' in proof ? 'password' : await checkSecondFactor(ctx, actor, proof, origin, 'session.step_up_failed');
  if ('password' in proof) await confirmOwnPassword(ctx, actor, proof.password, 'session.step_up_failed', origin, now);
  await ctx.database.transaction(async (tx) => {
    await sessionsRepository.stepUp(tx, actor.sessionId, now);
    await recordAudit(tx, now, {
      action: 'session.step_up',
      outcome: 'allowed',
      actorUserId: actor.userId,
      object: { type: 'session', id: actor.sessionId },
      ip: origin.ip,
      detail: { method },
    });
  });
}

export async function listSessions(ctx: AccountsContext, actor: Actor) {
  const rows = await sessionsRepository.listOpen(
    ctx.database.db,
    actor.userId,
    ctx.clock.now(),
    ctx.sessionIdleSeconds,
  );
  return rows.map((r) => ({
    id: r.id,
    current: r.id === actor.sessionId,
    createdAt: r.created_at.toISOString(),
    lastSeenAt: r.last_seen_at.toISOString(),
    userAgent: r.user_agent,
  }));
}

/** Only the actor's own sessions: any other id is not found. */
export async function revokeSession(
  ctx: AccountsContext,
  actor: Actor,
  sessionId: string,
  origin: RequestOrigin,
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.database.transaction(async (tx) => {
    if (!(await sessionsRepository.endForUser(tx, actor.userId, sessionId, 'revoked', now))) throw new NotFoundError();
    await recordAudit(tx, now, {
      action: 'session.revoked',
      outcome: 'allowed',
      actorUserId: actor.userId,
      object: { type: 'session', id: sessionId },
      ip: origin.ip,
    });
  });
}

/** A new password ends every session of the user, this one included. */
export async function changePassword(
  ctx: AccountsContext,
  actor: Actor,
  current: string,
  next: string,
  origin: RequestOrigin,
): Promise<void> {
  const now = ctx.clock.now();
  await confirmOwnPassword(ctx, actor, current, 'password.change_failed', origin, now);
  const problem = checkPassword(next, await actor.identity());
  if (problem !== undefined) throw weakPasswordError(problem);
  const hash = await hashPassword(next);
  await ctx.database.transaction(async (tx) => {
    await usersRepository.update(tx, ctx.keys, actor.userId, undefined, { password_hash: hash }, now);
    await sessionsRepository.endAllOfUser(tx, actor.userId, 'password_changed', now);
    await recordAudit(tx, now, {
      action: 'password.changed',
      outcome: 'allowed',
      actorUserId: actor.userId,
      object: { type: 'user', id: actor.userId },
      ip: origin.ip,
    });
  });
}
