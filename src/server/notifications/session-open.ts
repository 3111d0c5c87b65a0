import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';

/**
 * Whether a session still holds, read without touching it: not ended, within both of its
 * timeouts, its account active and in the role it had. A stream kept open asks this at every beat,
 * so a sign-out, a timeout, a lock or a change of role ends it within one.
 */
export async function sessionOpen(
  db: Kysely<DB>,
  session: { readonly id: string; readonly role: string },
  now: Date,
  idleSeconds: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .select(['s.ended_at', 's.expires_at', 's.last_seen_at', 'u.status', 'u.role'])
    .where('s.id', '=', session.id)
    .executeTakeFirst();
  return (
    row !== undefined &&
    row.ended_at === null &&
    row.expires_at > now &&
    row.last_seen_at.getTime() + idleSeconds * 1000 > now.getTime() &&
    row.status === 'active' &&
    row.role === session.role
  );
}
