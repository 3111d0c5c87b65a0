import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { DB } from '../platform/db/schema.ts';
import { defineJob } from '../platform/jobs/definitions.ts';
import { schedule } from '../platform/jobs/queue.ts';
import { sealIdentity } from './identity.ts';

/**
 * Seals the addresses and names of accounts stored in plaintext before migration 0010, in
 * batches, and clears the plaintext. A row is updated only if its plaintext is still what was
 * sealed, so the job may run beside sign-ins, on several instances, and again after a crash.
 */
export async function sealLegacyIdentities(db: Kysely<DB>, keys: KeyRing, batch = 100, log?: Logger): Promise<number> {
  let sealed = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await db
      .selectFrom('users')
      .select(['id', 'email', 'display_name'])
      .where((eb) => eb.or([eb('email', 'is not', null), eb('display_name', 'is not', null)]))
      .where('id', '>', after)
      .orderBy('id')
      .limit(batch)
      .execute();
    if (rows.length === 0) return sealed;
    after = rows[rows.length - 1]?.id ?? after;
    for (const { id, email, display_name: displayName } of rows) {
      try {
        const r = await db
          .updateTable('users')
          .set({
            email: null,
            display_name: null,
            ...(await sealIdentity(keys, id, { email: email ?? '', displayName: displayName ?? '' })),
          })
          .where('id', '=', id)
          .where((eb) =>
            eb.and([
              email === null ? eb('email', 'is', null) : eb('email', '=', email),
              displayName === null ? eb('display_name', 'is', null) : eb('display_name', '=', displayName),
            ]),
          )
          .executeTakeFirst();
        sealed += Number(r.numUpdatedRows);
      } catch (error) {
        // An older instance made a second account with an address already sealed (a rolling upgrade):
        // the unique blind index refuses it. It stays in plaintext, named in the log, for an administrator.
        if (!isUniqueViolation(error)) throw error;
        log?.warn({ user: id }, 'an account from before sealing shares its address with another; not sealed');
      }
    }
  }
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

export function sealLegacyIdentitiesJob(db: Kysely<DB>, keys: KeyRing, log: Logger) {
  return defineJob({
    type: 'accounts.seal_legacy',
    version: 1,
    schema: z.strictObject({}),
    maxAttempts: 3,
    handler: async () => {
      await sealLegacyIdentities(db, keys, 100, log);
    },
  });
}

/** Hourly: cheap when nothing is left, and it catches rows an older instance wrote during a rolling upgrade. */
export async function scheduleIdentitySealing(db: Kysely<DB>, keys: KeyRing, log: Logger): Promise<void> {
  await schedule(db, 'accounts.seal_legacy.hourly', sealLegacyIdentitiesJob(db, keys, log), {}, 3600);
}
