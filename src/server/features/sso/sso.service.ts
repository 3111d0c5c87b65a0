import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ROLES, type Role } from '../../../contract/accounts.ts';
import type { Actor } from '../../access/actor.ts';
import { mfaRequired } from '../../access/mfa/mandate.ts';
import { mfaRepository } from '../../access/mfa/mfa.repository.ts';
import { sessionsRepository } from '../../access/sessions/sessions.repository.ts';
import {
  displayNameOf,
  type IdTokenClaims,
  providerAssertsMfa,
  roleConfirmed,
  rolesAsserted,
  verifiedEmail,
} from '../../access/sso/claims.ts';
import { type RelyingParty, SsoError } from '../../access/sso/relying-party.ts';
import { ssoRepository } from '../../access/sso/sso.repository.ts';
import { forgiveAttempt, reserveAttempt, throttleKey } from '../../access/throttle.ts';
import { recordAudit } from '../../audit/record.ts';
import { ConflictError, ServiceUnavailableError, TooManyRequestsError } from '../../platform/http/errors.ts';
import type { AccountsContext, RequestOrigin } from '../session/context.ts';
import { openSession } from '../session/issued-session.ts';
import { usersRepository } from '../users/users.repository.ts';

export interface SsoContext extends AccountsContext {
  readonly rp: RelyingParty;
}

export type SsoPurpose = 'sign_in' | 'link' | 'step_up';

/** A flow waits ten minutes for the provider's answer. */
const FLOW_MS = 10 * 60_000;
/** A step-up counts if the provider authenticated the user after the flow began (clocks may differ a little). */
const CLOCK_SKEW_S = 30;

export const browserHashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/** Starts a flow: the provider's URL for the browser, and the cookie that binds the flow to this browser. */
export async function startFlow(
  ctx: SsoContext,
  purpose: SsoPurpose,
  actor: Actor | undefined,
  returnTo: string | null,
  origin: RequestOrigin,
): Promise<{ url: string; browserToken: string }> {
  const now = ctx.clock.now();
  if (purpose === 'sign_in') {
    // Anyone may start one, and each start stores a flow: counted per address.
    const wait = await reserveAttempt(ctx.database.db, 'ceremony', throttleKey('ceremony', origin.ip), now);
    if (wait > 0) throw new TooManyRequestsError(Math.ceil(wait / 1000));
  }
  // Linking and step-up need the person at the keyboard now, not a session the provider kept from earlier
  // (a shared computer): the provider must authenticate anew.
  const request = await ctx.rp.authorizationRequest(purpose !== 'sign_in').catch((e: unknown) => {
    if (e instanceof SsoError) throw new ServiceUnavailableError('Single sign-on is not reachable right now.');
    throw e;
  });
  const browserToken = randomBytes(32).toString('base64url');
  await ssoRepository.saveFlow(ctx.database.db, ctx.keys, {
    state: request.state,
    browser_hash: browserHashOf(browserToken),
    nonce: request.nonce,
    code_verifier: request.codeVerifier,
    purpose,
    session_id: purpose === 'sign_in' ? null : (actor?.sessionId ?? null),
    return_to: returnTo,
    created_at: now,
    expires_at: new Date(now.getTime() + FLOW_MS),
  });
  return { url: request.url.href, browserToken };
}

export type CallbackOutcome =
  | { readonly kind: 'signed_in'; readonly token: string; readonly mfa: 'done' | 'none' | 'challenge' | 'enrol' }
  | { readonly kind: 'linked' | 'stepped_up'; readonly returnTo: string | null }
  | { readonly kind: 'failed'; readonly reason: SsoError['reason']; readonly error?: SsoError };

/**
 * The provider's answer. The flow is taken out first (single use, this browser only); then
 * openid-client checks code, PKCE, state, nonce, issuer, audience, expiry and the signature; then
 * TMA's own rules: the account bound to (issuer, subject), its status, its role, and the second
 * factor. Every refusal is audited and answered with an error page, never a 500.
 */
