import { type Kysely, sql } from 'kysely';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { DB } from '../platform/db/schema.ts';
import { lockPerson, PersonIndex } from './persons.ts';
import { heldScopes, scopeName } from './scopes.ts';
import { type IndexedText, SearchIndex } from './search-index.ts';
import { SearchKeys, TOKEN_SCHEME } from './search-keys.ts';
import type { SearchSources } from './sources.ts';

/**
 * The re-indexing after a rotation of the search key (search-keys.ts): every entry and person made
 * under an older generation is made again, from its source's plaintext, under the current one, in
 * batches, each batch one transaction holding its rows (entries FOR UPDATE SKIP LOCKED, persons
 * under their advisory lock if free: several instances share the work; an edit of the same text
 * waits, or went first and left nothing to do). An entry whose object, text or scope is gone, or
 * whose text cannot be opened, is removed. When nothing of an older generation remains, it and its
 * key are deleted. Resumable at any point: what is done is under the current generation.
 */
export interface ReindexOptions {
  readonly batchSize?: number;
  /** Stop after this long (a job's lease is longer); the next run goes on. */
  readonly budgetMs?: number;
}

export interface ReindexResult {
  /** Entries and persons made again under the current generation. */
  readonly reindexed: number;
  /** Entries and persons whose object (or text, or scope) no longer exists, removed. */
  readonly removed: number;
  /** Entries and persons whose plaintext could not be opened (tampered with), removed. */
  readonly unreadable: number;
  /** Rows of object types without a source, by type: they keep their generation alive. */
  readonly unsourced: Readonly<Record<string, number>>;
  /** Whether only the current generation is left (older ones retired now or before). */
  readonly complete: boolean;
}

const NO_UUID = '00000000-0000-0000-0000-000000000000';

export async function reindexSearch(
  db: Kysely<DB>,
  keys: KeyRing,
  sources: SearchSources,
  options: ReindexOptions = {},
): Promise<ReindexResult> {
  const batchSize = options.batchSize ?? 200;
  const deadline = performance.now() + (options.budgetMs ?? Number.POSITIVE_INFINITY);
  const searchKeys = new SearchKeys(keys);
  // A release that makes tokens another way re-indexes too (a server's start does this first).
  await searchKeys.renewScheme(db);
  const [current] = await searchKeys.generations(db);
  const tally = { reindexed: 0, removed: 0, unreadable: 0, unsourced: {} as Record<string, number> };
  // The current generation is another release's (a rolling upgrade): that release re-indexes.
  if (current === undefined || current.scheme !== TOKEN_SCHEME) return { ...tally, complete: false };
  const run: Run = {
    tx: db,
    current: current.generation,
    sources,
    index: new SearchIndex(keys),
    persons: new PersonIndex(keys),
    tally,
  };
  // Rows of older generations are looked for even when only one is left: a server of an older
  // release may have written some after the last retirement (a rolling upgrade).
  let afterEntry = '0';
  while (performance.now() < deadline) {
    const seen = await db.transaction().execute((tx) => entriesBatch({ ...run, tx }, afterEntry, batchSize));
    if (seen === undefined) break;
    afterEntry = seen;
  }
  let afterPerson = { type: '', id: NO_UUID };
  while (performance.now() < deadline) {
    const seen = await db.transaction().execute((tx) => personsBatch({ ...run, tx }, afterPerson, batchSize));
    if (seen === undefined) break;
    afterPerson = seen;
  }
  if (performance.now() < deadline) await searchKeys.retire(db);
  // Another instance may have retired them first.
  return { ...tally, complete: (await searchKeys.generations(db)).length === 1 };
}

interface Run {
  readonly tx: Kysely<DB>;
  readonly current: number;
  readonly sources: SearchSources;
  readonly index: SearchIndex;
  readonly persons: PersonIndex;
  readonly tally: { reindexed: number; removed: number; unreadable: number; unsourced: Record<string, number> };
}

const unsourced = (run: Run, type: string, n: number) => {
  run.tally.unsourced[type] = (run.tally.unsourced[type] ?? 0) + n;
};

/**
 * One batch of entries; the id to go on after, or undefined when none is left. The scopes' keys
 * are held before the rows (the order of uploads and of shredding: neither then waits for the
 * other in a circle); a scope whose key is gone was shredded, and its entries go.
 */
