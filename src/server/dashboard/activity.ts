import { sql } from 'kysely';
import { caseReference } from '../../contract/cases.ts';
import { ACTIVITY_SHOWN, type Dashboard } from '../../contract/dashboard.ts';
import type { EntryKind } from '../../contract/timeline.ts';
import type { Actor } from '../access/actor.ts';
import { userRefs } from '../cases/cases.repository.ts';
import { meets } from '../cases/reach.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { Database } from '../platform/db/database.ts';
import { runPrepared } from '../platform/db/prepared.ts';
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
  database: Database,
  keys: KeyRing,
  actor: Actor,
  memberships: readonly Membership[],
): Promise<Dashboard['activity']> {
  const cases: string[] = [];
  const kindsOf: string[] = [];
  const references = new Map<string, string>();
  const roster = new Set<string>();
  for (const m of memberships) {
    if (!reads(m.reach, 'timeline')) continue;
    if (meets(m.reach, { kind: 'roster' })) roster.add(m.reach.caseId);
    cases.push(m.reach.caseId);
    // Per case the kinds its timeline shows the caller, as one parameter beside the case's id.
    kindsOf.push(visibleKinds(m.reach).join(','));
    references.set(m.reach.caseId, caseReference(m.year, m.number));
  }
  if (cases.length === 0) return [];
  const db = database.db;
  const visible = sql`e.case_id = c.id and e.kind = any(string_to_array(c.kinds, ','))
    and not (e.kind = 'report' and exists (select 1 from report_conflicts x
      where x.report_id = e.subject_id and x.user_id = ${actor.userId}))
    and not exists (select 1 from documents d where d.id = e.subject_id and d.restricted
      and not exists (select 1 from document_readers r where r.document_id = d.id and r.user_id = ${actor.userId}))`;
  // In the database, through the (case_id, recorded_at) index, never every entry of every case:
  // first each case's newest entry; the newest ACTIVITY_SHOWN of those are as many entries at or
  // after the oldest of them (since), so the newest ACTIVITY_SHOWN of all are too. Then per case
  // its entries since then, at most ACTIVITY_SHOWN, and the newest of those. With fewer cases than
  // that, every case gives its newest ACTIVITY_SHOWN. Prepared (platform/db/prepared.ts): one
  // shape, the cases and their kinds array parameters. Materialized, else each case's newest entry
  // is looked up twice (once for "is not null", once for the order).
  const query = sql<Row>`with c as (select * from unnest(${cases}::uuid[], ${kindsOf}::text[]) as c(id, kinds)),
    newest as materialized (
      select (select e.recorded_at from timeline_entries e where ${visible}
        order by e.recorded_at desc limit 1) as at
      from c
    ),
    since as (
      select case when count(*) < ${ACTIVITY_SHOWN} then '-infinity'::timestamptz else min(n.at) end as at
      from (select at from newest where at is not null order by at desc limit ${ACTIVITY_SHOWN}) n
    )
    select e.id, e.case_id, e.kind, e.recorded_at, e.author_id, e.written
    from c cross join since cross join lateral (
      select e.* from timeline_entries e
      where ${visible} and e.recorded_at >= since.at
      order by e.recorded_at desc, e.id desc
      limit ${ACTIVITY_SHOWN}
    ) e
    order by e.recorded_at desc, e.id desc
    limit ${ACTIVITY_SHOWN}`;
  const rows = await runPrepared(database, 'tma_activity', { compile: () => query.compile(db) });
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
