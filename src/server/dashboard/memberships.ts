import type { CaseSection } from '../../contract/cases.ts';
import type { Actor } from '../access/actor.ts';
import { LISTED_COLUMNS } from '../cases/cases.repository.ts';
import { hasContentRole, type Reach } from '../cases/reach.ts';
import type { Database } from '../platform/db/database.ts';
import { runPrepared } from '../platform/db/prepared.ts';

export interface Membership {
  readonly reach: Reach;
  readonly year: number;
  readonly number: number;
  readonly status: 'intake' | 'assessment' | 'management' | 'monitoring' | 'closed';
  readonly priority: number | null;
  readonly titleSealed: Uint8Array;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly leadId: string | null;
}

/**
 * The caller's memberships, each as the reach it gives (reach.ts), in one query: the set form of
 * reachOf for the cases the caller works on. Expired memberships and cases the caller is recused
 * from are left out; an account in a role without case content has none.
 */
export async function membershipsOf(database: Database, actor: Actor, now: Date): Promise<Membership[]> {
  if (!hasContentRole(actor)) return [];
  const query = database.db
    .selectFrom('case_members as m')
    .innerJoin('cases as c', 'c.id', 'm.case_id')
    .leftJoin('case_members as l', (join) => join.onRef('l.case_id', '=', 'c.id').on('l.role', '=', 'lead'))
    .select([
      ...LISTED_COLUMNS,
      'c.title_sealed',
      'c.merged_into',
      'm.role',
      'm.full_scope',
      'm.sections',
      'm.expires_at',
      'l.user_id as lead_id',
    ])
    .where('m.user_id', '=', actor.userId)
    .where((eb) => eb.or([eb('m.expires_at', 'is', null), eb('m.expires_at', '>', now)]))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('person_conflicts as pc')
            .select('pc.user_id')
            .where('pc.status', '=', 'recused')
            .whereRef('pc.case_id', '=', 'c.id')
            .where('pc.user_id', '=', actor.userId),
        ),
      ),
    );
  // Prepared (platform/db/prepared.ts): one shape, planned once per connection.
  const rows = await runPrepared(database, 'tma_memberships', query);
  return rows.map((r) => {
    const sections = (r.sections ?? []) as CaseSection[];
    return {
      reach: {
        caseId: r.id,
        kind: 'member',
        role: r.role,
        fullScope: r.full_scope,
        sections,
        expiresAt: r.expires_at,
        teamLead: actor.role === 'team_lead',
        membership: { fullScope: r.full_scope, sections },
        merged: r.merged_into !== null,
      },
      year: r.year,
      number: r.number,
      status: r.status,
      priority: r.priority,
      titleSealed: r.title_sealed,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      leadId: r.lead_id,
    };
  });
}
