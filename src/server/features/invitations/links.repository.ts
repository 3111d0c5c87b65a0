import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { OneTimeLink } from '../../../contract/accounts.ts';
import { newToken, tokenHash } from '../../access/sessions/tokens.ts';
import type { DB } from '../../platform/db/schema.ts';

export type LinkPurpose = 'invite' | 'reset';

const TTL_MS: Record<LinkPurpose, number> = { invite: 7 * 24 * 3600_000, reset: 24 * 3600_000 };

/**
 * One-time links for setting a password. The token lives only in the link (in its fragment, so
 * it reaches neither server logs nor Referer headers); the database keeps its digest. A new
 * link for a user voids the user's older open links.
 */
export const linksRepository = {
  async create(
    db: Kysely<DB>,
    userId: string,
    purpose: LinkPurpose,
    createdBy: string | null,
    now: Date,
    publicOrigin: string,
  ): Promise<OneTimeLink> {
    await db
      .updateTable('one_time_links')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute();
    const token = newToken();
    const expiresAt = new Date(now.getTime() + TTL_MS[purpose]);
    await db
      .insertInto('one_time_links')
      .values({
        id: randomUUID(),
        token_hash: tokenHash(token),
        user_id: userId,
        purpose,
        created_by: createdBy,
        created_at: now,
        expires_at: expiresAt,
        used_at: null,
      })
      .execute();
    return { url: `${publicOrigin}/${purpose}#${token}`, expiresAt: expiresAt.toISOString() };
  },

  findByToken: (db: Kysely<DB>, token: string) =>
    db
      .selectFrom('one_time_links')
      .select(['id', 'user_id', 'purpose', 'expires_at', 'used_at'])
      .where('token_hash', '=', tokenHash(token))
      .executeTakeFirst(),

  /** True if this call used the link; false if someone else used it first. */
  async use(db: Kysely<DB>, id: string, now: Date): Promise<boolean> {
    const r = await db
      .updateTable('one_time_links')
      .set({ used_at: now })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  },

  async voidForUser(db: Kysely<DB>, userId: string, now: Date): Promise<void> {
    await db
      .updateTable('one_time_links')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute();
  },
};
