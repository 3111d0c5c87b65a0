import type { Kysely } from 'kysely';
import { z } from 'zod';
import { casesRepository } from '../cases/cases.repository.ts';
import { notifyOnce } from '../notifications/notifications.service.ts';
import type { Clock } from '../platform/clock.ts';
import type { DB } from '../platform/db/schema.ts';
import { defineJob } from '../platform/jobs/definitions.ts';
import { schedule } from '../platform/jobs/queue.ts';
import { wallClockOf } from '../timeline/zone.ts';
import { reviewsOf } from './review.ts';

/**
 * Reminders to re-assess (docs/assessments.md, "Re-assessment"), in the bell of each case's lead:
 * once the review date of the standing assessment has passed, and once an incident tagged with
 * warning behaviours was written since it (when its model asks for that). Each lead is reminded
 * once per standing assessment and reason (a unique index), so the job can run every hour, and
 * again after a crash, without repeating itself; a new assessment starts the reminders afresh.
 */
export interface ReviewRemindersOptions {
  readonly clock: Clock;
  readonly timeZone: string;
}

export async function sendReviewReminders(db: Kysely<DB>, options: ReviewRemindersOptions): Promise<number> {
  const now = options.clock.now();
  const today = wallClockOf(now, options.timeZone).day;
  const reviews = await reviewsOf(db, null, today);
  let sent = 0;
  for (const review of reviews.values()) {
    const reasons = [
      ...(review.state === 'overdue' ? (['overdue'] as const) : []),
      ...(review.prompt !== null ? (['incident'] as const) : []),
    ];
    if (reasons.length === 0) continue;
    // The bell names the case only while the lead reads its assessments (notifications.service.ts).
    const lead = await casesRepository.leadOf(db, review.caseId);
    if (lead === null) continue;
    for (const reason of reasons) {
      const isNew = await notifyOnce(db, {
        user_id: lead,
        kind: 'review',
        case_id: review.caseId,
        assessment_id: review.assessmentId,
        review: reason,
        actor_user_id: null,
        created_at: now,
        until_at: null,
      });
      if (isNew) sent++;
    }
  }
  return sent;
}

export function reviewRemindersJob(db: Kysely<DB>, options: ReviewRemindersOptions) {
  return defineJob({
    type: 'assessments.review_reminders',
    version: 1,
    schema: z.strictObject({}),
    maxAttempts: 3,
    handler: async () => {
      await sendReviewReminders(db, options);
    },
  });
}

export async function scheduleReviewReminders(db: Kysely<DB>, options: ReviewRemindersOptions): Promise<void> {
  await schedule(db, 'assessments.review_reminders.hourly', reviewRemindersJob(db, options), {}, 3600);
}
