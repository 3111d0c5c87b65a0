import { type Kysely, sql } from 'kysely';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { DB } from '../platform/db/schema.ts';
import { indexKeysOf, queryKeyOf, queryTermsOf, termsOf } from './normalize/normalize.ts';
import { type Scope, ScopeTokens } from './scope-tokens.ts';
import { holdScopes, removeSearchScopes } from './scopes.ts';
import { type SearchGeneration, SearchKeys, TOKEN_SCHEME } from './search-keys.ts';

/**
 * The full-text index of sealed texts (docs/security.md, "Search"): each text's words, normalised
 * (normalize/), become 64-bit tokens under keys of its scope (scope-tokens.ts), stored as an
 * entry naming the object with one posting per token (under a B-tree), in the same transaction as
 * the sealed text. A search answers object ids only: the caller filters them by its own policy
 * before it counts or shows anything.
 *
 * Token inputs: the keys of normalize/ (every prefix of every form of a word, 4 to 12 characters,
 * and short and long forms whole); a query's word is one key, and every word of a query must match.
 */
export interface IndexedText {
  readonly objectType: string;
  readonly objectId: string;
  /** Which of the object's texts: 'name', 'title', 'narrative', … */
  readonly field: string;
  readonly scope: Scope;
  readonly text: string;
}

export interface Hit {
  readonly objectType: string;
  readonly objectId: string;
  readonly field: string;
}

export type SearchOutcome =
  | { readonly kind: 'hits'; readonly hits: readonly Hit[] }
  | { readonly kind: 'empty'; readonly reason: 'blank' | 'stop_words_only' | 'punctuation_only' | 'too_long' };

const DEFAULT_LIMIT = 200;
/** Rows per insert statement: well under PostgreSQL's 65,535 parameters. */
const INSERT_BATCH = 500;

/**
 * Token arrays as PostgreSQL reads them (bigint literals: 64-bit values do not fit a JS number),
 * in ascending order: the lookups then walk the postings' B-tree from left to right, and a
 * scope's bucket keeps its lookups on neighbouring pages.
 */
const bigintArray = (tokens: Iterable<bigint>) =>
  sql`${Array.from(BigInt64Array.from(tokens).sort(), String)}::bigint[]`;

/**
 * One B-tree lookup per token (tens of thousands for a team lead's reach): the planner's estimates
 * for such arrays are no guide, and a scan or a hash of the postings would read them all.
 */
async function lookupsOnly(tx: Kysely<DB>): Promise<void> {
  await sql`set local enable_seqscan = off`.execute(tx);
  await sql`set local enable_hashjoin = off`.execute(tx);
  await sql`set local enable_mergejoin = off`.execute(tx);
}

export class SearchIndex {
  readonly #keys: SearchKeys;
  /** The token maker of each live generation (its masks kept), by the id of its data key. */
  readonly #makers = new Map<string, ScopeTokens>();

  constructor(keys: KeyRing) {
    this.#keys = new SearchKeys(keys);
  }

  /**
   * At start, outside any transaction: makes the first search key if there is none, and starts a
   * rotation when the current key's tokens were made another way than this release makes them
   * (search-keys.ts, TOKEN_SCHEME). Returns the generation that rotation made, if any.
   */
  async prepare(db: Kysely<DB>): Promise<SearchGeneration | undefined> {
    await this.#keys.generations(db);
    return this.#keys.renewScheme(db);
  }

  /** Indexes (or re-indexes) one text, in the caller's transaction; an empty text removes its entry. */
  async index(tx: Kysely<DB>, entry: IndexedText): Promise<void> {
    await this.indexMany(tx, [entry]);
  }

