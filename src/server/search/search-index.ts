import { type Kysely, sql } from 'kysely';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { DB } from '../platform/db/schema.ts';
import { prefixesOf, prefixProbeOf, queryTermsOf, type Term, termsOf } from './normalize/normalize.ts';
import { type Scope, ScopeTokens } from './scope-tokens.ts';
import { holdScopes, removeSearchScopes } from './scopes.ts';

/**
 * The full-text index of sealed texts (docs/security.md, "Search"): each text's words, normalised
 * (normalize/), become 64-bit tokens under keys of its scope (scope-tokens.ts), stored as an
 * entry naming the object with one posting per token (under a B-tree), in the same transaction as
 * the sealed text. A search answers object ids only: the caller filters them by its own policy
 * before it counts or shows anything.
 *
 * Token inputs: 'f:' and each form of a word (the folded word, its German and its English stem), and 'p:' and each
 * prefix of the folded word (4 to 12 characters, shorter than the word), so that "Drohu" finds
 * "Drohungen". A query's word matches an entry holding any of its forms, or (4 characters or more)
 * the prefix that is the word; every word of a query must match.
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

/** The token inputs of a text's terms. */
function indexForms(terms: readonly Term[]): string[] {
  const forms: string[] = [];
  for (const term of terms) {
    for (const form of term.forms) forms.push(`f:${form}`);
    for (const prefix of prefixesOf(term.word)) forms.push(`p:${prefix}`);
  }
  return forms;
}

/** The token inputs that let one query word match: any of its forms, or the prefix that is the word. */
function queryForms(term: Term): string[] {
  const forms = term.forms.map((form) => `f:${form}`);
  const probe = prefixProbeOf(term.word);
  if (probe !== undefined) forms.push(`p:${probe}`);
  return forms;
}

/** Token arrays as PostgreSQL reads them (bigint literals: 64-bit values do not fit a JS number). */
const bigintArray = (tokens: Iterable<bigint>) => sql`${[...tokens].map(String)}::bigint[]`;

export class SearchIndex {
  readonly #keys: KeyRing;
  #tokens: { readonly keyId: string; readonly tokens: ScopeTokens } | undefined;

  constructor(keys: KeyRing) {
    this.#keys = keys;
  }

  /** Indexes (or re-indexes) one text, in the caller's transaction; an empty text removes its entry. */
  async index(tx: Kysely<DB>, entry: IndexedText): Promise<void> {
    await this.indexMany(tx, [entry]);
  }

  /**
   * Indexes many texts in a few statements (bulk writes and the re-indexing after a key rotation),
   * in the caller's transaction; texts without a searchable word remove their entries.
   */
  async indexMany(tx: Kysely<DB>, entries: readonly IndexedText[]): Promise<void> {
    await holdScopes(
      tx,
      entries.map((e) => e.scope),
    );
    const tokens = await this.#scopeTokens(tx);
    // The last text of an object's field wins (one statement may not update a row twice).
    const latest = new Map(entries.map((e) => [`${e.objectType}:${e.objectId}:${e.field}`, e]));
    const rows = [];
    for (const entry of latest.values()) {
      const forms = indexForms(termsOf(entry.text));
      if (forms.length === 0) await this.remove(tx, entry.objectType, entry.objectId, entry.field);
      else rows.push({ entry, tokens: tokens.tokensIn(entry.scope, forms) });
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
          })),
        )
        .onConflict((oc) =>
          oc.columns(['object_type', 'object_id', 'field']).doUpdateSet({
            scope_type: sql`excluded.scope_type`,
            scope_id: sql`excluded.scope_id`,
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
    this.#tokens?.tokens.forget(scope);
    return removed;
  }

  /**
   * The objects, among those of the given scopes (the ones the actor may see), whose texts hold
   * every word of the query; at most `limit` (default 200), in no particular order. `db` is the
   * database, not a transaction: the query runs in a short transaction of its own.
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
    const tokens = await this.#scopeTokens(db);
    const words = parsed.terms.map((term) => {
      const wanted: bigint[] = [];
      for (const form of queryForms(term)) wanted.push(...tokens.tokensOf(scopes, form));
      return wanted;
    });
    const allowed = new Set(scopes.map((s) => `${s.type}:${s.id}`));
    const rows = await db.transaction().execute(async (tx) => {
      // One B-tree lookup per token (tens of thousands for a team lead's reach): the planner's
      // estimates for such arrays are no guide, and a scan or a hash of the postings would read
      // them all.
      await sql`set local enable_seqscan = off`.execute(tx);
      await sql`set local enable_hashjoin = off`.execute(tx);
      await sql`set local enable_mergejoin = off`.execute(tx);
      const matching = sql.join(
        words.map(
          (wanted) =>
            sql`select p.entry_id from unnest(${bigintArray(wanted)}) q(token) join search_postings p using (token)`,
        ),
        sql` intersect `,
      );
      return tx
        .selectFrom('search_entries')
        .select(['object_type', 'object_id', 'field', 'scope_type', 'scope_id'])
        .where('id', 'in', sql<string>`(${matching})`)
        .limit(options.limit ?? DEFAULT_LIMIT)
        .execute();
    });
    return {
      kind: 'hits',
      // Tokens are scope-specific, so only a 64-bit collision could bring a row of another scope:
      // filtered out all the same.
      hits: rows
        .filter((r) => allowed.has(`${r.scope_type}:${r.scope_id}`))
        .map((r) => ({ objectType: r.object_type, objectId: r.object_id, field: r.field })),
    };
  }

  /** The token maker of the current search key (its masks kept), made again when the key changes. */
  async #scopeTokens(executor: Kysely<DB>): Promise<ScopeTokens> {
    const keys = await this.#keys.searchKeys(executor);
    try {
      if (this.#tokens?.keyId !== keys.keyId) this.#tokens = { keyId: keys.keyId, tokens: new ScopeTokens(keys) };
      return this.#tokens.tokens;
    } finally {
      for (const key of [keys.mask, keys.form, keys.cipher, keys.person]) key.fill(0);
    }
  }
}
