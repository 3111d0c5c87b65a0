import type { SessionInfo } from '../../../contract/accounts.ts';
import type { MfaChallengeRequest, MfaStatus, RecoveryCodes, TotpEnrolment } from '../../../contract/mfa.ts';
import type { Actor } from '../../access/actor.ts';
import { mfaRepository } from '../../access/mfa/mfa.repository.ts';
import { openPasskeyName } from '../../access/mfa/passkey-names.ts';
import { passkeysRepository } from '../../access/mfa/passkeys.repository.ts';
import { newRecoveryCodes } from '../../access/mfa/recovery-codes.ts';
import { newTotpSecret, totpStep, totpUri } from '../../access/mfa/totp.ts';
import { openTotpSecret, sealTotpSecret } from '../../access/mfa/totp-secrets.ts';
import { PasskeyError, type PasskeyFailure, relyingPartyOf, verifyAuthentication } from '../../access/mfa/webauthn.ts';
import { sessionsRepository } from '../../access/sessions/sessions.repository.ts';
import { clearAttempts, reserveAttempt, throttleKey } from '../../access/throttle.ts';
import { recordAudit } from '../../audit/record.ts';
import { ConflictError, TooManyRequestsError, UnauthenticatedError } from '../../platform/http/errors.ts';
import type { AccountsContext, RequestOrigin } from '../session/context.ts';
import { issuedSessionInfo } from '../session/issued-session.ts';
import { passkeySummary } from './passkey-summary.ts';

/** How long a started enrolment waits for its first code. */
const ENROLMENT_MINUTES = 10;

/** An event of the user about their own account. */
function aboutSelf(userId: string, origin: RequestOrigin) {
  return {
    actorUserId: userId,
    object: { type: 'user' as const, id: userId },
    ip: origin.ip,
    userAgent: origin.userAgent,
  };
}

const wrongCode = () => new UnauthenticatedError('The code is wrong or was used already.', 'invalid_code');
/** One answer for every refused passkey: which check failed is for the audit trail, not for the client. */
export const passkeyRefused = () =>
  new UnauthenticatedError('The passkey was not accepted. Please try again.', 'invalid_passkey');

export type SecondFactorMethod = 'totp' | 'passkey' | 'recovery_code';

/**
 * Checks a second factor of the signed-in user: a TOTP code (once per time step), a passkey (an
 * answer to a challenge this session asked for) or a recovery code (once ever). Throttled per user
 * like a password; a failure is recorded with its reason.
 */
export async function checkSecondFactor(
  ctx: AccountsContext,
  actor: Pick<Actor, 'userId' | 'sessionId'>,
  factor: MfaChallengeRequest,
  origin: RequestOrigin,
  failedAction: 'mfa.challenge_failed' | 'session.step_up_failed',
): Promise<SecondFactorMethod> {
  const { db } = ctx.database;
  const { userId } = actor;
  const now = ctx.clock.now();
  const key = throttleKey('mfa', userId);
  const wait = await reserveAttempt(db, 'mfa', key, now);
  if (wait > 0) throw new TooManyRequestsError(Math.ceil(wait / 1000));
  const method: SecondFactorMethod = 'code' in factor ? 'totp' : 'passkey' in factor ? 'passkey' : 'recovery_code';
  let ok = false;
  let reason: PasskeyFailure | undefined;
  if ('code' in factor) {
    const totp = await mfaRepository.totp(db, userId);
    const secret =
      totp?.confirmed_at == null
        ? null
        : await openTotpSecret(ctx.keys, userId, 'secret', totp.secret_sealed, totp.secret);
    const step = secret ? totpStep(secret, factor.code, now) : undefined;
    ok = step !== undefined && (await mfaRepository.spendStep(db, userId, step));
  } else if ('passkey' in factor) {
    const session = { id: actor.sessionId, userId };
    try {
      await verifyAuthentication(db, relyingPartyOf(ctx.publicOrigin), factor.passkey, 'verify', session, now);
      ok = true;
    } catch (e) {
      if (!(e instanceof PasskeyError)) throw e;
      reason = e.reason;
    }
  } else if (await mfaRepository.hasSecondFactor(db, userId)) {
    ok = await mfaRepository.spendRecoveryCode(db, userId, factor.recoveryCode, now);
  }
  if (!ok) {
    await recordAudit(db, now, {
      action: failedAction,
      outcome: 'failed',
      actorUserId: userId,
      ip: origin.ip,
      userAgent: origin.userAgent,
      detail: { method, ...(reason !== undefined ? { reason } : {}) },
    });
    throw method === 'passkey' ? passkeyRefused() : wrongCode();
  }
  await clearAttempts(db, key);
  return method;
}

/**
 * The second step of a sign-in. The session that gave its password is ended and a new one, with
 * the second factor done, takes its place: a new id at the change of privilege.
 */
export async function completeChallenge(
  ctx: AccountsContext,
  actor: Actor,
  factor: MfaChallengeRequest,
  origin: RequestOrigin,
): Promise<{ token: string; info: SessionInfo }> {
  const method = await checkSecondFactor(ctx, actor, factor, origin, 'mfa.challenge_failed');
  const now = ctx.clock.now();
  // Opened before the transaction: opening may read the account's key on a connection of its own.
  const user = { id: actor.userId, ...(await actor.identity()), role: actor.role, expertise: actor.expertise };
  return ctx.database.transaction(async (tx) => {
    // Only once per waiting session, and only while it lives: a password change or a lock in the
    // meantime ended it, and two codes sent at once must not open two sessions.
    if (!(await sessionsRepository.end(tx, actor.sessionId, 'mfa_completed', now))) {
      throw new UnauthenticatedError('Please sign in again.');
    }
    const session = await sessionsRepository.create(
      tx,
      actor.userId,
      now,
      ctx.sessionAbsoluteSeconds,
      origin.userAgent,
    );
    await sessionsRepository.completeMfa(tx, session.id, now);
    await recordAudit(tx, now, {
      action: 'mfa.challenge_passed',
      outcome: 'allowed',
      actorUserId: actor.userId,
      object: { type: 'session', id: session.id },
      ip: origin.ip,
      userAgent: origin.userAgent,
      detail: { method },
    });
    const info = issuedSessionInfo(ctx, user, session.token, now, 'done');
    return { token: session.token, info };
  });
}

