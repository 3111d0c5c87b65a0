import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { NotFoundError, ValidationError } from '../platform/http/errors.ts';
import type { CasesContext, Origin } from './context.ts';
import { makeLead } from './members.service.ts';

/**
 * When someone leaves: a team lead hands all of their memberships to one successor, in one
 * transaction. Where the successor is a member already, the leaver's membership goes (and the
 * successor takes the lead if the leaver had it); elsewhere the successor takes the leaver's place
 * with the same scope. Every case records both sides in its own trail.
 */
export async function reassignMemberships(
  ctx: CasesContext,
  actor: Actor,
  fromUserId: string,
  toUserId: string,
  origin: Origin,
): Promise<{ moved: number; merged: number }> {
  if (fromUserId === toUserId) throw new ValidationError([{ path: 'toUserId', message: 'choose another person' }]);
  const now = ctx.clock.now();
  return ctx.database.transaction(async (tx) => {
    const from = await tx.selectFrom('users').select('id').where('id', '=', fromUserId).executeTakeFirst();
    if (from === undefined) throw new NotFoundError();
    const rows = await tx
      .selectFrom('case_members')
      .selectAll()
      .where('user_id', '=', fromUserId)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .orderBy('case_id')
      .forUpdate()
      .execute();
    let moved = 0;
    let merged = 0;
    const base = { outcome: 'allowed' as const, actorUserId: actor.userId, ip: origin.ip, userAgent: origin.userAgent };
    for (const row of rows) {
      const caseId = row.case_id;
      const about = { ...base, object: { type: 'case' as const, id: caseId }, caseId };
      if (row.role === 'lead') {
        // makeLead checks that the successor may lead, demotes the leaver and seats the successor.
        await makeLead(tx, caseId, toUserId, actor.userId, now);
        await tx.deleteFrom('case_members').where('case_id', '=', caseId).where('user_id', '=', fromUserId).execute();
        await recordAudit(tx, now, {
          action: 'case.lead_transferred',
          ...about,
          detail: { from: fromUserId, to: toUserId },
        });
        moved++;
      } else {
        const existing = await tx
          .selectFrom('case_members')
          .select(['role', 'expires_at'])
          .where('case_id', '=', caseId)
          .where('user_id', '=', toUserId)
          .executeTakeFirst();
        await tx.deleteFrom('case_members').where('case_id', '=', caseId).where('user_id', '=', fromUserId).execute();
        const live = existing !== undefined && (existing.expires_at === null || existing.expires_at > now);
        if (live) {
          merged++;
        } else {
          const successor = await tx.selectFrom('users').select('role').where('id', '=', toUserId).executeTakeFirst();
          if (successor === undefined || !['threat_manager', 'team_lead'].includes(successor.role))
            throw new ValidationError([
              { path: 'toUserId', message: 'the successor is a threat manager or a team lead' },
            ]);
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
              sections: row.sections as never,
              expires: row.expires_at?.toISOString() ?? null,
            },
          });
          moved++;
        }
        await recordAudit(tx, now, { action: 'case.member_revoked', ...about, detail: { user: fromUserId } });
      }
    }
    await recordAudit(tx, now, {
      action: 'case.memberships_reassigned',
      ...base,
      object: { type: 'user', id: fromUserId },
      detail: { to: toUserId, cases: rows.length },
    });
    return { moved, merged };
  });
}
