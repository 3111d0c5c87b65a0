import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/schema.ts';

/**
 * Password attempts are throttled per account and per client address, in the database so that
 * every instance sees the same counts. Each attempt is counted atomically *before* its password
 * is checked, so parallel guesses cannot slip through between check and count. A few attempts
 * are free; after that each one doubles the wait, up to 15 minutes. An account's count runs until
 * a successful sign-in or a quiet day, and at 100 consecutive failures (NIST SP 800-63B 5.2.2)
 * the account stays blocked until its password is reset or an administrator unlocks it. Keys are
 * digests; the account key is derived from the e-mail as typed, so unknown accounts are throttled
 * exactly like known ones, and one account's throttle never touches another's. The address limit
 * is far higher (one client trying many accounts); IPv6 clients count per /64, which one
 * subscriber usually holds whole.
 */
const POLICY = {
  account: { free: 5, quietMs: 24 * 3600_000, hardCap: 100 },
  /** Codes of the second factor, per user: a kind of its own, so no e-mail typed at sign-in can name it. */
  mfa: { free: 5, quietMs: 24 * 3600_000, hardCap: 100 },
  ip: { free: 30, quietMs: 15 * 60_000, hardCap: Number.POSITIVE_INFINITY },
  /**
   * Passkey and single-sign-on ceremonies per client address: anyone may start one, and each start stores a
   * challenge or a flow and each refused answer an audit event. A bucket of its own, so that abandoned
   * ceremonies behind a company's NAT never block password sign-ins.
   */
  ceremony: { free: 60, quietMs: 15 * 60_000, hardCap: Number.POSITIVE_INFINITY },
} as const;
const MAX_DELAY_MS = 15 * 60_000;
const FOREVER_MS = 100 * 365 * 24 * 3600_000;

export type ThrottleKind = keyof typeof POLICY;

export function throttleKey(kind: ThrottleKind, value: string): string {
  const normalized =
    kind === 'ip' || kind === 'ceremony' ? ipPrefix(value) : value.normalize('NFKC').trim().toLowerCase();
  return createHash('sha256').update(`${kind}:${normalized}`).digest('hex');
}

/**
 * Counts one attempt. Returns 0 when the caller may check the password now, or how many
 * milliseconds to wait (the attempt is then not counted).
 */
export async function reserveAttempt(db: Kysely<DB>, kind: ThrottleKind, key: string, now: Date): Promise<number> {
  const p = POLICY[kind];
  const quietBefore = new Date(now.getTime() - p.quietMs);
  const next = sql<number>`case when login_throttle.last_attempt_at < ${quietBefore} then 1 else login_throttle.failures + 1 end`;
  const row = await db
    .insertInto('login_throttle')
    .values({ key, failures: 1, last_attempt_at: now, blocked_until: blockedUntil(1, kind, now) })
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet({
          failures: next,
          last_attempt_at: now,
          blocked_until: sql<Date | null>`case
            when ${next} >= ${Number.isFinite(p.hardCap) ? p.hardCap : 2_147_483_647} then ${new Date(now.getTime() + FOREVER_MS)}
            when ${next} > ${p.free} then ${now}::timestamptz + make_interval(secs => least(power(2, ${next} - ${p.free} - 1), ${MAX_DELAY_MS / 1000}))
            else null end`,
        })
        .where((eb) =>
          eb.or([eb('login_throttle.blocked_until', 'is', null), eb('login_throttle.blocked_until', '<=', now)]),
        ),
    )
    .returning('failures')
    .executeTakeFirst();
  if (row !== undefined) return 0;
  const blocked = await db
    .selectFrom('login_throttle')
    .select('blocked_until')
    .where('key', '=', key)
    .executeTakeFirst();
  return Math.max(1, (blocked?.blocked_until?.getTime() ?? now.getTime()) - now.getTime());
}

function blockedUntil(failures: number, kind: ThrottleKind, now: Date): Date | null {
  const over = failures - POLICY[kind].free;
  return over > 0 ? new Date(now.getTime() + Math.min(1000 * 2 ** (over - 1), MAX_DELAY_MS)) : null;
}

/** A successful sign-in ends the account's count. */
export async function clearAttempts(db: Kysely<DB>, key: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', key).execute();
}

/** A success from an address takes back the attempt it reserved there. */
export async function forgiveAttempt(db: Kysely<DB>, key: string): Promise<void> {
  await db
    .updateTable('login_throttle')
    .set({ failures: sql<number>`greatest(failures - 1, 0)` })
    .where('key', '=', key)
    .execute();
}

/**
 * The /64 network of an IPv6 address, or a wider one (`bits`, a multiple of 16: 48 for a site);
 * IPv4 and IPv4-mapped addresses stay whole.
 */
export function ipPrefix(ip: string, bits: 16 | 32 | 48 | 64 = 64): string {
  if (!isIPv6(ip)) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, bits / 16)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/${bits}`;
}
