import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { KeyRing } from '../../platform/crypto/key-ring.ts';
import type { DB } from '../../platform/db/schema.ts';
import { defineJob } from '../../platform/jobs/definitions.ts';
import { schedule } from '../../platform/jobs/queue.ts';
import { sealPasskeyName } from './passkey-names.ts';
import { sealTotpSecret } from './totp-secrets.ts';

/**
 * Seals the TOTP secrets stored in plaintext before sealing existed (migration 0008), in batches,
 * and clears the plaintext. Each row is updated only if its plaintext is still the one sealed, so
 * the job may run beside sign-ins and on several instances at once, and again after a crash.
 */
export async function sealLegacyTotpSecrets(db: Kysely<DB>, keys: KeyRing, batch = 100): Promise<number> {
  let sealed = 0;
  for (;;) {
    const rows = await db
      .selectFrom('mfa_totp')
      .select(['user_id', 'secret'])
      .where('secret', 'is not', null)
      .limit(batch)
      .execute();
    if (rows.length === 0) return sealed;
    for (const { user_id: userId, secret } of rows) {
      if (secret === null) continue;
      const r = await db
        .updateTable('mfa_totp')
        .set({ secret: null, secret_sealed: await sealTotpSecret(keys, userId, 'secret', secret) })
        .where('user_id', '=', userId)
        .where('secret', '=', secret)
        .executeTakeFirst();
      sealed += Number(r.numUpdatedRows);
    }
  }
}

/** The same for the names of passkeys (migration 0009). */
export async function sealLegacyPasskeyNames(db: Kysely<DB>, keys: KeyRing, batch = 100): Promise<number> {
  let sealed = 0;
  for (;;) {
    const rows = await db
      .selectFrom('mfa_passkeys')
      .select(['id', 'name'])
      .where('name', 'is not', null)
      .limit(batch)
      .execute();
    if (rows.length === 0) return sealed;
    for (const { id, name } of rows) {
      if (name === null) continue;
      const r = await db
        .updateTable('mfa_passkeys')
        .set({ name: null, name_sealed: await sealPasskeyName(keys, id, name) })
        .where('id', '=', id)
        .where('name', '=', name)
        .executeTakeFirst();
      sealed += Number(r.numUpdatedRows);
    }
  }
}

export function sealLegacyTotpJob(db: Kysely<DB>, keys: KeyRing) {
  return defineJob({
    type: 'mfa.seal_legacy',
    version: 1,
    schema: z.strictObject({}),
    maxAttempts: 3,
    handler: async () => {
      await sealLegacyTotpSecrets(db, keys);
      await sealLegacyPasskeyNames(db, keys);
    },
  });
}

/** Hourly: cheap when nothing is left, and it catches rows an older instance wrote during a rolling upgrade. */
export async function scheduleLegacySealing(db: Kysely<DB>, keys: KeyRing): Promise<void> {
  await schedule(db, 'mfa.seal_legacy.hourly', sealLegacyTotpJob(db, keys), {}, 3600);
}
