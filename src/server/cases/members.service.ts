import type { Kysely } from 'kysely';
import { CONTENT_ROLES, type Role } from '../../contract/accounts.ts';
import type { CaseSection, ChangeMember, GrantMember } from '../../contract/cases.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import type { DB } from '../platform/db/schema.ts';
import { ConflictError, NotFoundError, ValidationError } from '../platform/http/errors.ts';
import { casesRepository, stale } from './cases.repository.ts';
import { aboutCase, type CasesContext, guarded, need, type Origin, recheck } from './context.ts';
import type { Reach } from './reach.ts';

/**
 * Who works on a case (docs/cases.md, "Members and scopes"): grants, scope changes and revocations
 * by the lead or a team lead, each with a fresh step-up (the route asks for it) and an audit event
 * in the same transaction. Access is read from these rows on every request, so a change holds
 * from the very next one.
 */
const DAY_MS = 86_400_000;
export const EXPERT_DEFAULT_DAYS = 30;

const memberMessage = (path: string, message: string) => new ValidationError([{ path, message }]);

/** When a membership ends: an expert's always (30 days unless chosen, at most the configured maximum). */
function expiryOf(ctx: CasesContext, role: 'member' | 'expert', expiresAt: string | null): Date | null {
  const now = ctx.clock.now();
  if (expiresAt === null) return role === 'expert' ? new Date(now.getTime() + EXPERT_DEFAULT_DAYS * DAY_MS) : null;
  const at = new Date(expiresAt);
  if (at.getTime() <= now.getTime()) throw memberMessage('expiresAt', 'the end of the membership is in the past');
  if (role === 'expert' && at.getTime() > now.getTime() + ctx.expertMaxDays * DAY_MS)
    throw memberMessage('expiresAt', `an expert's membership ends within ${ctx.expertMaxDays} days`);
  return at;
}

/** An account that may join a case: one that sees case content, not locked. */
async function joinable(tx: Kysely<DB>, userId: string): Promise<{ role: Role }> {
  const user = await tx.selectFrom('users').select(['role', 'status']).where('id', '=', userId).executeTakeFirst();
  if (user === undefined || !CONTENT_ROLES.includes(user.role as Role))
    throw memberMessage('userId', 'only threat managers, team leads and experts can join a case');
  if (user.status === 'locked') throw new ConflictError('This account is locked.', 'user_locked');
  return { role: user.role as Role };
}

