import { type Kysely, sql } from 'kysely';
import { caseReference } from '../../contract/cases.ts';
import { ACTIVITY_SHOWN, type Dashboard } from '../../contract/dashboard.ts';
import type { EntryKind } from '../../contract/timeline.ts';
import type { Actor } from '../access/actor.ts';
import { userRefs } from '../cases/cases.repository.ts';
import { meets } from '../cases/reach.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { DB } from '../platform/db/schema.ts';
import { reads, visibleKinds } from '../timeline/context.ts';
import type { Membership } from './memberships.ts';

interface Row {
  readonly id: string;
  readonly case_id: string;
  readonly kind: EntryKind;
  readonly recorded_at: Date;
  readonly author_id: string | null;
  readonly written: boolean;
}

/**
 * The newest entries on the timelines of the caller's cases: which case, what kind, when, by whom;
 * never their words. Each case shows only the kinds its timeline shows the caller (context.ts),
 * and no entry of a restricted document they are not listed for, nor of a report that names them.
 */
export async function activityPart(
  db: Kysely<DB>,
  keys: KeyRing,
  actor: Actor,
  memberships: readonly Membership[],
): Promise<Dashboard['activity']> {
  const groups = new Map<string, { kinds: EntryKind[]; cases: string[] }>();
  const references = new Map<string, string>();
  const roster = new Set<string>();
  for (const m of memberships) {
    if (!reads(m.reach, 'timeline')) continue;
    if (meets(m.reach, { kind: 'roster' })) roster.add(m.reach.caseId);
    const kinds = visibleKinds(m.reach);
    const key = kinds.join(',');
    const group = groups.get(key) ?? { kinds, cases: [] };
    group.cases.push(m.reach.caseId);
    groups.set(key, group);
    references.set(m.reach.caseId, caseReference(m.year, m.number));
  }
  if (groups.size === 0) return [];
  // Per case the newest few through the (case_id, recorded_at) index, then the newest of those, in
  // the database: never every entry of every case of the caller, and only those shown sent here.
  const rows = (
    await Promise.all(
      [...groups.values()].map((g) =>
        sql<Row>`select e.id, e.case_id, e.kind, e.recorded_at, e.author_id, e.written
            from unnest(${sql`${g.cases}::uuid[]`}) as c(id)
            cross join lateral (
              select e.* from timeline_entries e
              where e.case_id = c.id and e.kind = any(${sql`${g.kinds}::text[]`})
                and not (e.kind = 'report' and exists (select 1 from report_conflicts x
                  where x.report_id = e.subject_id and x.user_id = ${actor.userId}))
                and not exists (select 1 from documents d where d.id = e.subject_id and d.restricted
                  and not exists (select 1 from document_readers r where r.document_id = d.id and r.user_id = ${actor.userId}))
              order by e.recorded_at desc, e.id desc
              limit ${ACTIVITY_SHOWN}
            ) e
            order by e.recorded_at desc, e.id desc
            limit ${ACTIVITY_SHOWN}`.execute(db),
      ),
    )
  )
    .flatMap((r) => r.rows)
    .sort((a, b) => b.recorded_at.getTime() - a.recorded_at.getTime() || (a.id < b.id ? 1 : -1))
    .slice(0, ACTIVITY_SHOWN);
  const refs = await userRefs(
    db,
    keys,
    rows.map((r) => r.author_id),
  );
  return rows.map((r) => ({
    id: r.id,
    case: { id: r.case_id, reference: references.get(r.case_id) ?? '' },
    kind: r.kind,
    at: r.recorded_at.toISOString(),
    // As on the timeline: a recorded entry's actor only to those who see who works on the case.
    author: r.author_id === null || !(r.written || roster.has(r.case_id)) ? null : (refs.get(r.author_id) ?? null),
  }));
}
