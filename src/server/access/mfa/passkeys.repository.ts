import { type Kysely, sql } from 'kysely';
import type { DB, WebauthnChallengeTable } from '../../platform/db/schema.ts';

export interface NewPasskey {
  readonly userId: string;
  readonly credentialId: string;
  readonly publicKey: Uint8Array;
  readonly counter: number;
  readonly transports: readonly string[];
  /** The id the passkey gets: its sealed name is bound to it. */
  readonly id: string;
  readonly nameSealed: Buffer;
  readonly backedUp: boolean;
}

/** Passkeys and the single-use challenges of their ceremonies. Only ever the actor's own passkeys. */
export const passkeysRepository = {
  listOfUser(db: Kysely<DB>, userId: string) {
    return db.selectFrom('mfa_passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at').execute();
  },

  /** The passkey a response names, whoever it belongs to (a sign-in with a passkey alone). */
  byCredentialId(db: Kysely<DB>, credentialId: string) {
    return db.selectFrom('mfa_passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
  },

  /** Adds the passkey; undefined when its credential id is registered already (to anyone). */
  async add(db: Kysely<DB>, p: NewPasskey, now: Date): Promise<string | undefined> {
    const { id } = p;
    const row = await db
      .insertInto('mfa_passkeys')
      .values({
        id,
        user_id: p.userId,
        credential_id: p.credentialId,
        public_key: p.publicKey,
        counter: String(p.counter),
        transports: [...p.transports],
        name: null,
        name_sealed: p.nameSealed,
        backed_up: p.backedUp,
        created_at: now,
        last_used_at: null,
      })
      .onConflict((oc) => oc.column('credential_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id;
  },

  /**
   * Records a use, if the counter has not moved meanwhile (two answers of one ceremony racing, or a
   * cloned authenticator): false when it has.
   */
  async recordUse(db: Kysely<DB>, id: string, seenCounter: string, newCounter: number, now: Date): Promise<boolean> {
    const r = await db
      .updateTable('mfa_passkeys')
      .set({ counter: String(newCounter), last_used_at: now })
      .where('id', '=', id)
      .where('counter', '=', seenCounter)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  },

  async remove(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
    const r = await db.deleteFrom('mfa_passkeys').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return r.numDeletedRows > 0n;
  },

  async removeAllOfUser(db: Kysely<DB>, userId: string): Promise<void> {
    await db.deleteFrom('mfa_passkeys').where('user_id', '=', userId).execute();
  },

  async countOfUser(db: Kysely<DB>, userId: string): Promise<number> {
    const row = await db
      .selectFrom('mfa_passkeys')
      .select(sql<string>`count(*)`.as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  /** A session holds one challenge per purpose: asking again replaces it, so no session can pile them up. */
  async saveChallenge(
    db: Kysely<DB>,
    challenge: string,
    purpose: WebauthnChallengeTable['purpose'],
    sessionId: string | null,
    expiresAt: Date,
  ): Promise<void> {
    if (sessionId !== null) {
      await db
        .deleteFrom('webauthn_challenges')
        .where('session_id', '=', sessionId)
        .where('purpose', '=', purpose)
        .execute();
    }
    await db
      .insertInto('webauthn_challenges')
      .values({ challenge, purpose, session_id: sessionId, expires_at: expiresAt })
      .execute();
  },

  /**
   * Spends a challenge: true only once, for the purpose and session it was handed out for, before
   * it expires. A second answer to the same challenge (a replay) finds nothing.
   */
  async spendChallenge(
    db: Kysely<DB>,
    challenge: string,
    purpose: WebauthnChallengeTable['purpose'],
    sessionId: string | null,
    now: Date,
  ): Promise<boolean> {
    const r = await db
      .deleteFrom('webauthn_challenges')
      .where('challenge', '=', challenge)
      .where('purpose', '=', purpose)
      .where((eb) => (sessionId === null ? eb('session_id', 'is', null) : eb('session_id', '=', sessionId)))
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  },

  async deleteExpiredChallenges(db: Kysely<DB>, now: Date): Promise<void> {
    await db.deleteFrom('webauthn_challenges').where('expires_at', '<', now).execute();
  },
};