export async function finishFlow(
  ctx: SsoContext,
  callbackUrl: URL,
  browserToken: string | undefined,
  origin: RequestOrigin,
): Promise<CallbackOutcome> {
  const now = ctx.clock.now();
  // Counted before anything is checked, like a password attempt: every refused answer is audited.
  const key = throttleKey('ceremony', origin.ip);
  if ((await reserveAttempt(ctx.database.db, 'ceremony', key, now)) > 0)
    return { kind: 'failed', reason: 'unavailable' };
  const state = callbackUrl.searchParams.get('state') ?? '';
  const flow =
    browserToken === undefined
      ? undefined
      : await ssoRepository.spendFlow(ctx.database.db, ctx.keys, state, browserHashOf(browserToken), now);
  const purpose: SsoPurpose = flow?.purpose ?? 'sign_in';
  try {
    if (flow === undefined) throw new SsoError('state');
    const answer = await ctx.rp.claimsOf(callbackUrl, {
      state: flow.state,
      nonce: flow.nonce,
      codeVerifier: flow.code_verifier,
    });
    if (answer.subject.length > 255) throw new SsoError('token');
    const fresh = isRecent(answer.claims, flow.created_at);
    let outcome: CallbackOutcome;
    if (flow.purpose === 'sign_in') {
      outcome = await signIn(ctx, answer, fresh, origin, now);
      // The start and this answer both counted against the address; a sign-in that worked gives them back.
      await forgiveAttempt(ctx.database.db, key);
    } else {
      const sessionUser = flow.session_id === null ? undefined : await sessionUserOf(ctx, flow.session_id, now);
      if (sessionUser === undefined) throw new SsoError('state');
      if (!fresh) throw new SsoError('not_recent', sessionUser.userId);
      if (flow.purpose === 'link') await link(ctx, sessionUser, answer, origin, now);
      else await stepUp(ctx, sessionUser, answer, origin, now);
      outcome = { kind: flow.purpose === 'link' ? 'linked' : 'stepped_up', returnTo: flow.return_to };
    }
    await forgiveAttempt(ctx.database.db, key);
    return outcome;
  } catch (e) {
    if (!(e instanceof SsoError)) throw e;
    await recordFailure(ctx, purpose, e.userId, flow?.session_id ?? null, e.reason, origin, now);
    return { kind: 'failed', reason: e.reason, error: e };
  }
}

/** The provider authenticated the person after the flow began (clocks may differ a little). */
function isRecent(claims: IdTokenClaims, flowStarted: Date): boolean {
  const authTime = claims.auth_time;
  return typeof authTime === 'number' && authTime >= flowStarted.getTime() / 1000 - CLOCK_SKEW_S;
}

interface Answer {
  readonly issuer: string;
  readonly subject: string;
  readonly claims: IdTokenClaims;
}

async function sessionUserOf(ctx: SsoContext, sessionId: string, now: Date) {
  const row = await ctx.database.db
    .selectFrom('sessions')
    .select(['user_id', 'id'])
    .where('id', '=', sessionId)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row === undefined ? undefined : { userId: row.user_id, sessionId: row.id };
}

async function signIn(
  ctx: SsoContext,
  answer: Answer,
  fresh: boolean,
  origin: RequestOrigin,
  now: Date,
): Promise<CallbackOutcome> {
  const { db } = ctx.database;
  const bound = await ssoRepository.userOf(db, answer.issuer, answer.subject);
  const user =
    bound !== undefined
      ? await usersRepository.findById(db, ctx.keys, bound.user_id)
      : await provision(ctx, answer, origin, now);
  if (user === undefined || user.status === 'invited') throw new SsoError('no_account', user?.id);
  if (user.status === 'locked') throw new SsoError('locked', user.id);
  const role = user.role as Role;
  if (!roleConfirmed(rolesAsserted(ctx.rp.oidc, answer.claims, ROLES), role)) {
    throw new SsoError('role_not_asserted', user.id);
  }
  const idpMfa = providerAssertsMfa(ctx.rp.oidc, answer.claims);
  const hasOwnFactor = await mfaRepository.hasSecondFactor(db, user.id);
  // The provider's MFA counts for roles that need one; without it, TMA's own second factor is asked.
  const mfa = idpMfa ? 'done' : hasOwnFactor ? 'challenge' : mfaRequired(role) ? 'enrol' : 'none';
  return ctx.database.transaction(async (tx) => {
    const secondFactor = idpMfa ? 'idp' : mfa === 'challenge' ? 'due' : 'none';
    // Only a fresh authentication at the provider counts as a step-up; a kept provider session does not.
    const session = await openSession(tx, ctx, user.id, origin, now, {
      mfaDone: mfa === 'done',
      freshProof: fresh,
      detail: { method: 'sso', secondFactor },
    });
    await ssoRepository.markSession(tx, session.id, answer.issuer);
    await ssoRepository.touch(tx, answer.issuer, answer.subject, now);
    return { kind: 'signed_in', token: session.token, mfa };
  });
}

/**
 * Just-in-time provisioning: off unless configured, and then only ever a reporter. An e-mail
 * address another account holds is refused, not linked: the binding is (issuer, subject) alone.
 */
async function provision(ctx: SsoContext, answer: Answer, origin: RequestOrigin, now: Date) {
  if (!ctx.rp.oidc.jitReporters) throw new SsoError('no_account');
  const email = verifiedEmail(answer.claims);
  if (email === undefined) throw new SsoError('email_missing');
  const id = randomUUID();
  return ctx.database.transaction(async (tx) => {
    const user = await usersRepository
      .insert(
        tx,
        ctx.keys,
        {
          id,
          email,
          displayName: displayNameOf(answer.claims) ?? email,
          role: 'reporter',
          expertise: null,
          status: 'active',
          passwordHash: null,
        },
        now,
      )
      .catch((e: unknown) => {
        throw e instanceof ConflictError ? new SsoError('email_in_use') : e;
      });
    // The same person's first sign-in twice at once: the other one made the account.
    if (!(await ssoRepository.bind(tx, answer.issuer, answer.subject, id, now))) throw new SsoError('identity_in_use');
    await recordAudit(tx, now, {
      action: 'user.provisioned',
      outcome: 'allowed',
      actorUserId: id,
      object: { type: 'user', id },
      ip: origin.ip,
      detail: { via: 'sso', role: 'reporter' },
    });
    return user;
  });
}

