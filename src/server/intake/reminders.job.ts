import type { Kysely } from 'kysely';
import { z } from 'zod';
import { casesRepository } from '../cases/cases.repository.ts';
import { notifyOnce } from '../notifications/notifications.service.ts';
import type { Clock } from '../platform/clock.ts';
import type { DB } from '../platform/db/schema.ts';
import { defineJob } from '../platform/jobs/definitions.ts';
import { schedule } from '../platform/jobs/queue.ts';
import { type DeadlinePolicy, dayIn, daysBetween, deadlinesOf, SOON_DAYS } from './deadlines.ts';

/**
 * Reminders of a report's deadlines (docs/intake.md, "Deadlines"), in the bell: when the
 * acknowledgement is due within two days or the feedback within two weeks, and again once either
 * has passed. Whoever is responsible is reminded: the triage roles for a report still in triage,
 * the case's lead for one in a case. Each person is reminded once per report, deadline and stage
 * (a unique index), so the job can run every hour, and again after a crash, without repeating itself.
 */

export type Stage = 'acknowledge_soon' | 'acknowledge_overdue' | 'feedback_soon' | 'feedback_overdue';

export interface RemindersOptions {
  readonly clock: Clock;
  readonly timeZone: string;
  readonly policy: DeadlinePolicy;
}

/** The reminders a report is due for today, as stages. */
export function stagesDue(
  row: { received_on: string; acknowledged_on: string | null; feedback_on: string | null },
  today: string,
  policy: DeadlinePolicy,
): Stage[] {
  const { acknowledgeBy, feedbackBy } = deadlinesOf(row.received_on, row.acknowledged_on, policy);
  const stages: Stage[] = [];
  if (row.acknowledged_on === null) {
    const left = daysBetween(today, acknowledgeBy);
    if (left < 0) stages.push('acknowledge_overdue');
    else if (left <= SOON_DAYS.acknowledge) stages.push('acknowledge_soon');
  }
  if (row.feedback_on === null) {
    const left = daysBetween(today, feedbackBy);
    if (left < 0) stages.push('feedback_overdue');
    else if (left <= SOON_DAYS.feedback) stages.push('feedback_soon');
  }
  return stages;
}

export async function sendReminders(db: Kysely<DB>, options: RemindersOptions): Promise<number> {
  const now = options.clock.now();
  const today = dayIn(now, options.timeZone);
  const open = await db
    .selectFrom('reports')
    .select(['id', 'case_id', 'received_on', 'acknowledged_on', 'feedback_on'])
    .where('status', '!=', 'closed')
    // A report whose case is closed is closed to its reporter too: nothing is due any more.
    .where((eb) =>
      eb.or([
        eb('case_id', 'is', null),
        eb.not(
          eb.exists(
            eb
              .selectFrom('cases')
              .select('id')
              .whereRef('cases.id', '=', 'reports.case_id')
              .where('status', '=', 'closed'),
          ),
        ),
      ]),
    )
    .where((eb) => eb.or([eb('acknowledged_on', 'is', null), eb('feedback_on', 'is', null)]))
    .execute();
  const team = (
    await db
      .selectFrom('users')
      .select('id')
      .where('role', 'in', ['threat_manager', 'team_lead'])
      .where('status', '=', 'active')
      .execute()
  ).map((u) => u.id);
  let sent = 0;
  for (const report of open) {
    const stages = stagesDue(report, today, options.policy);
    if (stages.length === 0) continue;
    let people = team;
    if (report.case_id !== null) {
      const lead = await casesRepository.leadOf(db, report.case_id);
      people = lead === null ? [] : [lead];
    }
    const excluded = new Set(
      (await db.selectFrom('report_conflicts').select('user_id').where('report_id', '=', report.id).execute()).map(
        (c) => c.user_id,
      ),
    );
    for (const stage of stages) {
      for (const user of people.filter((p) => !excluded.has(p))) {
        const isNew = await notifyOnce(db, {
          user_id: user,
          kind: 'deadline',
          case_id: null,
          report_id: report.id,
          deadline: stage,
          actor_user_id: null,
          // The day only: a reminder due on the day a report came in would otherwise date it to the hour.
          created_at: new Date(`${today}T00:00:00.000Z`),
          until_at: null,
        });
        if (isNew) sent++;
      }
    }
  }
  return sent;
}

export function remindersJob(db: Kysely<DB>, options: RemindersOptions) {
  return defineJob({
    type: 'intake.deadline_reminders',
    version: 1,
    schema: z.strictObject({}),
    maxAttempts: 3,
    handler: async () => {
      await sendReminders(db, options);
    },
  });
}

export async function scheduleReminders(db: Kysely<DB>, options: RemindersOptions): Promise<void> {
  await schedule(db, 'intake.deadline_reminders.hourly', remindersJob(db, options), {}, 3600);
}
