import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { DB } from '../platform/db/schema.ts';
import { defineJob } from '../platform/jobs/definitions.ts';
import { schedule } from '../platform/jobs/queue.ts';
import { reindexSearch } from './reindex.ts';
import type { SearchSources } from './sources.ts';

/** A run stops after two minutes, well inside the job's five-minute lease; the next run goes on. */
const BUDGET_MS = 120_000;

export function reindexSearchJob(db: Kysely<DB>, keys: KeyRing, sources: SearchSources, log: Logger) {
  return defineJob({
    type: 'search.reindex',
    version: 1,
    schema: z.strictObject({}),
    maxAttempts: 3,
    handler: async () => {
      const result = await reindexSearch(db, keys, sources, { budgetMs: BUDGET_MS });
      if (result.reindexed > 0 || result.removed > 0) {
        log.info(
          { reindexed: result.reindexed, removed: result.removed, complete: result.complete },
          'search tokens re-indexed under the current search key',
        );
      }
      if (result.unreadable > 0) {
        log.warn(
          { unreadable: result.unreadable },
          'search entries whose sealed text could not be opened (tampered with?) were removed instead of re-indexed',
        );
      }
      for (const [objectType, rows] of Object.entries(result.unsourced)) {
        log.warn(
          { objectType, rows },
          'search tokens of an object type without a source cannot be re-indexed: the older search key stays',
        );
      }
    },
  });
}

/**
 * Every minute: a single small query while no rotation runs; after `npm run keys:rotate-search`
 * the servers take up the re-indexing within a minute.
 */
export async function scheduleSearchReindex(
  db: Kysely<DB>,
  keys: KeyRing,
  sources: SearchSources,
  log: Logger,
): Promise<void> {
  await schedule(db, 'search.reindex.minutely', reindexSearchJob(db, keys, sources, log), {}, 60);
}
