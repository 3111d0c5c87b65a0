import { randomUUID } from 'node:crypto';
import { type AdminActionResult, CONTENT_ROLES, type Expertise, type Role } from '../../../contract/accounts.ts';
import type { Actor } from '../../access/actor.ts';
import { mfaRepository } from '../../access/mfa/mfa.repository.ts';
import { sessionsRepository } from '../../access/sessions/sessions.repository.ts';
import { ssoRepository } from '../../access/sso/sso.repository.ts';
import { clearAttempts, throttleKey } from '../../access/throttle.ts';
import { recordAudit } from '../../audit/record.ts';
import type { Tx } from '../../platform/db/database.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../../platform/http/errors.ts';
import { type ApprovalKind, approvalsRepository } from '../approvals/approvals.repository.ts';
import { linksRepository } from '../invitations/links.repository.ts';
import type { AccountsContext, RequestOrigin } from '../session/context.ts';
import { type PendingApproval, presentUser } from './users.presenter.ts';
import { type UserRow, usersRepository } from './users.repository.ts';

/**
 * User administration. Administrators run the system but must not be able to take over an
 * account that can read case content: granting a content role, and resetting the password of an
 * account that has one, become requests that a team lead approves (four-eyes). The resulting
 * one-time link goes to the approver, never to the administrator.
 */
export function needsApproval(role: Role): boolean {
  return CONTENT_ROLES.includes(role);
}

function checkExpertise(role: Role, expertise: Expertise | null): void {
  if ((role === 'expert') !== (expertise !== null)) {
    throw new BadRequestError(role === 'expert' ? 'An expert needs an expertise.' : 'Only experts have an expertise.');
  }
}

export async function listUsers(ctx: AccountsContext) {
  const { db } = ctx.database;
  const [rows, pending] = await Promise.all([
    usersRepository.list(db, ctx.keys),
    approvalsRepository.pendingByUser(db),
  ]);
  return rows.map((r) => presentUser(r, pending.get(r.id) ?? null));
}

function result(row: UserRow, link: AdminActionResult['link'], pending: PendingApproval | null): AdminActionResult {
  return { user: presentUser(row, pending), link, approvalId: pending?.id ?? null };
}

/** Records a change as a request for a team lead's approval, instead of making it. */
async function askForApproval(
  tx: Tx,
  actor: Actor,
  user: UserRow,
  request: { kind: ApprovalKind; role: Role | null; expertise: Expertise | null },
  origin: RequestOrigin,
  now: Date,
): Promise<AdminActionResult> {
  const id = await approvalsRepository.request(
    tx,
    { ...request, userId: user.id, userVersion: user.version, requestedBy: actor.userId },
    now,
  );
  await recordAudit(tx, now, {
    action: 'approval.requested',
    outcome: 'allowed',
    actorUserId: actor.userId,
    object: { type: 'approval', id },
    ip: origin.ip,
    detail: { kind: request.kind, role: request.role },
  });
  return result(user, null, { id, kind: request.kind });
}

export async function inviteUser(
  ctx: AccountsContext,
  actor: Actor,
  input: { email: string; displayName: string; role: Role; expertise: Expertise | null },
  origin: RequestOrigin,
): Promise<AdminActionResult> {
  checkExpertise(input.role, input.expertise);
  const now = ctx.clock.now();
  return ctx.database.transaction(async (tx) => {
    const user = await usersRepository.insert(
      tx,
      ctx.keys,
      { id: randomUUID(), ...input, status: 'invited', passwordHash: null },
      now,
    );
    await recordAudit(tx, now, {
      action: 'user.invited',
      outcome: 'allowed',
      actorUserId: actor.userId,
      object: { type: 'user', id: user.id },
      ip: origin.ip,
      detail: { role: input.role },
    });
    if (needsApproval(input.role)) {
      return askForApproval(
        tx,
        actor,
        user,
        { kind: 'grant_role', role: input.role, expertise: input.expertise },
        origin,
        now,
      );
    }
    const link = await linksRepository.create(tx, user.id, 'invite', actor.userId, now, ctx.publicOrigin);
    await recordAudit(tx, now, {
      action: 'link.created',
      outcome: 'allowed',
      actorUserId: actor.userId,
      object: { type: 'user', id: user.id },
      detail: { purpose: 'invite' },
    });
    return result(user, link, null);
  });
}

async function target(ctx: AccountsContext, tx: Tx, actor: Actor, id: string): Promise<UserRow> {
  const user = await usersRepository.lockById(tx, ctx.keys, id);
  if (user === undefined) throw new NotFoundError();
  if (user.id === actor.userId) throw new BadRequestError('Administrators cannot change their own account here.');
  return user;
}

