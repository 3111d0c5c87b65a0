import { randomUUID } from 'node:crypto';
import type { SessionInfo } from '../../../contract/accounts.ts';
import type {
  PasskeyAuthenticationResponse,
  PasskeyRegistered,
  PasskeyRegistrationRequest,
} from '../../../contract/mfa.ts';
import type { Actor } from '../../access/actor.ts';
import { mfaRequired } from '../../access/mfa/mandate.ts';
import { mfaRepository } from '../../access/mfa/mfa.repository.ts';
import { sealPasskeyName } from '../../access/mfa/passkey-names.ts';
import { passkeysRepository } from '../../access/mfa/passkeys.repository.ts';
import { newRecoveryCodes } from '../../access/mfa/recovery-codes.ts';
import {
  authenticationOptions,
  PasskeyError,
  registrationOptions,
  relyingPartyOf,
  verifyAuthentication,
  verifyRegistration,
} from '../../access/mfa/webauthn.ts';
import { sessionsRepository } from '../../access/sessions/sessions.repository.ts';
import { forgiveAttempt, reserveAttempt, throttleKey } from '../../access/throttle.ts';
import { recordAudit } from '../../audit/record.ts';
import { ConflictError, ForbiddenError, NotFoundError, TooManyRequestsError } from '../../platform/http/errors.ts';
import type { AccountsContext, RequestOrigin } from '../session/context.ts';
import { issuedSessionInfo, openSession, refuseIfSsoOnly, toSessionUser } from '../session/issued-session.ts';
import { usersRepository } from '../users/users.repository.ts';
import { passkeyRefused } from './mfa.service.ts';
import { passkeySummary } from './passkey-summary.ts';

const rpOf = (ctx: AccountsContext) => relyingPartyOf(ctx.publicOrigin);

/** Options for adding a passkey to the actor's own account (never anyone else's). */
export async function passkeyRegistrationOptions(ctx: AccountsContext, actor: Actor) {
  const { email, displayName } = await actor.identity();
  const user = { id: actor.userId, email, displayName };
  return registrationOptions(ctx.database.db, rpOf(ctx), user, actor.sessionId, ctx.clock.now());
}

/**
 * Adds the passkey the browser made for this session's challenge. The account's first second
 * factor also brings ten recovery codes, and counts as given for this session.
 */
export async function registerPasskey(
  ctx: AccountsContext,
  actor: Actor,
  request: PasskeyRegistrationRequest,
  origin: RequestOrigin,
): Promise<PasskeyRegistered> {
  const { db } = ctx.database;
  const now = ctx.clock.now();
  let credential: Awaited<ReturnType<typeof verifyRegistration>>;
  try {
    credential = await verifyRegistration(db, rpOf(ctx), request.response, actor.sessionId, now);
  } catch (e) {
    if (!(e instanceof PasskeyError)) throw e;
    await recordAudit(db, now, {
      action: 'mfa.passkey_registration_failed',
      outcome: 'failed',
      actorUserId: actor.userId,
      ip: origin.ip,
      userAgent: origin.userAgent,
      detail: { reason: e.reason },
    });
    throw passkeyRefused();
  }
  // Sealed before the transaction: the system key may be made at its first use, on a connection of its own.
  const passkeyId = randomUUID();
  const nameSealed = await sealPasskeyName(ctx.keys, passkeyId, request.name);
  return ctx.database.transaction(async (tx) => {
    await mfaRepository.lockUser(tx, actor.userId);
    if ((await passkeysRepository.byCredentialId(tx, credential.credentialId)) !== undefined) {
      throw new ConflictError('This passkey is registered already.', 'passkey_exists');
    }
    const first = !(await mfaRepository.hasSecondFactor(tx, actor.userId));
    const id = await passkeysRepository.add(
      tx,
      { userId: actor.userId, id: passkeyId, nameSealed, ...credential },
      now,
    );
    // The same authenticator registered by another account at the very same moment: the unique index decides.
    if (id === undefined) throw new ConflictError('This passkey is registered already.', 'passkey_exists');
    const recoveryCodes = first ? newRecoveryCodes() : null;
    if (recoveryCodes !== null) await mfaRepository.replaceRecoveryCodes(tx, actor.userId, recoveryCodes, now);
    // Making a passkey with user verification is a second factor given in this session.
    await sessionsRepository.completeMfa(tx, actor.sessionId, now);
    await recordAudit(tx, now, {
      action: 'mfa.passkey_registered',
      outcome: 'allowed',
      actorUserId: actor.userId,
      object: { type: 'user', id: actor.userId },
      ip: origin.ip,
      userAgent: origin.userAgent,
      detail: { passkey: id, synced: credential.backedUp },
    });
    const row = await passkeysRepository.listOfUser(tx, actor.userId);
    const added = row.find((p) => p.id === id);
    if (added === undefined) throw new Error('passkey vanished within its own transaction');
    return { passkey: passkeySummary({ ...added, name: request.name }), recoveryCodes };
  });
}