export async function mfaStatus(ctx: AccountsContext, actor: Actor): Promise<MfaStatus> {
  const totp = await mfaRepository.totp(ctx.database.db, actor.userId);
  const passkeys = await passkeysRepository.listOfUser(ctx.database.db, actor.userId);
  return {
    totp: { enrolled: totp?.confirmed_at != null, enrolledAt: totp?.confirmed_at?.toISOString() ?? null },
    passkeys: await Promise.all(
      passkeys.map(async (p) => passkeySummary({ ...p, name: await openPasskeyName(ctx.keys, p) })),
    ),
    recoveryCodesLeft: await mfaRepository.recoveryCodesLeft(ctx.database.db, actor.userId),
  };
}

/** Starts an enrolment of the actor's own authenticator app (never anyone else's). */
export async function startTotpEnrolment(
  ctx: AccountsContext,
  actor: Actor,
  origin: RequestOrigin,
): Promise<TotpEnrolment> {
  const now = ctx.clock.now();
  const secret = newTotpSecret();
  const expiresAt = new Date(now.getTime() + ENROLMENT_MINUTES * 60_000);
  const sealed = await sealTotpSecret(ctx.keys, actor.userId, 'pending_secret', secret);
  await ctx.database.transaction(async (tx) => {
    await mfaRepository.startEnrolment(tx, actor.userId, sealed, expiresAt);
    await recordAudit(tx, now, {
      action: 'mfa.totp_enrolment_started',
      outcome: 'allowed',
      ...aboutSelf(actor.userId, origin),
    });
  });
  return { secret, uri: totpUri(secret, (await actor.identity()).email), expiresAt: expiresAt.toISOString() };
}

/**
 * Confirms the enrolment with a first code; the app's secret replaces any earlier one, ten new
 * recovery codes replace any earlier ones, and this session counts as having given its second factor.
 */
export async function confirmTotpEnrolment(
  ctx: AccountsContext,
  actor: Actor,
  code: string,
  origin: RequestOrigin,
): Promise<RecoveryCodes> {
  const { db } = ctx.database;
  const now = ctx.clock.now();
  const key = throttleKey('mfa', actor.userId);
  const wait = await reserveAttempt(db, 'mfa', key, now);
  if (wait > 0) throw new TooManyRequestsError(Math.ceil(wait / 1000));
  const pending = await mfaRepository.totp(db, actor.userId);
  const pendingSealed = pending?.pending_secret_sealed ?? null;
  if (pendingSealed === null || pending?.pending_expires_at == null || pending.pending_expires_at <= now) {
    throw new ConflictError('Start the set-up again: it was not started, or it expired.', 'enrolment_expired');
  }
  const secret = await openTotpSecret(ctx.keys, actor.userId, 'pending_secret', pendingSealed, null);
  if (secret === null) throw new Error('a sealed pending secret opened to nothing');
  const step = totpStep(secret, code, now);
  if (step === undefined) {
    await recordAudit(db, now, {
      action: 'mfa.totp_enrolment_failed',
      outcome: 'failed',
      actorUserId: actor.userId,
      ip: origin.ip,
      userAgent: origin.userAgent,
    });
    throw wrongCode();
  }
  await clearAttempts(db, key);
  const recoveryCodes = newRecoveryCodes();
  const sealedSecret = await sealTotpSecret(ctx.keys, actor.userId, 'secret', secret);
  await ctx.database.transaction(async (tx) => {
    await mfaRepository.lockUser(tx, actor.userId);
    if (!(await mfaRepository.confirmEnrolment(tx, actor.userId, pendingSealed, sealedSecret, step, now))) {
      throw new ConflictError('Another set-up was started meanwhile; finish that one instead.', 'enrolment_replaced');
    }
    await mfaRepository.replaceRecoveryCodes(tx, actor.userId, recoveryCodes, now);
    await sessionsRepository.completeMfa(tx, actor.sessionId, now);
    await recordAudit(tx, now, {
      action: 'mfa.totp_enrolled',
      outcome: 'allowed',
      ...aboutSelf(actor.userId, origin),
    });
  });
  return { recoveryCodes };
}

/** Ten new recovery codes; the old ones stop working. */
export async function regenerateRecoveryCodes(
  ctx: AccountsContext,
  actor: Actor,
  origin: RequestOrigin,
): Promise<RecoveryCodes> {
  const now = ctx.clock.now();
  const recoveryCodes = newRecoveryCodes();
  await ctx.database.transaction(async (tx) => {
    await mfaRepository.lockUser(tx, actor.userId);
    if (!(await mfaRepository.hasSecondFactor(tx, actor.userId))) {
      throw new ConflictError('Set up an authenticator app or a passkey first.', 'mfa_not_enrolled');
    }
    await mfaRepository.replaceRecoveryCodes(tx, actor.userId, recoveryCodes, now);
    await recordAudit(tx, now, {
      action: 'mfa.recovery_codes_created',
      outcome: 'allowed',
      ...aboutSelf(actor.userId, origin),
    });
  });
  return { recoveryCodes };
}
