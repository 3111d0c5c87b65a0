import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { recoveryCodeHash } from './recovery-codes.ts';

/** Only ever the signed-in user's own factors: every function takes the actor's user id. */
export const mfaRepository = {
  /**
   * Serialises changes of one user's factors (recovery codes replaced at once would both stay; two passkeys
   * removed at once could leave none): the user's row, which exists whatever factors there are.
   */
  async lockUser(tx: Kysely<DB>, userId: string): Promise<void> {
    await tx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
  },

  totp(db: Kysely<DB>, userId: string) {
    return db.selectFrom('mfa_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
  },

  /** Starts (or restarts) an enrolment with its sealed secret; a confirmed secret stays in force until the new one is confirmed. */
  async startEnrolment(db: Kysely<DB>, userId: string, pendingSealed: Buffer, expiresAt: Date): Promise<void> {
    const pending = { pending_secret: null, pending_secret_sealed: pendingSealed, pending_expires_at: expiresAt };
    await db
      .insertInto('mfa_totp')
      .values({ user_id: userId, ...pending })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(pending))
      .execute();
  },

  /**
   * Makes the pending secret the user's (sealed anew for its column), if the pending one is still the
   * one the code was checked against (a second enrolment racing this one replaced it otherwise), with
   * the code's step as used.
   */
  async confirmEnrolment(
    db: Kysely<DB>,
    userId: string,
    pendingSealed: Uint8Array,
    secretSealed: Buffer,
    step: number,
    now: Date,
  ): Promise<boolean> {
    const r = await db
      .updateTable('mfa_totp')
      .set({
        secret: null,
        secret_sealed: secretSealed,
        confirmed_at: now,
        last_step: String(step),
        pending_secret: null,
        pending_secret_sealed: null,
        pending_expires_at: null,
      })
      .where('user_id', '=', userId)
      .where('pending_secret_sealed', '=', pendingSealed)
      .where('pending_expires_at', '>', now)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  },

  /** Records the step of an accepted code, atomically: false when it (or a later one) was used already. */
  async spendStep(db: Kysely<DB>, userId: string, step: number): Promise<boolean> {
    const r = await db
      .updateTable('mfa_totp')
      .set({ last_step: String(step) })
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is not', null)
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', String(step))]))
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  },

  /** An authenticator app or a passkey: the factors a recovery code stands in for. */
  async hasSecondFactor(db: Kysely<DB>, userId: string): Promise<boolean> {
    const row = await db
      .selectNoFrom((eb) => [
        eb
          .or([
            eb.exists(
              eb
                .selectFrom('mfa_totp')
                .select('user_id')
                .where('user_id', '=', userId)
                .where('confirmed_at', 'is not', null),
            ),
            eb.exists(eb.selectFrom('mfa_passkeys').select('user_id').where('user_id', '=', userId)),
          ])
          .as('yes'),
      ])
      .executeTakeFirstOrThrow();
    return row.yes === true;
  },

  /** Removes the user's app, passkeys and recovery codes (an approved reset): they set up anew at the next sign-in. */
  async removeAll(db: Kysely<DB>, userId: string): Promise<void> {
    await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
    await db.deleteFrom('mfa_passkeys').where('user_id', '=', userId).execute();
    await db.deleteFrom('mfa_totp').where('user_id', '=', userId).execute();
  },

  /** Replaces every recovery code of the user with new ones (their digests). */
  async replaceRecoveryCodes(db: Kysely<DB>, userId: string, codes: readonly string[], now: Date): Promise<void> {
    await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute();
    await db
      .insertInto('mfa_recovery_codes')
      .values(
        codes.map((c) => ({
          id: randomUUID(),
          user_id: userId,
          code_hash: recoveryCodeHash(userId, c),
          created_at: now,
        })),
      )
      .execute();
  },

  /** Spends a recovery code, atomically: false when it is unknown or was used. */
  async spendRecoveryCode(db: Kysely<DB>, userId: string, code: string, now: Date): Promise<boolean> {
    const r = await db
      .updateTable('mfa_recovery_codes')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('code_hash', '=', recoveryCodeHash(userId, code))
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  },

  async recoveryCodesLeft(db: Kysely<DB>, userId: string): Promise<number> {
    const row = await db
      .selectFrom('mfa_recovery_codes')
      .select(sql<string>`count(*)`.as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },
};
