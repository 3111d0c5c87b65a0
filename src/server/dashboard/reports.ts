import { type Kysely, sql } from 'kysely';
import { caseReference } from '../../contract/cases.ts';
import type { Dashboard, DashboardReport } from '../../contract/dashboard.ts';
import { TRIAGE_ROLES } from '../../contract/reports.ts';
import type { Actor } from '../access/actor.ts';
import { reportReference } from '../intake/content.ts';
import { addDays, type DeadlinePolicy, daysBetween, deadlinesOf, SOON_DAYS } from '../intake/deadlines.ts';
import type { DB } from '../platform/db/schema.ts';
import { reads } from '../timeline/context.ts';
import type { Membership } from './memberships.ts';

const SHOWN = 10;
const WEEKS = 12;
const STATES = { overdue: 0, due_soon: 1, in_time: 2 } as const;
const URGENCIES = { danger_now: 0, urgent: 1, normal: 2 } as const;

/** Monday of the ISO week of a day. */
function mondayOf(day: string): string {
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

/**
 * Reports and their deadlines, for the triage roles: those still in triage, and those of the
 * caller's cases (whose timeline they read) that still owe the reporter feedback; a report whose
 * persons name the caller is left out, as everywhere (intake/conflicts.ts).
 */
export async function reportsPart(
  db: Kysely<DB>,
  actor: Actor,
  today: string,
  policy: DeadlinePolicy,
  memberships: readonly Membership[],
): Promise<Dashboard['reports']> {
  if (!TRIAGE_ROLES.includes(actor.role)) return null;
  const cases = new Map(
    memberships.filter((m) => reads(m.reach, 'timeline')).map((m) => [m.reach.caseId, caseReference(m.year, m.number)]),
  );
  const notExcluded = sql<boolean>`not exists (select 1 from report_conflicts x where x.report_id = r.id and x.user_id = ${actor.userId})`;
  const rows = await db
    .selectFrom('reports as r')
    .select(['r.id', 'r.reference', 'r.urgency', 'r.received_on', 'r.acknowledged_on', 'r.status', 'r.case_id'])
    .where((eb) =>
      eb.or([
        eb('r.status', '=', 'new'),
        ...(cases.size > 0
          ? [
              eb.and([
                eb('r.status', '=', 'case'),
                eb('r.case_id', 'in', [...cases.keys()]),
                eb('r.feedback_on', 'is', null),
              ]),
            ]
          : []),
      ]),
    )
    .where(notExcluded)
    .execute();
  const items: DashboardReport[] = rows.map((r) => {
    const deadlines = deadlinesOf(r.received_on, r.acknowledged_on, policy);
    const next = r.acknowledged_on === null ? 'acknowledge' : 'feedback';
    const by = next === 'acknowledge' ? deadlines.acknowledgeBy : deadlines.feedbackBy;
    const left = daysBetween(today, by);
    const reference = r.case_id === null ? undefined : cases.get(r.case_id);
    return {
      id: r.id,
      reference: reportReference(r.reference),
      urgency: r.urgency,
      receivedOn: r.received_on,
      next,
      by,
      state: left < 0 ? 'overdue' : left <= SOON_DAYS[next] ? 'due_soon' : 'in_time',
      case: r.case_id === null || reference === undefined ? null : { id: r.case_id, reference },
    };
  });
  items.sort(
    (a, b) =>
      STATES[a.state] - STATES[b.state] ||
      a.by.localeCompare(b.by) ||
      URGENCIES[a.urgency] - URGENCIES[b.urgency] ||
      a.reference.localeCompare(b.reference),
  );
  const first = addDays(mondayOf(today), -7 * (WEEKS - 1));
  const received = await db
    .selectFrom('reports as r')
    .select(['r.received_on', (eb) => eb.fn.countAll<string>().as('count')])
    .where('r.received_on', '>=', first)
    .where(notExcluded)
    .groupBy('r.received_on')
    .execute();
  const perWeek = Array.from({ length: WEEKS }, (_, i) => ({ week: addDays(first, 7 * i), count: 0 }));
  for (const r of received) {
    const week = perWeek[Math.floor(daysBetween(first, r.received_on) / 7)];
    if (week !== undefined) week.count += Number(r.count);
  }
  return {
    items: items.slice(0, SHOWN),
    untriaged: rows.filter((r) => r.status === 'new').length,
    overdue: items.filter((i) => i.state === 'overdue').length,
    perWeek,
  };
}
