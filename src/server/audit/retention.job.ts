import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/db/database.ts';
import type { DB } from '../platform/db/schema.ts';
import { defineJob } from '../platform/jobs/definitions.ts';
import { schedule } from '../platform/jobs/queue.ts';
import type { CheckpointSigner } from './checkpoints.ts';
import { cutTrail } from './retention.ts';

export interface RetentionDeps {
  readonly database: Database;
  /** The schema owner's URL on PostgreSQL: only the owner may delete audit rows. */
  readonly ownerUrl: string | undefined;
  readonly signer: CheckpointSigner;
  readonly auditDir: string;
  readonly clock: Clock;
  readonly log: Logger;
}

/** Once a day: cut the trail before now minus keepDays (null: keep everything). */
export function auditRetentionJob(deps: RetentionDeps) {
  return defineJob({
    type: 'audit.retention',
    version: 1,
    schema: z.strictObject({ keepDays: z.number().int().min(1).nullable() }),
    maxAttempts: 3,
    handler: async ({ keepDays }) => {
      if (keepDays === null) return;
      const now = deps.clock.now();
      const before = new Date(now.getTime() - keepDays * 86_400_000);
      await asOwner(deps, (owner) => cutTrail(owner, deps.signer, deps.auditDir, deps.log, before, now));
    },
  });
}

async function asOwner<T>(deps: RetentionDeps, fn: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  if (deps.ownerUrl === undefined) return fn(deps.database.db);
  const owner = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: deps.ownerUrl, max: 1 }) }),
  });
  try {
    return await fn(owner);
  } finally {
    await owner.destroy();
  }
}

export async function scheduleAuditRetention(
  db: Kysely<DB>,
  deps: RetentionDeps,
  keepDays: number | undefined,
): Promise<void> {
  await schedule(db, 'audit.retention.daily', auditRetentionJob(deps), { keepDays: keepDays ?? null }, 86_400);
}