/** Whether the account is related to a person of the case (person_conflicts): then it may not join. */
export async function isRecused(tx: Kysely<DB>, caseId: string, userId: string): Promise<boolean> {
  const row = await tx
    .selectFrom('person_conflicts')
    .select('user_id')
    .where('status', '=', 'recused')
    .where('case_id', '=', caseId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}

async function memberRow(tx: Kysely<DB>, caseId: string, userId: string, lock = false) {
  let query = tx.selectFrom('case_members').selectAll().where('case_id', '=', caseId).where('user_id', '=', userId);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Whether the actor gives themselves access: only one who holds the whole case already may (as member or lead). */
function checkNotSelf(actor: Actor, userId: string, reach: Reach): void {
  if (userId === actor.userId && reach.membership?.fullScope !== true)
    throw new ConflictError(
      'You cannot give yourself access to a case: open it by break-glass, or ask its lead.',
      'self_grant',
    );
}

/**
 * A change of the case's members by its lead or a team lead: checked before, and again inside the
 * transaction with the case row locked, so that grants, revocations and hand-overs of one case
 * happen one after the other and a manager who lost their reach meanwhile changes nothing.
 */
async function managing(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  origin: Origin,
  change: (tx: Kysely<DB>, reach: Reach, now: Date) => Promise<void>,
  options: { readonly onMerged?: boolean } = {},
): Promise<void> {
  await need(ctx, actor, caseId, { kind: 'manage' }, origin);
  await guarded(ctx, actor, caseId, origin, () =>
    ctx.database.transaction(async (tx) => {
      if ((await casesRepository.lock(tx, caseId)) === undefined) throw new NotFoundError();
      const reach = await recheck(ctx, tx, actor, caseId, { kind: 'manage' });
      // A merged case is a closed record: its members may go, nobody joins or changes.
      if (reach.merged && options.onMerged !== true)
        throw new ConflictError('This case was merged into another and changes no more.', 'case_merged');
      await change(tx, reach, ctx.clock.now());
    }),
  );
}

export async function grantMember(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  input: GrantMember & { sections: CaseSection[]; expiresAt: string | null },
  origin: Origin,
): Promise<void> {
  const expiresAt = expiryOf(ctx, input.role, input.expiresAt);
  await managing(ctx, actor, caseId, origin, async (tx, reach, now) => {
    checkNotSelf(actor, input.userId, reach);
    const { role } = await joinable(tx, input.userId);
    if (role === 'expert' && input.role !== 'expert')
      throw memberMessage('role', 'an expert joins a case as an expert');
    if (await isRecused(tx, caseId, input.userId))
      throw new ConflictError('This person is related to someone in the case and is recused from it.', 'recused');
    const existing = await memberRow(tx, caseId, input.userId, true);
    if (existing !== undefined && (existing.expires_at === null || existing.expires_at > now))
      throw new ConflictError('This person is a member of the case already.', 'already_member');
    // An expired membership is replaced by the new grant.
    if (existing !== undefined)
      await tx.deleteFrom('case_members').where('case_id', '=', caseId).where('user_id', '=', input.userId).execute();
    await tx
      .insertInto('case_members')
      .values({
        case_id: caseId,
        user_id: input.userId,
        role: input.role,
        full_scope: input.fullScope,
        sections: input.sections,
        expires_at: expiresAt,
        granted_by: actor.userId,
        granted_at: now,
      })
      .execute();
    await recordAudit(tx, now, {
      action: 'case.member_granted',
      ...aboutCase(actor, origin, caseId),
      detail: {
        user: input.userId,
        role: input.role,
        full: input.fullScope,
        sections: input.sections,
        expires: expiresAt?.toISOString() ?? null,
      },
    });
  });
}

export async function changeMember(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  userId: string,
  input: ChangeMember & { sections: CaseSection[]; expiresAt: string | null },
  origin: Origin,
): Promise<void> {
  await managing(ctx, actor, caseId, origin, async (tx, reach, now) => {
    checkNotSelf(actor, userId, reach);
    const row = await memberRow(tx, caseId, userId, true);
    if (row === undefined || (row.expires_at !== null && row.expires_at <= now)) throw new NotFoundError();
    if (row.version !== input.expectedVersion) throw stale();
    if (row.role === 'lead')
      throw new ConflictError('The lead always sees the whole case; hand the lead over first.', 'lead_scope');
    // An expert's membership keeps its end unless a new one is chosen.
    const expiresAt =
      input.expiresAt === null && row.role === 'expert' ? row.expires_at : expiryOf(ctx, row.role, input.expiresAt);
    await tx
      .updateTable('case_members')
      .set((eb) => ({
        full_scope: input.fullScope,
        sections: input.sections,
        expires_at: expiresAt,
        version: eb('version', '+', 1),
      }))
      .where('case_id', '=', caseId)
      .where('user_id', '=', userId)
      .execute();
    await recordAudit(tx, now, {
      action: 'case.member_changed',
      ...aboutCase(actor, origin, caseId),
      detail: {
        user: userId,
        full: input.fullScope,
        sections: input.sections,
        expires: expiresAt?.toISOString() ?? null,
      },
    });
  });
}

export async function revokeMember(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  userId: string,
  expectedVersion: number,
  origin: Origin,
): Promise<void> {
  await managing(
    ctx,
    actor,
    caseId,
    origin,
    async (tx, _reach, now) => {
      const row = await memberRow(tx, caseId, userId, true);
      if (row === undefined) throw new NotFoundError();
      if (row.version !== expectedVersion) throw stale();
      if (row.role === 'lead')
        throw new ConflictError(
          'A case keeps its lead: hand the lead over to someone else first.',
          'lead_cannot_leave',
        );
      await tx.deleteFrom('case_members').where('case_id', '=', caseId).where('user_id', '=', userId).execute();
      await recordAudit(tx, now, {
        action: 'case.member_revoked',
        ...aboutCase(actor, origin, caseId),
        detail: { user: userId },
      });
    },
    { onMerged: true },
  );
}

/** Makes a threat manager or team lead the lead (a member with the whole case); the old lead stays a member. */
export async function makeLead(
  tx: Kysely<DB>,
  caseId: string,
  to: string,
  grantedBy: string,
  now: Date,
): Promise<string | null> {
  const { role } = await joinable(tx, to);
  if (role === 'expert') throw memberMessage('userId', 'an expert cannot lead a case');
  if (await isRecused(tx, caseId, to))
    throw new ConflictError('This person is related to someone in the case and is recused from it.', 'recused');
  const old = await tx
    .updateTable('case_members')
    .set((eb) => ({ role: 'member', version: eb('version', '+', 1) }))
    .where('case_id', '=', caseId)
    .where('role', '=', 'lead')
    .returning('user_id')
    .executeTakeFirst();
  await tx.deleteFrom('case_members').where('case_id', '=', caseId).where('user_id', '=', to).execute();
  await tx
    .insertInto('case_members')
    .values({
      case_id: caseId,
      user_id: to,
      role: 'lead',
      full_scope: true,
      sections: [],
      expires_at: null,
      granted_by: grantedBy,
      granted_at: now,
    })
    .execute();
  return old?.user_id ?? null;
}

/** Hands the lead to another; the case's version guards against two hand-overs at once. */
export async function transferLead(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  input: { expectedVersion: number; userId: string },
  origin: Origin,
): Promise<void> {
  await managing(ctx, actor, caseId, origin, async (tx, reach, now) => {
    checkNotSelf(actor, input.userId, reach);
    const current = await casesRepository.lock(tx, caseId);
    if (current === undefined) throw new NotFoundError();
    if (current.version !== input.expectedVersion) throw stale();
    const lead = await casesRepository.leadOf(tx, caseId);
    if (lead === input.userId) throw new ConflictError('This person leads the case already.', 'already_lead');
    const from = await makeLead(tx, caseId, input.userId, actor.userId, now);
    await casesRepository.bump(tx, caseId, input.expectedVersion, { updated_at: now });
    await recordAudit(tx, now, {
      action: 'case.lead_transferred',
      ...aboutCase(actor, origin, caseId),
      detail: { from, to: input.userId },
    });
  });
}