async function link(
  ctx: SsoContext,
  session: { userId: string; sessionId: string },
  answer: Answer,
  origin: RequestOrigin,
  now: Date,
): Promise<void> {
  await ctx.database.transaction(async (tx) => {
    // Two links of one account at once: the second waits, then finds the first.
    await mfaRepository.lockUser(tx, session.userId);
    const bound = await ssoRepository.userOf(tx, answer.issuer, answer.subject);
    if (bound !== undefined) {
      throw new SsoError(bound.user_id === session.userId ? 'already_linked' : 'identity_in_use', session.userId);
    }
    if ((await ssoRepository.identityOfUser(tx, session.userId)) !== undefined) {
      throw new SsoError('already_linked', session.userId);
    }
    // Another account linking the same identity at the same moment: the primary key decides.
    if (!(await ssoRepository.bind(tx, answer.issuer, answer.subject, session.userId, now))) {
      throw new SsoError('identity_in_use', session.userId);
    }
    await recordAudit(tx, now, {
      action: 'sso.linked',
      outcome: 'allowed',
      actorUserId: session.userId,
      object: { type: 'user', id: session.userId },
      ip: origin.ip,
      userAgent: origin.userAgent,
      detail: { issuer: answer.issuer, subject: answer.subject },
    });
  });
}

/** A fresh authentication at the provider (max_age=0, checked by the caller), as the person this session belongs to. */
async function stepUp(
  ctx: SsoContext,
  session: { userId: string; sessionId: string },
  answer: Answer,
  origin: RequestOrigin,
  now: Date,
): Promise<void> {
  const bound = await ssoRepository.userOf(ctx.database.db, answer.issuer, answer.subject);
  if (bound?.user_id !== session.userId) throw new SsoError('other_subject', session.userId);
  await ctx.database.transaction(async (tx) => {
    await sessionsRepository.stepUp(tx, session.sessionId, now);
    await recordAudit(tx, now, {
      action: 'session.step_up',
      outcome: 'allowed',
      actorUserId: session.userId,
      object: { type: 'session', id: session.sessionId },
      ip: origin.ip,
      detail: { method: 'sso' },
    });
  });
}

async function recordFailure(
  ctx: SsoContext,
  purpose: SsoPurpose,
  knownUser: string | null,
  sessionId: string | null,
  reason: SsoError['reason'],
  origin: RequestOrigin,
  now: Date,
): Promise<void> {
  const { db } = ctx.database;
  const userId =
    knownUser ??
    (sessionId === null
      ? null
      : ((await db.selectFrom('sessions').select('user_id').where('id', '=', sessionId).executeTakeFirst())?.user_id ??
        null));
  const base = { outcome: 'failed' as const, actorUserId: userId, ip: origin.ip, userAgent: origin.userAgent };
  if (purpose === 'link') await recordAudit(db, now, { ...base, action: 'sso.link_failed', detail: { reason } });
  else if (purpose === 'step_up') {
    await recordAudit(db, now, { ...base, action: 'session.step_up_failed', detail: { method: 'sso', sso: reason } });
  } else
    await recordAudit(db, now, { ...base, action: 'session.sign_in_failed', detail: { method: 'sso', sso: reason } });
}

/** Releases the account from its identity at the provider; not the last way to sign in. */
export async function unlink(ctx: SsoContext, actor: Actor, origin: RequestOrigin): Promise<void> {
  const now = ctx.clock.now();
  await ctx.database.transaction(async (tx) => {
    const user = await usersRepository.findById(tx, ctx.keys, actor.userId);
    if (user?.password_hash == null) {
      throw new ConflictError(
        'Single sign-on is your only way to sign in; set a password first.',
        'last_sign_in_method',
      );
    }
    const identity = await ssoRepository.identityOfUser(tx, actor.userId);
    if (identity === undefined || !(await ssoRepository.unbind(tx, actor.userId))) {
      throw new ConflictError('Your account is not linked to single sign-on.', 'not_linked');
    }
    await recordAudit(tx, now, {
      action: 'sso.unlinked',
      outcome: 'allowed',
      actorUserId: actor.userId,
      object: { type: 'user', id: actor.userId },
      ip: origin.ip,
      userAgent: origin.userAgent,
      detail: { issuer: identity.issuer, subject: identity.subject },
    });
  });
}

export async function isLinked(ctx: SsoContext, userId: string): Promise<boolean> {
  return (await ssoRepository.identityOfUser(ctx.database.db, userId)) !== undefined;
}
