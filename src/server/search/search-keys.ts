import { hkdfSync } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { DB } from '../platform/db/schema.ts';

/**
 * The search keys (docs/security.md, "Search without plaintext"): a data key of their own, wrapped
 * by the master key like any other (so that with AWS KMS the master key never leaves KMS), in
 * generations. The newest generation is current: every token is made under it. A rotation adds a
 * generation; until the re-indexing (reindex.ts) has remade every token of the older ones, they
 * stay live, and queries compute their tokens under each. Then the older generations and their
 * data keys are deleted.
 *
 * From a generation's key, HKDF derives `mask`, `form` and `cipher` for the per-scope full-text
 * tokens (scope-tokens.ts) and `person` for person identifiers (persons.ts).
 */
export interface SearchGeneration {
  readonly generation: number;
  readonly keyId: string;
  /** How its tokens are made (TOKEN_SCHEME when it was made). */
  readonly scheme: number;
}

/**
 * How this release makes tokens: the normalisation (normalize/), the keys of a word
 * (indexKeysOf, queryKeyOf) and the token layout (scope-tokens.ts). Raise it with any change to
 * what they output: a current generation made another way is then rotated at start, and the
 * re-indexing remakes its tokens; until it has, texts indexed before may be missed by a search.
 * 1: stems and prefixes as separate forms (before migration 0016); 2: one key per query word, the
 * scope's bucket in each token.
 */
export const TOKEN_SCHEME = 2;

export interface GenerationKeys extends SearchGeneration {
  readonly mask: Buffer;
  readonly form: Buffer;
  readonly cipher: Buffer;
  readonly person: Buffer;
}

/** A rotation asked for while the previous one is still re-indexing. */
export class SearchRotationPendingError extends Error {
  readonly generations: readonly number[];

  constructor(generations: readonly number[]) {
    super(
      `the search key is still rotating: generations ${generations.join(', ')} are live until the re-indexing finishes`,
    );
    this.name = 'SearchRotationPendingError';
    this.generations = generations;
  }
}

const inTransaction = <T>(executor: Kysely<DB>, work: (tx: Kysely<DB>) => Promise<T>): Promise<T> =>
  executor.isTransaction ? work(executor) : executor.transaction().execute(work);

export class SearchKeys {
  readonly #keys: KeyRing;

  constructor(keys: KeyRing) {
    this.#keys = keys;
  }

  /**
   * The live generations, current first; the first generation is made on first use. Writers pass
   * `hold` in their transaction (FOR SHARE): a rotation or a retirement then waits until their
   * tokens are written, so no token is made under a generation that has just been retired.
   */
  async generations(executor: Kysely<DB>, options: { readonly hold?: boolean } = {}): Promise<SearchGeneration[]> {
    const read = async () => {
      let query = executor
        .selectFrom('search_generations')
        .select(['generation', 'key_id', 'scheme'])
        .orderBy('generation', 'desc');
      if (options.hold === true) query = query.forShare();
      return (await query.execute()).map((r) => ({ generation: r.generation, keyId: r.key_id, scheme: r.scheme }));
    };
    const live = await read();
    if (live.length > 0) return live;
    await inTransaction(executor, (tx) => this.#add(tx, 1, 'first'));
    return read();
  }

  /** Whether this generation's key was made in this (uncommitted) transaction: then nothing derived from it is kept. */
  madeIn(executor: Kysely<DB>, generation: SearchGeneration): boolean {
    return this.#keys.isUncommitted(executor, generation.keyId);
  }

  /** The keys of one generation, derived from its data key. */
  async derive(generation: SearchGeneration, executor: Kysely<DB>): Promise<GenerationKeys> {
    const base = await this.#keys.keyById(generation.keyId, executor);
    const derive = (use: string) =>
      Buffer.from(hkdfSync('sha256', base.key, Buffer.alloc(0), `tma-search/v1/${use}`, 32));
    return {
      ...generation,
      mask: derive('fulltext-mask'),
      form: derive('fulltext-form'),
      cipher: derive('fulltext-cipher'),
      person: derive('person'),
    };
  }

  /**
   * Starts a rotation: a new current generation with a new key. Refused while an earlier rotation
   * is still re-indexing (two old generations would double the work of every query for longer).
   */
  async rotate(db: Kysely<DB>): Promise<SearchGeneration> {
    return db.transaction().execute(async (tx) => {
      const live = await tx
        .selectFrom('search_generations')
        .select('generation')
        .orderBy('generation', 'desc')
        .forUpdate()
        .execute();
      if (live.length > 1) throw new SearchRotationPendingError(live.map((g) => g.generation));
      return this.#add(tx, (live[0]?.generation ?? 0) + 1, 'rotation');
    });
  }

  /**
   * Rotates when the current generation's tokens were made another way than this release makes
   * them (TOKEN_SCHEME), and no rotation runs yet; at start and before each re-indexing run.
   * Returns the new generation, if it made one.
   */
  async renewScheme(db: Kysely<DB>): Promise<SearchGeneration | undefined> {
    const live = await this.generations(db);
    if (live.length !== 1 || (live[0]?.scheme ?? TOKEN_SCHEME) >= TOKEN_SCHEME) return undefined;
    try {
      return await this.rotate(db);
    } catch (error) {
      // Another instance started it first.
      if (error instanceof SearchRotationPendingError) return undefined;
      throw error;
    }
  }

  /**
   * Deletes the older generations and their keys once no token made with them remains, in one
   * transaction that waits for writers holding them. Returns the ids of the keys deleted (for
   * KeyRing.forget); none while tokens of an older generation remain.
   */
  async retire(db: Kysely<DB>): Promise<string[]> {
    const gone = await db.transaction().execute(async (tx) => {
      const live = await tx
        .selectFrom('search_generations')
        .select(['generation', 'key_id'])
        .orderBy('generation', 'desc')
        .forUpdate()
        .execute();
      const [current, ...older] = live;
      if (current === undefined || older.length === 0) return [];
      const left = await tx
        .selectFrom('search_entries')
        .select('id')
        .where('key_generation', '<', current.generation)
        .union(tx.selectFrom('person_tokens').select('token as id').where('key_generation', '<', current.generation))
        .limit(1)
        .execute();
      if (left.length > 0) return [];
      const ids = older.map((g) => g.key_id);
      await tx.deleteFrom('search_generations').where('generation', '<', current.generation).execute();
      await tx.deleteFrom('data_keys').where('purpose', '=', 'search').where('id', 'in', ids).execute();
      await tx
        .updateTable('search_generations')
        .set({ completed_at: new Date() })
        .where('generation', '=', current.generation)
        .execute();
      return ids;
    });
    this.#keys.forget(gone);
    return gone;
  }

  /**
   * Adds a generation. Another transaction may add the same one at once: for the first, on first
   * use, its key is taken; a rotation is refused, as the one that came first (FOR UPDATE cannot
   * lock a row that did not exist when it began).
   */
  async #add(tx: Kysely<DB>, generation: number, why: 'first' | 'rotation'): Promise<SearchGeneration> {
    const keyId = await this.#keys.createSearchKey(tx);
    const now = new Date();
    const added = await tx
      .insertInto('search_generations')
      // The first generation has nothing to re-index.
      .values({
        generation,
        key_id: keyId,
        scheme: TOKEN_SCHEME,
        created_at: now,
        completed_at: generation === 1 ? now : null,
      })
      .onConflict((oc) => oc.column('generation').doNothing())
      .executeTakeFirst();
    if (Number(added.numInsertedOrUpdatedRows ?? 0n) === 0) {
      if (why === 'rotation') throw new SearchRotationPendingError([generation, generation - 1]);
      // This key goes unused: the other one is the first generation's.
      await tx.deleteFrom('data_keys').where('id', '=', keyId).execute();
    }
    const row = await tx
      .selectFrom('search_generations')
      .select(['key_id', 'scheme'])
      .where('generation', '=', generation)
      .executeTakeFirstOrThrow();
    return { generation, keyId: row.key_id, scheme: row.scheme };
  }
}

