import { type Kysely, sql } from 'kysely';
import type { CaseSection } from '../../contract/cases.ts';
import type { Actor } from '../access/actor.ts';
import type { DB } from '../platform/db/schema.ts';

/**
 * The ids of the cases whose whole content, or one section, the actor reads: as a member whose
 * scope holds it (and whose membership has not expired), or through a team lead's open
 * break-glass; never a case they are recused from. The set form of reach.ts, for queries over
 * many cases (a search, the reports in cases).
 */
export async function readableCases(
  db: Kysely<DB>,
  actor: Actor,
  now: Date,
  what: CaseSection | 'whole',
): Promise<string[]> {
  let members = db
    .selectFrom('case_members')
    .select('case_id')
    .where('user_id', '=', actor.userId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  members =
    what === 'whole'
      ? members.where('full_scope', '=', true)
      : members.where((eb) => eb.or([eb('full_scope', '=', true), sql<boolean>`${what} = any(sections)`]));
  const glass =
    actor.role === 'team_lead'
      ? await db
          .selectFrom('break_glass')
          .select('case_id')
          .where('user_id', '=', actor.userId)
          .where('ended_at', 'is', null)
          .where('expires_at', '>', now)
          .execute()
      : [];
  const recused = await db
    .selectFrom('person_conflicts')
    .select('case_id')
    .where('status', '=', 'recused')
    .where('user_id', '=', actor.userId)
    .execute();
  const out = new Set(recused.map((r) => r.case_id));
  return [...new Set([...(await members.execute()), ...glass].map((r) => r.case_id))].filter((id) => !out.has(id));
}
