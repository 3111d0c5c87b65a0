import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { DB } from '../../platform/db/schema.ts';
import { newToken, tokenHash } from './tokens.ts';

export type EndReason =
  | 'signed_out'
  | 'mfa_completed'
  | 'revoked'
  | 'idle_timeout'
  | 'absolute_timeout'
  | 'password_changed'
  | 'account_changed';

export interface SessionWithUser {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  step_up_at: Date | null;
  ended_at: Date | null;
  end_reason: string | null;
  role: string;
  status: string;
  email: string | null;
  display_name: string | null;
  email_sealed: Uint8Array | null;
  display_name_sealed: Uint8Array | null;
  expertise: string | null;
  mfa_at: Date | null;
  /** An authenticator app or a passkey. */
  has_second_factor: boolean;
}

/** Exported for the benchmarks' floors (bench/cases-floor.ts), which issue the same statement. */
export const SESSIONS_BY_TOKEN_HASHES = `
  select s.id, s.token_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, s.step_up_at, s.ended_at, s.end_reason,
         u.role, u.status, u.email, u.display_name, u.email_sealed, u.display_name_sealed, u.expertise,
         s.mfa_at,
         (exists (select 1 from mfa_totp t where t.user_id = s.user_id and t.confirmed_at is not null)
          or exists (select 1 from mfa_passkeys p where p.user_id = s.user_id)) as has_second_factor
  from sessions s join users u on u.id = s.user_id
  where s.token_hash = any($1::text[])`;

export const sessionsRepository = {
  /** `freshProof: false`: the sign-in proved nothing just now (single sign-on riding on an older session at the provider). */
  async create(
    db: Kysely<DB>,
    userId: string,
    now: Date,
    absoluteSeconds: number,
    userAgent: string | undefined,
    freshProof = true,
  ) {
    const token = newToken();
    const id = randomUUID();
    await db
      .insertInto('sessions')
      .values({
        id,
        token_hash: tokenHash(token),
        user_id: userId,
        created_at: now,
        last_seen_at: now,
        expires_at: new Date(now.getTime() + absoluteSeconds * 1000),
        // Signing in with the password (or a passkey) is a fresh authentication: it counts as a step-up.
        step_up_at: freshProof ? now : null,
        user_agent: userAgent?.slice(0, 300) ?? null,
        ended_at: null,
        end_reason: null,
      })
      .execute();
    return { id, token };
  },

  /**
   * The lookup of every signed-in request, for the requests that arrived together (see
   * session-lookup.ts): a prepared statement (see Database.prepared).
   */
  findByTokenHashes(database: Database, hashes: readonly string[]): Promise<SessionWithUser[]> {
    return database.prepared<SessionWithUser>('tma_sessions_by_token_hashes_v3', SESSIONS_BY_TOKEN_HASHES, [hashes]);
  },

  async touch(db: Kysely<DB>, id: string, now: Date): Promise<void> {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now })
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .execute();
  },

  /** The second factor was given in this session. */
  /** The second factor given; it counts as a step-up unless it was asserted by a provider's older session. */
  async completeMfa(db: Kysely<DB>, id: string, now: Date, freshProof = true): Promise<void> {
    await db
      .updateTable('sessions')
      .set(freshProof ? { mfa_at: now, step_up_at: now } : { mfa_at: now })
      .where('id', '=', id)
      .execute();
  },

  async stepUp(db: Kysely<DB>, id: string, now: Date): Promise<void> {
    await db.updateTable('sessions').set({ step_up_at: now }).where('id', '=', id).execute();
  },

  async end(db: Kysely<DB>, id: string, reason: EndReason, now: Date): Promise<boolean> {
    const r = await db
      .updateTable('sessions')
      .set({ ended_at: now, end_reason: reason })
      .where('id', '=', id)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  },

  async endForUser(db: Kysely<DB>, userId: string, id: string, reason: EndReason, now: Date): Promise<boolean> {
    const r = await db
      .updateTable('sessions')
      .set({ ended_at: now, end_reason: reason })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  },

  async endAllOfUser(db: Kysely<DB>, userId: string, reason: EndReason, now: Date): Promise<void> {
    await db
      .updateTable('sessions')
      .set({ ended_at: now, end_reason: reason })
      .where('user_id', '=', userId)
      .where('ended_at', 'is', null)
      .execute();
  },

  listOpen(db: Kysely<DB>, userId: string, now: Date, idleSeconds: number) {
    return db
      .selectFrom('sessions')
      .select(['id', 'created_at', 'last_seen_at', 'user_agent'])
      .where('user_id', '=', userId)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now)
      .where('last_seen_at', '>', new Date(now.getTime() - idleSeconds * 1000))
      .orderBy('last_seen_at', 'desc')
      .execute();
  },
};
