import { caseReference } from '../../contract/cases.ts';
import type { KnownPersonHint, ReportContent } from '../../contract/reports.ts';
import type { Actor } from '../access/actor.ts';
import { casesRepository, userRefs } from '../cases/cases.repository.ts';
import { identifiersOf } from '../cases/persons.service.ts';
import { meets, reachOf } from '../cases/reach.ts';
import { reportReference } from './content.ts';
import type { IntakeContext } from './context.ts';

/**
 * "Known person" hints (docs/intake.md): a person named in this report is named in another report
 * or a case too, found through the blind index without any plaintext. Shown to the triage roles
 * only. Another report still in triage (or closed) is named, as every triage role sees it anyway;
 * a case, or a report that joined one, is named only to someone who works on that case (a member,
 * or an open break-glass); to anyone else only that it exists and who leads it, to ask for access.
 */
/**
 * Recused from the case (a conflict of interest, docs/cases.md): a hint would tell the person
 * concerned that a case about them exists, and who leads it. They learn nothing.
 */
async function recused(db: IntakeContext['database']['db'], caseId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('person_conflicts')
    .select('user_id')
    .where('case_id', '=', caseId)
    .where('user_id', '=', userId)
    .where('status', '=', 'recused')
    .executeTakeFirst();
  return row !== undefined;
}

export async function knownPersonHints(
  ctx: IntakeContext,
  actor: Actor,
  reportId: string,
  content: ReportContent,
): Promise<{ readonly hints: KnownPersonHint[]; readonly disclosed: readonly string[] }> {
  const db = ctx.database.db;
  const now = ctx.clock.now();
  const hints: KnownPersonHint[] = [];
  // The cases whose existence a hint discloses: each is told in that case's trail (triage.service.ts).
  const disclosed = new Set<string>();
  const seen = new Set<string>();
  const leads = new Map<string, string | null>();
  for (const [person, involved] of content.persons.entries()) {
    const matches = await ctx.persons.find(db, identifiersOf({ ...involved, location: '' }));
    for (const match of matches) {
      if (match.scope.type === 'report' && match.scope.id === reportId) continue;
      const matchedBy = [...match.kinds];
      let caseId: string | undefined;
      if (match.scope.type === 'report') {
        const other = await db
          .selectFrom('reports')
          .select(['id', 'reference', 'status', 'case_id'])
          .where('id', '=', match.scope.id)
          .executeTakeFirst();
        if (other === undefined) continue;
        if (other.case_id === null) {
          const key = `${person}:report:${other.id}`;
          if (seen.has(key)) continue;
          seen.add(key);
          hints.push({
            person,
            matchedBy,
            where: { kind: 'report', id: other.id, reference: reportReference(other.reference), status: other.status },
          });
          continue;
        }
        caseId = other.case_id;
      } else {
        caseId = match.scope.id;
      }
      const key = `${person}:case:${caseId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const row = await casesRepository.find(db, caseId);
      if (row === undefined || (await recused(db, caseId, actor.userId))) continue;
      disclosed.add(caseId);
      const reach = await reachOf(db, actor, caseId, now);
      // Named to whoever may see who is in that case: its identities section, or an open break-glass.
      if (reach !== undefined && meets(reach, { kind: 'section', section: 'identities', write: false })) {
        hints.push({
          person,
          matchedBy,
          where: { kind: 'case', id: caseId, reference: caseReference(row.year, row.number), status: row.status },
        });
        continue;
      }
      if (!leads.has(caseId)) leads.set(caseId, await casesRepository.leadOf(db, caseId));
      const leadId = leads.get(caseId) ?? null;
      const refs = await userRefs(db, ctx.keys, [leadId]);
      hints.push({
        person,
        matchedBy,
        where: { kind: 'other_case', lead: leadId === null ? null : (refs.get(leadId) ?? null) },
      });
    }
  }
  return { hints, disclosed: [...disclosed] };
}