  /**
   * Indexes many texts in a few statements (bulk writes and the re-indexing after a key rotation),
   * under the current generation of the search key, in the caller's transaction; texts without a
   * searchable word remove their entries.
   */
  async indexMany(tx: Kysely<DB>, entries: readonly IndexedText[]): Promise<void> {
    if (entries.length === 0) return;
    await holdScopes(
      tx,
      entries.map((e) => e.scope),
    );
    const live = await this.#keys.generations(tx, { hold: true });
    const [current] = live;
    if (current === undefined) throw new Error('no search key generation');
    const [maker] = await this.#makersOf(tx, live, [current]);
    if (maker === undefined) throw new Error('no search key generation');
    // Made this release's way under a generation of another release's (a rolling upgrade):
    // recorded as generation 0, which the re-indexing makes again the current generation's way.
    const generation = current.scheme === TOKEN_SCHEME ? current.generation : 0;
    // The last text of an object's field wins (one statement may not update a row twice).
    const latest = new Map(entries.map((e) => [`${e.objectType}:${e.objectId}:${e.field}`, e]));
    const rows = [];
    for (const entry of latest.values()) {
      const keys = termsOf(entry.text).flatMap(indexKeysOf);
      if (keys.length === 0) await this.remove(tx, entry.objectType, entry.objectId, entry.field);
      else rows.push({ entry, tokens: maker.tokensIn(entry.scope, keys) });
    }
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const batch = rows.slice(i, i + INSERT_BATCH);
      const written = await tx
        .insertInto('search_entries')
        .values(
          batch.map(({ entry }) => ({
            object_type: entry.objectType,
            object_id: entry.objectId,
            field: entry.field,
            scope_type: entry.scope.type,
            scope_id: entry.scope.id,
            key_generation: generation,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['object_type', 'object_id', 'field']).doUpdateSet({
            scope_type: sql`excluded.scope_type`,
            scope_id: sql`excluded.scope_id`,
            key_generation: sql`excluded.key_generation`,
          }),
        )
        .returning(['id', 'object_type', 'object_id', 'field'])
        .execute();
      const idOf = new Map(written.map((w) => [`${w.object_type}:${w.object_id}:${w.field}`, w.id]));
      const ids = batch.map(({ entry }) => idOf.get(`${entry.objectType}:${entry.objectId}:${entry.field}`) as string);
      // A text indexed again keeps its entry and gets its postings anew.
      await tx.deleteFrom('search_postings').where('entry_id', 'in', ids).execute();
      const tokenColumn: string[] = [];
      const entryColumn: string[] = [];
      batch.forEach(({ tokens: entryTokens }, j) => {
        for (const token of entryTokens) {
          tokenColumn.push(String(token));
          entryColumn.push(ids[j] as string);
        }
      });
      await sql`insert into search_postings (token, entry_id)
        select * from unnest(${tokenColumn}::bigint[], ${entryColumn}::bigint[])`.execute(tx);
    }
  }

  /** An object's entries (one field, or all of them), in the caller's transaction. */
  async remove(tx: Kysely<DB>, objectType: string, objectId: string, field?: string): Promise<void> {
    let query = tx.deleteFrom('search_entries').where('object_type', '=', objectType).where('object_id', '=', objectId);
    if (field !== undefined) query = query.where('field', '=', field);
    await query.execute();
  }

  /** Shredding: every token of the scope goes (see also removeSearchScopes, which shredCase runs). */
  async removeScope(tx: Kysely<DB>, scope: Scope): Promise<number> {
    const removed = await removeSearchScopes(tx, [scope]);
    for (const maker of this.#makers.values()) maker.forget(scope);
    return removed;
  }

  /**
   * The objects, among those of the given scopes (the ones the actor may see), whose texts hold
   * every word of the query; at most `limit` (default 200), in no particular order. `db` is the
   * database, not a transaction: the query runs in a short transaction of its own.
   *
   * Each word costs one lookup per scope searched (per live generation of the search key): the
   * scopes are narrowed word by word, the longest key (the rarest, as a rule) first, to those that
   * hold it, so that the later words are looked up only where the earlier ones occur; the entries
   * holding every word are then taken from the scopes left.
   */
  async search(
    db: Kysely<DB>,
    scopes: readonly Scope[],
    query: string,
    options: { readonly limit?: number } = {},
  ): Promise<SearchOutcome> {
    const parsed = queryTermsOf(query);
    if (parsed.kind === 'empty') return parsed;
    if (scopes.length === 0) return { kind: 'hits', hits: [] };
    const live = await this.#keys.generations(db);
    // Only tokens made this release's way can match what it computes (see TOKEN_SCHEME).
    const ours = live.filter((g) => g.scheme === TOKEN_SCHEME);
    const makers = await this.#makersOf(db, live, ours.length > 0 ? ours : live);
    const keys = [...new Set(parsed.terms.map(queryKeyOf))].sort((a, b) => b.length - a.length);
    const rows = await db.transaction().execute(async (tx) => {
      await lookupsOnly(tx);
      let reach = scopes;
      for (const key of keys.slice(0, -1)) {
        reach = await scopesHolding(tx, makers, reach, key);
        if (reach.length === 0) return [];
      }
      const matching = sql.join(
        keys.map((key) => {
          const tokens = makers.flatMap((maker) => [...maker.tokensOf(reach, key)]);
          return sql`select entry_id from search_postings where token = any(${bigintArray(tokens)})`;
        }),
        sql` intersect `,
      );
      return tx
        .selectFrom('search_entries')
        .select(['object_type', 'object_id', 'field', 'scope_type', 'scope_id'])
        .where('id', 'in', sql<string>`(${matching})`)
        .limit(options.limit ?? DEFAULT_LIMIT)
        .execute();
    });
    const allowed = new Set(scopes.map((s) => `${s.type}:${s.id}`));
    return {
      kind: 'hits',
      // Tokens are scope-specific, so only a 64-bit collision could bring a row of another scope:
      // filtered out all the same.
      hits: rows
        .filter((r) => allowed.has(`${r.scope_type}:${r.scope_id}`))
        .map((r) => ({ objectType: r.object_type, objectId: r.object_id, field: r.field })),
    };
  }

  /**
   * The token makers of the generations in `use`. `live` is every generation there is (read
   * under FOR SHARE by writers, so a retirement cannot slip in between): the makers of any other,
   * retired ones, are dropped, so their keys leave memory at the next index or search.
   */
  async #makersOf(
    executor: Kysely<DB>,
    live: readonly SearchGeneration[],
    use: readonly SearchGeneration[],
  ): Promise<ScopeTokens[]> {
    const liveIds = new Set(live.map((g) => g.keyId));
    for (const keyId of this.#makers.keys()) if (!liveIds.has(keyId)) this.#makers.delete(keyId);
    const makers: ScopeTokens[] = [];
    for (const generation of use) {
      let maker = this.#makers.get(generation.keyId);
      if (maker === undefined) {
        const keys = await this.#keys.derive(generation, executor);
        try {
          maker = new ScopeTokens(keys);
        } finally {
          for (const key of [keys.mask, keys.form, keys.cipher, keys.person]) key.fill(0);
        }
        // A key made in this transaction is not kept before it commits (a rollback leaves no key behind).
        if (!this.#keys.madeIn(executor, generation)) this.#makers.set(generation.keyId, maker);
      }
      makers.push(maker);
    }
    return makers;
  }
}

/** The scopes, of those given, that hold a word with this key (one lookup per scope and generation). */
async function scopesHolding(
  tx: Kysely<DB>,
  makers: readonly ScopeTokens[],
  scopes: readonly Scope[],
  key: string,
): Promise<Scope[]> {
  const owner = new Map<bigint, number>();
  for (const maker of makers) {
    const tokens = maker.tokensOf(scopes, key);
    for (let i = 0; i < tokens.length; i++) owner.set(tokens[i] as bigint, i);
  }
  const { rows } = await sql<{ token: string }>`select q.token from unnest(${bigintArray(owner.keys())}) q(token)
    where exists (select 1 from search_postings p where p.token = q.token)`.execute(tx);
  const held = new Set(rows.map((r) => owner.get(BigInt(r.token))));
  return scopes.filter((_, i) => held.has(i));
}