export async function changeRole(
  ctx: AccountsContext,
  actor: Actor,
  id: string,
  input: { role: Role; expertise: Expertise | null; version: number },
  origin: RequestOrigin,
): Promise<AdminActionResult> {
  checkExpertise(input.role, input.expertise);
  const now = ctx.clock.now();
  return ctx.database.transaction(async (tx) => {
    const user = await target(ctx, tx, actor, id);
    if (user.version !== input.version) {
      await usersRepository.update(tx, ctx.keys, id, input.version, {}, now); // throws the 409
    }
    if (needsApproval(input.role) && (input.role !== user.role || input.expertise !== user.expertise)) {
      return askForApproval(
        tx,
        actor,
        user,
        { kind: 'grant_role', role: input.role, expertise: input.expertise },
        origin,
        now,
      );
    }
    const updated = await usersRepository.update(
      tx,
      ctx.keys,
      id,
      input.version,
      { role: input.role, expertise: input.expertise },
      now,
    );
    // A change of privileges ends the user's sessions: the next sign-in gets a new session id.
    await sessionsRepository.endAllOfUser(tx, id, 'account_changed', now);
    await recordAudit(tx, now, {
      action: 'user.role_changed',
      outcome: 'allowed',
      actorUserId: actor.userId,
      object: { type: 'user', id },
      ip: origin.ip,
      detail: { from: user.role as Role, to: input.role },
    });
    return result(updated, null, null);
  });
}

export async function setLocked(
  ctx: AccountsContext,
  actor: Actor,
  id: string,
  locked: boolean,
  origin: RequestOrigin,
): Promise<AdminActionResult> {
  const now = ctx.clock.now();
  return ctx.database.transaction(async (tx) => {
    const user = await target(ctx, tx, actor, id);
    // Unlocked, an account that can sign in (a password, or a link to single sign-on) is active again.
    const canSignIn = user.password_hash !== null || (await ssoRepository.identityOfUser(tx, user.id)) !== undefined;
    const status = locked ? 'locked' : canSignIn ? 'active' : 'invited';
    const updated = await usersRepository.update(tx, ctx.keys, id, undefined, { status }, now);
    if (locked) await sessionsRepository.endAllOfUser(tx, id, 'account_changed', now);
    else {
      await clearAttempts(tx, throttleKey('account', user.email ?? ''));
      await clearAttempts(tx, throttleKey('mfa', user.id));
    }
    await recordAudit(tx, now, {
      action: locked ? 'user.locked' : 'user.unlocked',
      outcome: 'allowed',
      actorUserId: actor.userId,
      object: { type: 'user', id },
      ip: origin.ip,
    });
    return result(updated, null, null);
  });
}

export async function resetPassword(
  ctx: AccountsContext,
  actor: Actor,
  id: string,
  origin: RequestOrigin,
): Promise<AdminActionResult> {
  const now = ctx.clock.now();
  return ctx.database.transaction(async (tx) => {
    const user = await target(ctx, tx, actor, id);
    if (needsApproval(user.role as Role)) {
      return askForApproval(tx, actor, user, { kind: 'reset_password', role: null, expertise: null }, origin, now);
    }
    const { updated, link } = await applyPasswordReset(tx, ctx, actor, user, now);
    await recordAudit(tx, now, {
      action: 'user.password_reset',
      outcome: 'allowed',
      actorUserId: actor.userId,
      object: { type: 'user', id },
      ip: origin.ip,
    });
    return result(updated, link, null);
  });
}

/**
 * An administrator requires a user to set up their second factor again (a lost phone and lost
 * recovery codes). Always a request for a team lead's approval: removing someone's second factor
 * is half of taking their account over.
 */
export async function requireMfaReset(
  ctx: AccountsContext,
  actor: Actor,
  id: string,
  origin: RequestOrigin,
): Promise<AdminActionResult> {
  const now = ctx.clock.now();
  return ctx.database.transaction(async (tx) => {
    const user = await target(ctx, tx, actor, id);
    if (!(await mfaRepository.hasSecondFactor(tx, user.id))) {
      throw new ConflictError('This user has not set up two-factor authentication.', 'mfa_not_enrolled');
    }
    return askForApproval(tx, actor, user, { kind: 'reset_mfa', role: null, expertise: null }, origin, now);
  });
}

/** The old password stops working, every session ends, and a reset link is made. */
export async function applyPasswordReset(tx: Tx, ctx: AccountsContext, actor: Actor, user: UserRow, now: Date) {
  const updated = await usersRepository.update(tx, ctx.keys, user.id, undefined, { password_hash: null }, now);
  await sessionsRepository.endAllOfUser(tx, user.id, 'account_changed', now);
  const link = await linksRepository.create(
    tx,
    user.id,
    user.status === 'invited' ? 'invite' : 'reset',
    actor.userId,
    now,
    ctx.publicOrigin,
  );
  return { updated, link };
}