async function entriesBatch(run: Run, after: string, batchSize: number): Promise<string | undefined> {
  const { tx, tally } = run;
  const candidates = await tx
    .selectFrom('search_entries')
    .select(['id', 'scope_type', 'scope_id'])
    .where('key_generation', '<', run.current)
    .where('id', '>', sql<string>`${after}::bigint`)
    .orderBy('id')
    .limit(batchSize)
    .execute();
  const last = candidates.at(-1);
  if (last === undefined) return undefined;
  const held = await heldScopes(
    tx,
    candidates.map((c) => ({ type: c.scope_type, id: c.scope_id })),
  );
  const shredded = candidates
    .filter((c) => !held.has(scopeName({ type: c.scope_type, id: c.scope_id })))
    .map((c) => c.id);
  if (shredded.length > 0) {
    await tx.deleteFrom('search_entries').where('id', 'in', shredded).execute();
    tally.removed += shredded.length;
  }
  const kept = candidates.filter((c) => held.has(scopeName({ type: c.scope_type, id: c.scope_id }))).map((c) => c.id);
  if (kept.length === 0) return last.id;
  // Locked now; one another instance holds is its to do, and one written meanwhile is current.
  const rows = await tx
    .selectFrom('search_entries')
    .select(['id', 'object_type', 'object_id', 'field'])
    .where('id', 'in', kept)
    .where('key_generation', '<', run.current)
    .forUpdate()
    .skipLocked()
    .execute();
  const again: IndexedText[] = [];
  const gone: string[] = [];
  for (const [type, ofType] of groupBy(rows, (r) => r.object_type)) {
    const source = run.sources.texts.find((s) => s.objectType === type);
    if (source === undefined) {
      unsourced(run, type, ofType.length);
      continue;
    }
    const texts = await source.texts(tx, [...new Set(ofType.map((r) => r.object_id))]);
    for (const row of ofType) {
      const found = texts.get(row.object_id)?.find((t) => t.field === row.field);
      if (found === undefined || found.text === null) {
        gone.push(row.id);
        if (found === undefined) tally.removed += 1;
        else tally.unreadable += 1;
      } else {
        again.push({
          objectType: type,
          objectId: row.object_id,
          field: row.field,
          scope: found.scope,
          text: found.text,
        });
      }
    }
  }
  if (gone.length > 0) await tx.deleteFrom('search_entries').where('id', 'in', gone).execute();
  // A source may name another scope than the entry had: held too, and left out if it was shredded.
  const sourceScopes = await heldScopes(
    tx,
    again.map((e) => e.scope),
  );
  const indexable = again.filter((e) => sourceScopes.has(scopeName(e.scope)));
  for (const e of again) {
    if (indexable.includes(e)) continue;
    await run.index.remove(tx, e.objectType, e.objectId, e.field);
    tally.removed += 1;
  }
  await run.index.indexMany(tx, indexable);
  tally.reindexed += indexable.length;
  return last.id;
}

/**
 * One batch of persons; where to go on after, or undefined when none is left. Each person is
 * taken under its lock (lockPerson), if free: one another instance or an edit holds is left to
 * them, and picked up by a later run if it is still of an older generation.
 */
async function personsBatch(
  run: Run,
  after: { readonly type: string; readonly id: string },
  batchSize: number,
): Promise<{ type: string; id: string } | undefined> {
  const { tx, tally } = run;
  const candidates = await tx
    .selectFrom('person_tokens')
    .select(['object_type', 'object_id'])
    .distinct()
    .where('key_generation', '<', run.current)
    .where(sql`(object_type, object_id)`, '>', sql`(${after.type}, ${after.id}::uuid)`)
    .orderBy('object_type')
    .orderBy('object_id')
    .limit(batchSize)
    .execute();
  const last = candidates.at(-1);
  if (last === undefined) return undefined;
  for (const [type, ofType] of groupBy(candidates, (r) => r.object_type)) {
    const source = run.sources.persons.find((s) => s.objectType === type);
    if (source === undefined) {
      unsourced(run, type, ofType.length);
      continue;
    }
    const ids: string[] = [];
    for (const { object_id: id } of ofType) if (await lockPerson(tx, type, id, false)) ids.push(id);
    const found = await source.persons(tx, ids);
    const scopes = await heldScopes(
      tx,
      [...found.values()].flatMap((p) => (p === null ? [] : [p.scope])),
    );
    for (const id of ids) {
      const person = found.get(id);
      if (person === undefined || person === null || !scopes.has(scopeName(person.scope))) {
        await run.persons.remove(tx, type, id);
        if (person === null) tally.unreadable += 1;
        else tally.removed += 1;
      } else {
        // Replaces every token of the person.
        await run.persons.index(tx, { objectType: type, objectId: id, ...person });
        tally.reindexed += 1;
      }
    }
  }
  return { type: last.object_type, id: last.object_id };
}
function groupBy<T>(rows: readonly T[], keyOf: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(keyOf(row)) ?? [];
    group.push(row);
    groups.set(keyOf(row), group);
  }
  return groups;
}
