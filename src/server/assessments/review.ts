import { CompiledQuery, type Kysely } from 'kysely';
import type { Review } from '../../contract/assessments.ts';
import { daysBetween } from '../intake/deadlines.ts';
import type { Database } from '../platform/db/database.ts';
import { runPrepared } from '../platform/db/prepared.ts';
import type { DB } from '../platform/db/schema.ts';

/** How many days before its review date a review counts as due soon. */
export const REVIEW_SOON_DAYS = 2;

/** The state of a review date on a day: in time, due within REVIEW_SOON_DAYS, or passed. */
export function reviewState(due: string | null, today: string): Review['state'] {
  if (due === null) return null;
  const left = daysBetween(today, due);
  return left < 0 ? 'overdue' : left <= REVIEW_SOON_DAYS ? 'due_soon' : 'in_time';
}

export interface CaseReview extends Review {
  readonly caseId: string;
  /** The standing assessment: the case's latest finalised single assessment or consensus. */
  readonly assessmentId: string;
}

interface Row {
  case_id: string;
  id: string;
  review_due: string | null;
  incident_id: string | null;
  incident_at: Date | null;
}

/**
 * The standing assessment and the first incident since, of the cases `which` picks (a condition
 * on `a.case_id` with its parameters). Written out as text, so the benchmark's floor sends it too.
 */
const standing = (which: string) => `
    with standing as (
      select distinct on (a.case_id) a.case_id, a.id, a.review_due, a.finalised_at, a.reassess_on_incident
      from assessments a
      where ${which} and a.status = 'final' and a.kind <> 'rater'
      order by a.case_id, a.finalised_at desc, a.id
    )
    select s.case_id, s.id, s.review_due, i.id as incident_id, i.recorded_at as incident_at
    from standing s
    -- The case once, after its standing assessment is found (not once for each of its assessments),
    -- by its key: a plan made once (prepared) would otherwise read every case.
    join lateral (
      select from cases c where c.id = s.case_id and c.status <> 'closed' and c.merged_into is null limit 1
    ) c on true
    left join lateral (
      select t.id, t.recorded_at from timeline_entries t
      where s.reassess_on_incident and t.case_id = s.case_id and t.kind = 'incident'
        and cardinality(t.tags) > 0 and t.recorded_at > s.finalised_at
      order by t.recorded_at, t.id
      limit 1
    ) i on true`;

/** One case's review ($1: the case), as reviewOf prepares it. */
export const REVIEW_OF_CASE = standing('a.case_id = $1::uuid');

const reviewFrom = (r: Row, today: string): CaseReview => ({
  caseId: r.case_id,
  assessmentId: r.id,
  due: r.review_due,
  state: reviewState(r.review_due, today),
  prompt:
    r.incident_id === null || r.incident_at === null
      ? null
      : { entryId: r.incident_id, recordedAt: new Date(r.incident_at).toISOString() },
});

/**
 * When each case is to be assessed again (docs/assessments.md, "Re-assessment"): the review date of
 * its standing assessment, and the first incident tagged with warning behaviours written since,
 * when the model asks for that. Open cases only; a case never assessed has no review.
 */
export async function reviewsOf(
  db: Kysely<DB>,
  /** The cases asked about; null: every open case (the reminders). */
  caseIds: readonly string[] | null,
  today: string,
): Promise<Map<string, CaseReview>> {
  const reviews = new Map<string, CaseReview>();
  if (caseIds !== null && caseIds.length === 0) return reviews;
  // Planned for the cases at hand each time: a plan made once for any list of cases reads them all.
  const ids = caseIds ?? [];
  const which = caseIds === null ? 'true' : `a.case_id in (${ids.map((_, i) => `$${i + 1}::uuid`).join(', ')})`;
  const { rows } = await db.executeQuery<Row>(CompiledQuery.raw(standing(which), [...ids]));
  for (const r of rows) reviews.set(r.case_id, reviewFrom(r, today));
  return reviews;
}

/**
 * One case's review, outside a transaction, as a prepared statement: planning it cost PostgreSQL
 * more than running it, on every case's assessments tab (bench/assessments.ts).
 */
export async function reviewOf(database: Database, caseId: string, today: string): Promise<CaseReview | undefined> {
  const query = CompiledQuery.raw(REVIEW_OF_CASE, [caseId]) as CompiledQuery<Row>;
  const row = (await runPrepared(database, 'tma_review', query))[0];
  return row === undefined ? undefined : reviewFrom(row, today);
}
