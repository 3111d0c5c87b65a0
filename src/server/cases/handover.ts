import { CONTENT_ROLES, type Role } from '../../contract/accounts.ts';
import type { CaseSection, Handover } from '../../contract/cases.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { ConflictError, NotFoundError, ValidationError } from '../platform/http/errors.ts';
import { userRefs } from './cases.repository.ts';
import type { CasesContext, Origin } from './context.ts';
import { isRecused, makeLead } from './members.service.ts';

/**
 * When someone leaves: a team lead hands all of their memberships to one successor, in one
 * transaction. Only for an account that is leaving (locked, or no longer in a role that sees case
 * content): otherwise this would take a working colleague's cases away from them. The successor
 * is someone else than the team lead doing it (who would otherwise give themselves every case
 * without a break-glass). Where the successor is a member already, the leaver's membership goes
 * (and the successor takes the lead if the leaver had it); elsewhere the successor takes the
 * leaver's place with the same scope. Every case records both sides in its own trail.
 */
export async function reassignMemberships(
  ctx: CasesContext,
  actor: Actor,
  fromUserId: string,
  toUserId: string,
  origin: Origin,
): Promise<{ moved: number; merged: number; skipped: number }> {
  if (fromUserId === toUserId) throw new ValidationError([{ path: 'toUserId', message: 'choose another person' }]);
  if (toUserId === actor.userId)
    throw new ConflictError(
      'You cannot hand cases to yourself: another team lead can, or hand them to a colleague.',
      'self_grant',
    );
  const now = ctx.clock.now();
  return ctx.database.transaction(async (tx) => {
    const from = await tx
      .selectFrom('users')
      .select(['role', 'status'])
      .where('id', '=', fromUserId)
      .forUpdate()
      .executeTakeFirst();
    if (from === undefined) throw new NotFoundError();
    if (from.status !== 'locked' && CONTENT_ROLES.includes(from.role as Role))
      throw new ConflictError(
        'This account is still active: lock it first (it ends their sessions), or hand over case by case.',
        'user_active',
      );
    const successor = await tx
      .selectFrom('users')
      .select(['role', 'status'])
      .where('id', '=', toUserId)
      .executeTakeFirst();
    if (successor === undefined || !['threat_manager', 'team_lead'].includes(successor.role))
      throw new ValidationError([{ path: 'toUserId', message: 'the successor is a threat manager or a team lead' }]);
    if (successor.status === 'locked') throw new ConflictError('The successor’s account is locked.', 'user_locked');
    const rows = await tx
      .selectFrom('case_members')
      .selectAll()
      .where('user_id', '=', fromUserId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('case_id')
      .execute();
    // The cases, locked in one order (as every change of members locks its case first), and each
    // given a new version: a hand-over or grant in flight on one of them then waits, or is stale.
    const caseIds = rows.map((r) => r.case_id);
    if (caseIds.length > 0) {
      await tx.selectFrom('cases').select('id').where('id', 'in', caseIds).orderBy('id').forUpdate().execute();
      await tx
        .updateTable('cases')
        .set((eb) => ({ version: eb('version', '+', 1), updated_at: now }))
        .where('id', 'in', caseIds)
        .execute();
    }
    let moved = 0;
    let merged = 0;
    let skipped = 0;
    const base = { outcome: 'allowed' as const, actorUserId: actor.userId, ip: origin.ip, userAgent: origin.userAgent };
    for (const row of rows) {
      const caseId = row.case_id;
      const about = { ...base, object: { type: 'case' as const, id: caseId }, caseId };
      if (await isRecused(tx, caseId, toUserId)) {
        // The successor is recused from this case: the leaver's place goes, nobody takes it (a
        // team lead names another member, or lead, by hand).
        await tx.deleteFrom('case_members').where('case_id', '=', caseId).where('user_id', '=', fromUserId).execute();
        await recordAudit(tx, now, { action: 'case.member_revoked', ...about, detail: { user: fromUserId } });
        skipped++;
        continue;
      }
      if (row.role === 'lead') {
        // makeLead demotes the leaver and seats the successor; the leaver's row then goes.
        await makeLead(tx, caseId, toUserId, actor.userId, now);
        await tx.deleteFrom('case_members').where('case_id', '=', caseId).where('user_id', '=', fromUserId).execute();
        await recordAudit(tx, now, {
          action: 'case.lead_transferred',
          ...about,
          detail: { from: fromUserId, to: toUserId },
        });
        moved++;
        continue;
      }
      const existing = await tx
        .selectFrom('case_members')
        .select(['expires_at'])
        .where('case_id', '=', caseId)
        .where('user_id', '=', toUserId)
        .executeTakeFirst();
      await tx.deleteFrom('case_members').where('case_id', '=', caseId).where('user_id', '=', fromUserId).execute();
      if (existing !== undefined && (existing.expires_at === null || existing.expires_at > now)) {
        merged++;
      } else {
        if (existing !== undefined)
          await tx.deleteFrom('case_members').where('case_id', '=', caseId).where('user_id', '=', toUserId).execute();
        // An expert's place goes to a member with the same scope and end.
        const role = row.role === 'expert' ? 'member' : row.role;
        await tx
          .insertInto('case_members')
          .values({
            case_id: caseId,
            user_id: toUserId,
            role,
            full_scope: row.full_scope,
            sections: row.sections,
            expires_at: row.expires_at,
            granted_by: actor.userId,
            granted_at: now,
          })
          .execute();
        await recordAudit(tx, now, {
          action: 'case.member_granted',
          ...about,
          detail: {
            user: toUserId,
            role,
            full: row.full_scope,
            sections: row.sections as CaseSection[],
            expires: row.expires_at?.toISOString() ?? null,
          },
        });
        moved++;
      }
      await recordAudit(tx, now, { action: 'case.member_revoked', ...about, detail: { user: fromUserId } });
    }
    await recordAudit(tx, now, {
      action: 'case.memberships_reassigned',
      ...base,
      object: { type: 'user', id: fromUserId },
      detail: { to: toUserId, cases: rows.length },
    });
    return { moved, merged, skipped };
  });
}

/**
 * What a team lead's hand-over form offers: the accounts that left and still hold live
 * memberships (with how many), and the active threat managers and team leads who may take them,
 * the asking team lead left out (the same rules as reassignMemberships).
 */
export async function handoverCandidates(ctx: CasesContext, actor: Actor): Promise<Handover> {
  const db = ctx.database.db;
  const now = ctx.clock.now();
  const leaving = await db
    .selectFrom('case_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id'])
    .select((eb) => eb.fn.countAll<string>().as('cases'))
    .where((eb) => eb.or([eb('m.expires_at', 'is', null), eb('m.expires_at', '>', now)]))
    .where((eb) => eb.or([eb('u.status', '=', 'locked'), eb('u.role', 'not in', [...CONTENT_ROLES])]))
    .groupBy('m.user_id')
    .execute();
  const successors = await db
    .selectFrom('users')
    .select(['id', 'role'])
    .where('role', 'in', ['threat_manager', 'team_lead'])
    .where('status', '=', 'active')
    .where('id', '!=', actor.userId)
    .execute();
  const refs = await userRefs(db, ctx.keys, [...leaving.map((l) => l.user_id), ...successors.map((s) => s.id)]);
  const ref = (id: string) => refs.get(id) ?? { id, displayName: null };
  const byName = (a: { user: { displayName: string | null } }, b: { user: { displayName: string | null } }) =>
    (a.user.displayName ?? '').localeCompare(b.user.displayName ?? '');
  return {
    leavers: leaving.map((l) => ({ user: ref(l.user_id), cases: Number(l.cases) })).sort(byName),
    successors: successors
      .map((s) => ({ user: ref(s.id), role: s.role as 'threat_manager' | 'team_lead' }))
      .sort(byName),
  };
}
