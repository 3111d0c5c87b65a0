import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { DB } from '../platform/db/schema.ts';
import { defineJob } from '../platform/jobs/definitions.ts';
import { schedule } from '../platform/jobs/queue.ts';
import type { BlobStore } from './blobs/blob-store.ts';

/**
 * Removes what crashed uploads leave (docs/documents.md): blobs whose pending record is older than
 * the cut-off (the process died between writing and recording them), blobs in the store that no
 * version and no pending record names, and the store's own leftovers (temp files, unfinished
 * multipart uploads). The cut-off must lie well past the longest upload: a day by default.
 */
export interface SweepResult {
  readonly pending: number;
  readonly unreferenced: number;
  readonly leftovers: number;
}

export async function sweepOrphans(db: Kysely<DB>, store: BlobStore, cutoff: Date): Promise<SweepResult> {
  let pending = 0;
  const stale = await db.selectFrom('blob_uploads').select('blob_name').where('started_at', '<', cutoff).execute();
  for (const { blob_name: name } of stale) {
    await store.delete(name);
    const r = await db
      .deleteFrom('blob_uploads')
      .where('blob_name', '=', name)
      .where('started_at', '<', cutoff)
      .executeTakeFirst();
    pending += Number(r.numDeletedRows);
  }
  let unreferenced = 0;
  for await (const blob of store.list()) {
    if (blob.modifiedAt >= cutoff) continue;
    const known = await db
      .selectFrom('document_versions')
      .select('blob_name')
      .where('blob_name', '=', blob.name)
      .union(db.selectFrom('blob_uploads').select('blob_name').where('blob_name', '=', blob.name))
      .executeTakeFirst();
    if (known !== undefined) continue;
    await store.delete(blob.name);
    unreferenced++;
  }
  const leftovers = await store.sweepPending(cutoff);
  return { pending, unreferenced, leftovers };
}

const DAY_MS = 86_400_000;

export function sweepOrphansJob(db: Kysely<DB>, store: BlobStore, log: Logger, now = () => new Date()) {
  return defineJob({
    type: 'documents.sweep_orphans',
    version: 1,
    schema: z.strictObject({}),
    maxAttempts: 3,
    handler: async () => {
      const result = await sweepOrphans(db, store, new Date(now().getTime() - DAY_MS));
      if (result.pending + result.unreferenced + result.leftovers > 0) log.info(result, 'orphaned upload data removed');
    },
  });
}

/** Hourly. */
export async function scheduleOrphanSweep(db: Kysely<DB>, store: BlobStore, log: Logger): Promise<void> {
  await schedule(db, 'documents.sweep_orphans.hourly', sweepOrphansJob(db, store, log), {}, 3600);
}
