import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/schema.ts';

/**
 * Sign-in throttling, per account and per client address, in the database so that every
 * instance sees the same counts. A few failures are free; after that each failure doubles the
 * wait, up to 15 minutes. Keys are digests, and the account key is derived from the e-mail as
 * typed, so unknown accounts are throttled exactly like known ones. One account's throttle
 * never touches another's; the address limit is far higher, for one client trying many accounts.
 */
const WINDOW_MS = 15 * 60_000;
const MAX_DELAY_MS = 15 * 60_000;
const FREE = { account: 5, ip: 30 } as const;

export type ThrottleKind = keyof typeof FREE;

export function throttleKey(kind: ThrottleKind, value: string): string {
  return createHash('sha256')
    .update(`${kind}:${value.normalize('NFKC').toLowerCase()}`)
    .digest('hex');
}

/** Milliseconds until another attempt is allowed for any of the keys, or 0. */
export async function retryAfterMs(db: Kysely<DB>, keys: readonly string[], now: Date): Promise<number> {
  const rows = await db.selectFrom('login_throttle').select('blocked_until').where('key', 'in', keys).execute();
  const until = Math.max(0, ...rows.map((r) => r.blocked_until?.getTime() ?? 0));
  return Math.max(0, until - now.getTime());
}

export async function recordFailure(db: Kysely<DB>, kind: ThrottleKind, key: string, now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - WINDOW_MS);
  const row = await db
    .insertInto('login_throttle')
    .values({ key, failures: 1, window_started_at: now, blocked_until: null })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        // A failure after a quiet window starts a new count.
        failures: sql<number>`case when login_throttle.window_started_at < ${windowStart} then 1 else login_throttle.failures + 1 end`,
        window_started_at: sql<Date>`case when login_throttle.window_started_at < ${windowStart} then ${now} else login_throttle.window_started_at end`,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  const over = row.failures - FREE[kind];
  if (over > 0) {
    const delay = Math.min(1000 * 2 ** (over - 1), MAX_DELAY_MS);
    await db
      .updateTable('login_throttle')
      .set({ blocked_until: new Date(now.getTime() + delay) })
      .where('key', '=', key)
      .execute();
  }
}

export async function clearFailures(db: Kysely<DB>, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}
