import { type Kysely, sql } from 'kysely';
import { type KeyProvider, KeyProviderError } from '../platform/crypto/key-provider.ts';
import { contextOf } from '../platform/crypto/key-ring.ts';
import type { DB } from '../platform/db/schema.ts';

/**
 * Re-wraps every data key not yet under the current master version (docs/security.md, rotation).
 * Online and resumable: each batch is one UPDATE that applies to a row only if it still holds the
 * very wrapped key it was read with (a key shredded, or re-wrapped by a report joining its case,
 * meanwhile is left alone), so the command can run beside servers, be stopped at any point and
 * run again. Keys that cannot be unwrapped are counted and listed, not retried in the same run.
 */
export interface RotationOptions {
  readonly batchSize?: number;
  /** Unwrap calls in flight at once (KMS answers in milliseconds; the local provider in microseconds). */
  readonly concurrency?: number;
  readonly onBatch?: (progress: { readonly rewrapped: number; readonly failed: number }) => void;
}

export interface RotationResult {
  readonly masterVersion: number;
  readonly rewrapped: number;
  /** Ids of keys that could not be unwrapped (their master version destroyed, or tampered). */
  readonly failed: readonly { readonly id: string; readonly problem: string }[];
}

interface Rewrap {
  readonly id: string;
  readonly wrapped: Buffer;
  readonly masterVersion: number;
  readonly old: Buffer;
}

export async function rewrapAll(
  db: Kysely<DB>,
  provider: KeyProvider,
  options: RotationOptions = {},
): Promise<RotationResult> {
  const batchSize = options.batchSize ?? 1000;
  const concurrency = options.concurrency ?? (provider.name === 'local' ? 1 : 16);
  const current = provider.currentVersion();
  const failed: { id: string; problem: string }[] = [];
  let rewrapped = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await db
      .selectFrom('data_keys')
      .select(['id', 'purpose', 'owner_id', 'case_id', 'wrapped', 'master_version'])
      .where('master_version', '<>', current)
      .where('id', '>', after)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) break;
    after = rows[rows.length - 1]?.id ?? after;
    const done: Rewrap[] = [];
    for (let i = 0; i < rows.length; i += concurrency) {
      await Promise.all(
        rows.slice(i, i + concurrency).map(async (row) => {
          const context = contextOf(row);
          try {
            const old = Buffer.from(row.wrapped);
            const next = await provider.rewrap(old, context, context);
            done.push({ id: row.id, ...next, old });
          } catch (error) {
            if (!(error instanceof KeyProviderError) || error.problem === 'unavailable') throw error;
            failed.push({ id: row.id, problem: error.problem });
          }
        }),
      );
    }
    rewrapped += await store(db, done);
    options.onBatch?.({ rewrapped, failed: failed.length });
  }
  return { masterVersion: current, rewrapped, failed };
}

async function store(db: Kysely<DB>, done: readonly Rewrap[]): Promise<number> {
  if (done.length === 0) return 0;
  const values = sql.join(
    done.map((r) => sql`(${r.id}::uuid, ${r.wrapped}::bytea, ${r.masterVersion}::integer, ${r.old}::bytea)`),
  );
  const result = await sql`
    update data_keys as d set wrapped = v.wrapped, master_version = v.master_version
    from (values ${values}) as v (id, wrapped, master_version, old_wrapped)
    where d.id = v.id and d.wrapped = v.old_wrapped`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
