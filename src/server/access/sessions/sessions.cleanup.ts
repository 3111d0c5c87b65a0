import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../platform/db/schema.ts';
import { defineJob } from '../../platform/jobs/definitions.ts';
import { schedule } from '../../platform/jobs/queue.ts';

/**
 * Ended and expired sessions, spent or expired one-time links and old throttle counters are kept
 * for a while (a session list, an investigation), then removed. The security events about them
 * stay: they are the record.
 */
export function accountsCleanupJob(db: Kysely<DB>) {
  return defineJob({
    type: 'accounts.cleanup',
    version: 1,
    schema: z.strictObject({ keepDays: z.number().int().min(1) }),
    maxAttempts: 3,
    handler: async ({ keepDays }) => {
      const before = sql<Date>`now() - make_interval(days => ${keepDays})`;
      await db
        .deleteFrom('sessions')
        .where((eb) => eb.or([eb('ended_at', '<', before), eb('expires_at', '<', before)]))
        .execute();
      // Ceremonies and single-sign-on flows nobody finished: useless once expired.
      await db.deleteFrom('webauthn_challenges').where('expires_at', '<', sql<Date>`now()`).execute();
      await db.deleteFrom('sso_flows').where('expires_at', '<', sql<Date>`now()`).execute();
      await db
        .deleteFrom('one_time_links')
        .where((eb) => eb.or([eb('used_at', '<', before), eb('expires_at', '<', before)]))
        .execute();
      // A block after 100 failures stays until a reset or an unlock, however old.
      await db
        .deleteFrom('login_throttle')
        .where('last_attempt_at', '<', before)
        .where((eb) => eb.or([eb('blocked_until', 'is', null), eb('blocked_until', '<', sql<Date>`now()`)]))
        .execute();
    },
  });
}

export async function scheduleAccountsCleanup(db: Kysely<DB>): Promise<void> {
  await schedule(db, 'accounts.cleanup.hourly', accountsCleanupJob(db), { keepDays: 30 }, 3600);
}