export interface SearchKeyStatus {
  readonly generation: number;
  /**
   * current; retiring (live until re-indexed away); retired (deleted, or 0: made by another
   * release's servers, with rows left that the re-indexing makes again).
   */
  readonly state: 'current' | 'retiring' | 'retired';
  readonly scheme: number | null;
  readonly createdAt: string | null;
  readonly completedAt: string | null;
  /** Rows made under this generation, by object type: entries of texts, and person tokens. */
  readonly entries: Readonly<Record<string, number>>;
  readonly personTokens: Readonly<Record<string, number>>;
}

/** The live generations and what each still holds, and rows left under retired ones (keys:status). */
export async function searchKeyStatus(db: Kysely<DB>): Promise<SearchKeyStatus[]> {
  const live = await db
    .selectFrom('search_generations')
    .select(['generation', 'scheme', 'created_at', 'completed_at'])
    .orderBy('generation', 'desc')
    .execute();
  const counts = async (table: 'search_entries' | 'person_tokens') => {
    const rows = await db
      .selectFrom(table)
      .select(['key_generation', 'object_type', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy(['key_generation', 'object_type'])
      .execute();
    const byGeneration = new Map<number, Record<string, number>>();
    for (const r of rows) {
      const of = byGeneration.get(r.key_generation) ?? {};
      of[r.object_type] = Number(r.n);
      byGeneration.set(r.key_generation, of);
    }
    return byGeneration;
  };
  const entries = await counts('search_entries');
  const persons = await counts('person_tokens');
  const known = new Set(live.map((g) => g.generation));
  const retired = [...new Set([...entries.keys(), ...persons.keys()])]
    .filter((g) => !known.has(g))
    .sort((a, b) => b - a);
  return [
    ...live.map((g, i) => ({
      generation: g.generation,
      state: i === 0 ? ('current' as const) : ('retiring' as const),
      scheme: g.scheme,
      createdAt: new Date(g.created_at).toISOString(),
      completedAt: g.completed_at === null ? null : new Date(g.completed_at).toISOString(),
      entries: entries.get(g.generation) ?? {},
      personTokens: persons.get(g.generation) ?? {},
    })),
    ...retired.map((generation) => ({
      generation,
      state: 'retired' as const,
      scheme: null,
      createdAt: null,
      completedAt: null,
      entries: entries.get(generation) ?? {},
      personTokens: persons.get(generation) ?? {},
    })),
  ];
}
