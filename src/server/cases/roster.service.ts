import { CONTENT_ROLES, type Role } from '../../contract/accounts.ts';
import type { CaseSection, Member, MemberList } from '../../contract/cases.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { userRefs } from './cases.repository.ts';
import { aboutCase, type CasesContext, need, type Origin } from './context.ts';

/** Who works on a case, and who could join it (docs/cases.md); each read is an audit event. */
export interface Candidate {
  readonly id: string;
  readonly displayName: string | null;
  readonly role: Role;
  readonly expertise: string | null;
}

export async function listMembers(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  origin: Origin,
): Promise<MemberList> {
  const reach = await need(ctx, actor, caseId, { kind: 'roster' }, origin);
  const db = ctx.database.db;
  // A member whose account no longer sees case content (an administrator now) reaches nothing: not listed.
  const rows = await db
    .selectFrom('case_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .selectAll('m')
    .where('m.case_id', '=', caseId)
    .where('u.role', 'in', [...CONTENT_ROLES])
    .orderBy('m.granted_at')
    .execute();
  const refs = await userRefs(
    db,
    ctx.keys,
    rows.flatMap((r) => [r.user_id, r.granted_by]),
  );
  const now = ctx.clock.now();
  const members: Member[] = rows
    .filter((r) => r.expires_at === null || r.expires_at > now)
    .map((r) => ({
      user: refs.get(r.user_id) ?? { id: r.user_id, displayName: null },
      role: r.role,
      fullScope: r.full_scope,
      sections: r.sections as CaseSection[],
      expiresAt: r.expires_at?.toISOString() ?? null,
      grantedBy: r.granted_by === null ? null : (refs.get(r.granted_by) ?? null),
      grantedAt: r.granted_at.toISOString(),
      version: r.version,
    }));
  await recordAudit(db, now, {
    action: 'case.viewed',
    ...aboutCase(actor, origin, caseId),
    detail: { part: 'members', via: reach.kind },
  });
  return { members };
}

/** Who could be granted: accounts that see case content, not yet members, not locked. */
export async function listCandidates(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  origin: Origin,
): Promise<Candidate[]> {
  const reach = await need(ctx, actor, caseId, { kind: 'manage' }, origin);
  const db = ctx.database.db;
  const now = ctx.clock.now();
  const rows = await db
    .selectFrom('users as u')
    .select(['u.id', 'u.role', 'u.expertise'])
    .where('u.role', 'in', [...CONTENT_ROLES])
    .where('u.status', '!=', 'locked')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('person_conflicts as pc')
            .select('pc.user_id')
            .where('pc.status', '=', 'recused')
            .whereRef('pc.user_id', '=', 'u.id')
            .where('pc.case_id', '=', caseId),
        ),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('case_members as m')
            .select('m.user_id')
            .whereRef('m.user_id', '=', 'u.id')
            .where('m.case_id', '=', caseId)
            .where((e) => e.or([e('m.expires_at', 'is', null), e('m.expires_at', '>', now)])),
        ),
      ),
    )
    .execute();
  const refs = await userRefs(
    db,
    ctx.keys,
    rows.map((r) => r.id),
  );
  await recordAudit(db, now, {
    action: 'case.viewed',
    ...aboutCase(actor, origin, caseId),
    detail: { part: 'candidates', via: reach.kind },
  });
  return rows
    .map((r) => ({
      id: r.id,
      displayName: refs.get(r.id)?.displayName ?? null,
      role: r.role as Role,
      expertise: r.expertise,
    }))
    .sort((a, b) => (a.displayName ?? '').localeCompare(b.displayName ?? ''));
}
