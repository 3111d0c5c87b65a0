import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { KeyProvider } from '../platform/crypto/key-provider.ts';
import { LocalKeyProvider } from '../platform/crypto/local-key-provider.ts';
import type { DB } from '../platform/db/schema.ts';
import { defineJob } from '../platform/jobs/definitions.ts';
import { schedule } from '../platform/jobs/queue.ts';
import { destroyExpiredEpochs } from './epochs.ts';

/**
 * Daily: destroys the retired master versions of the local provider whose backup window has
 * passed (epochs.ts). With AWS KMS the operator schedules the deletion of a retired KMS key in
 * KMS itself (docs/security.md); keys:status says when it may go.
 */
export function destroyEpochsJob(db: Kysely<DB>, provider: KeyProvider, windowDays: number, log: Logger) {
  return defineJob({
    type: 'keys.destroy_expired_epochs',
    version: 1,
    schema: z.strictObject({}),
    maxAttempts: 3,
    handler: async () => {
      if (!(provider instanceof LocalKeyProvider)) return;
      const result = await destroyExpiredEpochs(db, provider, windowDays, new Date());
      for (const version of result.destroyed)
        log.info({ version }, 'master key version destroyed (backup window passed)');
      for (const b of result.blocked) {
        log.warn(b, 'a retired master version past its backup window still wraps data keys: run npm run keys:rotate');
      }
    },
  });
}

export async function scheduleEpochDestruction(
  db: Kysely<DB>,
  provider: KeyProvider,
  windowDays: number,
  log: Logger,
): Promise<void> {
  await schedule(db, 'keys.destroy_expired_epochs.daily', destroyEpochsJob(db, provider, windowDays, log), {}, 86_400);
}
