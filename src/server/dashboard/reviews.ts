import type { Kysely } from 'kysely';
import { caseReference } from '../../contract/cases.ts';
import type { DashboardReview } from '../../contract/dashboard.ts';
import { reviewsOf } from '../assessments/review.ts';
import type { DB } from '../platform/db/schema.ts';
import { reads } from '../timeline/context.ts';
import type { Membership } from './memberships.ts';

const ORDER = { overdue: 0, due_soon: 1, in_time: 2 } as const;

/**
 * The caller's cases to assess again: those whose assessments they read, with the review date of
 * the standing assessment overdue or close, or an incident written since that asks for it.
 */
export async function reviewsPart(
  db: Kysely<DB>,
  memberships: readonly Membership[],
  today: string,
): Promise<DashboardReview[]> {
  const readers = memberships.filter((m) => reads(m.reach, 'assessments') && !m.reach.merged);
  const byCase = new Map(readers.map((m) => [m.reach.caseId, m]));
  const reviews = await reviewsOf(db, [...byCase.keys()], today);
  const due: DashboardReview[] = [];
  for (const review of reviews.values()) {
    const m = byCase.get(review.caseId);
    if (m === undefined) continue;
    const prompted = review.prompt !== null && reads(m.reach, 'timeline');
    if (!prompted && review.state !== 'overdue' && review.state !== 'due_soon') continue;
    due.push({
      case: { id: review.caseId, reference: caseReference(m.year, m.number) },
      priority: m.priority,
      due: review.due,
      state: review.state,
      prompted,
    });
  }
  return due.sort(
    (a, b) =>
      (a.state === null ? 3 : ORDER[a.state]) - (b.state === null ? 3 : ORDER[b.state]) ||
      (a.due ?? '9999').localeCompare(b.due ?? '9999') ||
      a.case.reference.localeCompare(b.case.reference),
  );
}
