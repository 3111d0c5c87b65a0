import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/schema.ts';
import { defineJob } from './definitions.ts';
import { schedule } from './queue.ts';

/** Finished jobs are kept for a while for diagnosis, then removed so the table stays small. */
export function jobCleanupJob(db: Kysely<DB>) {
  return defineJob({
    type: 'jobs.cleanup',
    version: 1,
    schema: z.strictObject({ doneDays: z.number().int().min(1), failedDays: z.number().int().min(1) }),
    maxAttempts: 3,
    handler: async ({ doneDays, failedDays }) => {
      await db
        .deleteFrom('jobs')
        .where((eb) =>
          eb.or([
            eb.and([
              eb('status', '=', 'done'),
              eb('finished_at', '<', sql<Date>`now() - make_interval(days => ${doneDays})`),
            ]),
            eb.and([
              eb('status', '=', 'failed'),
              eb('finished_at', '<', sql<Date>`now() - make_interval(days => ${failedDays})`),
            ]),
          ]),
        )
        .execute();
    },
  });
}

export async function scheduleMaintenance(db: Kysely<DB>): Promise<void> {
  await schedule(db, 'jobs.cleanup.hourly', jobCleanupJob(db), { doneDays: 7, failedDays: 30 }, 3600);
}