/**
 * Removes one of the actor's passkeys. The last second factor of a role that requires one stays:
 * removing it would leave the account below its own policy (an approved reset is the way out).
 */
export async function removePasskey(ctx: AccountsContext, actor: Actor, id: string, origin: RequestOrigin) {
  const now = ctx.clock.now();
  await ctx.database.transaction(async (tx) => {
    await mfaRepository.lockUser(tx, actor.userId);
    if (!(await passkeysRepository.remove(tx, actor.userId, id))) throw new NotFoundError();
    if (mfaRequired(actor.role) && !(await mfaRepository.hasSecondFactor(tx, actor.userId))) {
      throw new ConflictError(
        'This is your last second factor. Add another passkey or an authenticator app first.',
        'last_second_factor',
      );
    }
    await recordAudit(tx, now, {
      action: 'mfa.passkey_removed',
      outcome: 'allowed',
      actorUserId: actor.userId,
      object: { type: 'user', id: actor.userId },
      ip: origin.ip,
      userAgent: origin.userAgent,
      detail: { passkey: id },
    });
  });
}

/**
 * A challenge for one of the actor's passkeys: the second step of a sign-in, or a step-up. Without
 * any, there is nothing to ask (an empty allow-list would let the browser offer any passkey).
 */
export async function passkeyChallenge(ctx: AccountsContext, actor: Actor) {
  if ((await passkeysRepository.countOfUser(ctx.database.db, actor.userId)) === 0) {
    throw new ConflictError('You have no passkey yet.', 'no_passkey');
  }
  const session = { id: actor.sessionId, userId: actor.userId };
  return authenticationOptions(ctx.database.db, rpOf(ctx), 'verify', session, ctx.clock.now());
}

/** A challenge for a sign-in with a passkey alone; throttled per address like password attempts. */
export async function passkeySignInOptions(ctx: AccountsContext, origin: RequestOrigin) {
  const now = ctx.clock.now();
  const wait = await reserveAttempt(ctx.database.db, 'ceremony', throttleKey('ceremony', origin.ip), now);
  if (wait > 0) throw new TooManyRequestsError(Math.ceil(wait / 1000));
  return authenticationOptions(ctx.database.db, rpOf(ctx), 'sign_in', null, now);
}

/**
 * A sign-in with a passkey alone: the passkey names the account, and with user verification it
 * is both factors, so the new session has its second factor done. A locked account stays out.
 */
export async function signInWithPasskey(
  ctx: AccountsContext,
  response: PasskeyAuthenticationResponse,
  origin: RequestOrigin,
): Promise<{ token: string; info: SessionInfo }> {
  const { db } = ctx.database;
  const now = ctx.clock.now();
  // Counted before the answer is checked, like a password: refused answers are audited, so they are bounded.
  const key = throttleKey('ceremony', origin.ip);
  const wait = await reserveAttempt(db, 'ceremony', key, now);
  if (wait > 0) throw new TooManyRequestsError(Math.ceil(wait / 1000));
  let userId: string;
  try {
    ({ userId } = await verifyAuthentication(db, rpOf(ctx), response, 'sign_in', null, now));
  } catch (e) {
    if (!(e instanceof PasskeyError)) throw e;
    await recordAudit(db, now, {
      action: 'session.sign_in_failed',
      outcome: 'failed',
      actorUserId: e.userId,
      ip: origin.ip,
      userAgent: origin.userAgent,
      detail: { method: 'passkey', passkey: e.reason },
    });
    throw passkeyRefused();
  }
  const user = await usersRepository.findById(db, ctx.keys, userId);
  // Only an active account registers passkeys; an invited one cannot hold any.
  if (user === undefined || user.status === 'invited') throw passkeyRefused();
  if (user.status === 'locked') {
    await recordAudit(db, now, {
      action: 'session.sign_in_failed',
      outcome: 'denied',
      actorUserId: user.id,
      ip: origin.ip,
      detail: { reason: 'locked', method: 'passkey' },
    });
    throw new ForbiddenError('This account is locked. Ask your administrator.', 'account_locked');
  }
  await refuseIfSsoOnly(ctx, user, 'passkey', origin, now);
  // The options request and the answer counted against this address; a sign-in that worked gives both back.
  await forgiveAttempt(db, key);
  await forgiveAttempt(db, key);
  return ctx.database.transaction(async (tx) => {
    const session = await openSession(tx, ctx, user.id, origin, now, {
      mfaDone: true,
      freshProof: true,
      detail: { method: 'passkey' },
    });
    return { token: session.token, info: issuedSessionInfo(ctx, toSessionUser(user), session.token, now, 'done') };
  });
}
