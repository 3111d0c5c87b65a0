import { hkdfSync, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DataKeyTable, DB } from '../db/schema.ts';
import type { EncryptionContext, KeyProvider } from './key-provider.ts';
import { deepFreeze, OpenedValues } from './opened-values.ts';
import { type DataKey, type FieldContext, forgetKeyObject, openFieldText, sealedKeyId } from './sealed-field.ts';

/**
 * The data keys of the hierarchy (docs/security.md), unwrapped on demand by the key provider and
 * kept in memory for a short while (TTL and a size bound), so that a busy case does not cost a KMS
 * call per field. Clear keys live only here: never logged, never in an error, never stored.
 *
 * - system: secrets and personal data that belong to no case (TOTP secrets, accounts);
 * - index: the key of blind indexes (HMAC), from which each index derives its own key with HKDF;
 * - search: the key of the search's tokens, one per generation (search/search-keys.ts);
 * - case: one per case; report: one per report until it joins a case, then re-wrapped for that case.
 *
 * Every method takes the executor of the caller (its transaction, if it is in one): the embedded
 * engine has a single connection, so a read beside an open transaction would wait for ever. A key
 * made inside a transaction is not remembered until it is read after that transaction, so a
 * rollback can never leave a clear key in memory whose row does not exist.
 */
export interface KeyRingOptions {
  readonly ttlMs?: number;
  readonly maxKeys?: number;
  readonly now?: () => number;
}

export type SingletonPurpose = 'system' | 'index';
export type OwnedPurpose = 'case' | 'report';

interface Cached {
  readonly key: DataKey;
  readonly expires: number;
}

/** What the views of one ring (`using`) share. */
interface Shared {
  readonly cache: Map<string, Cached>;
  /** Keys made in a transaction, not yet committed: used, but not remembered. */
  readonly uncommitted: WeakMap<Kysely<DB>, Set<string>>;
  /** Loads in flight, so that a cold cache costs one unwrap (one KMS call) per key, not one per caller. */
  readonly loading: Map<string, Promise<DataKey>>;
  /** Bumped by forget and clear: a load that began before does not bring a forgotten key back. */
  generation: number;
  /** What openFixed opened, by the cached key that opened it: it goes as that key leaves the cache. */
  readonly opened: OpenedValues;
}

interface KeyRow {
  readonly id: string;
  readonly purpose: string;
  readonly owner_id: string | null;
  readonly case_id: string | null;
  readonly wrapped: Uint8Array;
}

/** What a data key is for, as the key provider (and KMS's trail) sees it: a copied key unwraps nowhere else. */
export function contextOf(row: Pick<KeyRow, 'purpose' | 'owner_id' | 'case_id'>): EncryptionContext {
  return {
    purpose: row.purpose,
    ...(row.owner_id === null ? {} : { owner: row.owner_id }),
    ...(row.case_id === null ? {} : { case: row.case_id }),
  };
}

const keyRows = (executor: Kysely<DB>) =>
  executor.selectFrom('data_keys').select(['id', 'purpose', 'owner_id', 'case_id', 'wrapped']);

/** No data key for this owner: never made, or shredded. */
export class MissingKeyError extends Error {
  constructor(what: string) {
    super(`data key ${what} does not exist (shredded, or from another installation)`);
    this.name = 'MissingKeyError';
  }
}

export class KeyRing {
  readonly provider: KeyProvider;
  readonly #db: Kysely<DB>;
  readonly #ttlMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #shared: Shared;

  constructor(provider: KeyProvider, db: Kysely<DB>, options: KeyRingOptions = {}) {
    this.provider = provider;
    this.#db = db;
    this.#ttlMs = options.ttlMs ?? 5 * 60_000;
    this.#maxKeys = options.maxKeys ?? 1000;
    this.#now = options.now ?? Date.now;
    const shared = (options as { shared?: KeyRing }).shared;
    this.#shared =
      shared === undefined
        ? {
            cache: new Map(),
            uncommitted: new WeakMap(),
            loading: new Map(),
            generation: 0,
            opened: new OpenedValues(),
          }
        : shared.#shared;
  }

  /** The same object for this ring and all its views: a key for per-installation memos (WeakMap). */
  get installation(): object {
    return this.#shared;
  }

  /** The same ring, reading and making keys through this executor (the caller's transaction). */
  using(executor: Kysely<DB>): KeyRing {
    if (executor === this.#db) return this;
    const options = { ttlMs: this.#ttlMs, maxKeys: this.#maxKeys, now: this.#now, shared: this };
    return new KeyRing(this.provider, executor, options);
  }

  /** Makes the system and index keys if they do not exist yet; at start, outside any transaction. */
  async ensureSingletons(): Promise<void> {
    await this.#singleton('system', this.#db);
    await this.#singleton('index', this.#db);
  }

  /** The key for secrets and personal data that belong to no case. */
  systemKey(executor: Kysely<DB> = this.#db): Promise<DataKey> {
    return this.#singleton('system', executor);
  }

  /**
   * The key of one blind index (e.g. 'account-email'), derived from the index key with HKDF, so
   * that the tokens of one index say nothing about those of another.
   */
  async indexKey(index: string, executor: Kysely<DB> = this.#db): Promise<Buffer> {
    const base = await this.#singleton('index', executor);
    return Buffer.from(hkdfSync('sha256', base.key, Buffer.alloc(0), `tma-blind-index/${index}`, 32));
  }

  /**
   * Makes a search key, in the caller's transaction: a data key of its own, apart from the index
   * key of accounts, of which the search keeps several generations while it rotates
   * (search/search-keys.ts records them). Read it back with keyById.
   */
  async createSearchKey(executor: Kysely<DB>): Promise<string> {
    const { id, row } = await this.#newRow('search', null);
    await executor.insertInto('data_keys').values(row).execute();
    this.#madeIn(executor).add(id);
    return id;
  }

  /**
   * Makes the key of a case or a report, in the transaction that creates the case or report (or
   * returns it, if it exists). Only the owner's creation calls this: everything else uses keyFor,
   * so that nothing brings a shredded case's key back.
   */
  async createKey(
    purpose: OwnedPurpose,
    ownerId: string,
    executor: Kysely<DB> = this.#db,
    options: { readonly at?: Date } = {},
  ): Promise<DataKey> {
    const find = () => this.#ownedRow(executor, purpose, ownerId);
    return this.#load(`${purpose}:${ownerId}`, executor, find, () =>
      this.#create(purpose, ownerId, executor, find, options.at),
    );
  }

  /** The key of a case or a report; MissingKeyError when there is none (never made, or shredded). */
  async keyFor(purpose: OwnedPurpose, ownerId: string, executor: Kysely<DB> = this.#db): Promise<DataKey> {
    const find = () => this.#ownedRow(executor, purpose, ownerId);
    return this.#load(`${purpose}:${ownerId}`, executor, find, () => {
      throw new MissingKeyError(`of ${purpose} ${ownerId}`);
    });
  }

  /** The data key a sealed value names (its header's key id), whatever it is for. */
  async keyById(id: string, executor: Kysely<DB> = this.#db): Promise<DataKey> {
    const find = () => keyRows(executor).where('id', '=', id).executeTakeFirst();
    return this.#load(id, executor, find, () => {
      throw new MissingKeyError(id);
    });
  }

  /** Whether this key was made in this transaction, not yet committed: nothing derived from it may be kept. */
  isUncommitted(executor: Kysely<DB>, id: string): boolean {
    return this.#shared.uncommitted.get(executor)?.has(id) === true;
  }

  #ownedRow(executor: Kysely<DB>, purpose: OwnedPurpose, ownerId: string) {
    return keyRows(executor).where('purpose', '=', purpose).where('owner_id', '=', ownerId).executeTakeFirst();
  }

  /** A sealed text in the clear, with whichever key its header names. */
  async openText(sealed: Uint8Array, place: FieldContext): Promise<string> {
    return openFieldText(await this.keyById(sealedKeyId(sealed, place)), sealed, place);
  }

  /**
   * A sealed value that never changes once written (a finalised assessment's judgments), opened
   * and read once while its key is in the cache, and kept with that key: a case's assessments list
   * opens fifty of them on every view (bench/assessments.ts). Kept no longer than the clear key
   * that opens it (TTL, eviction, forget, clear), so that memory holds nothing the key does not
   * already give. Known by its place and its nonce: a value sealed anew is opened anew. The caller
   * has decided the reader may read it, as for every open; what `read` returns is shared, frozen.
   */
  async openFixed<T>(sealed: Uint8Array, place: FieldContext, read: (text: string) => T): Promise<T> {
    const key = await this.keyById(sealedKeyId(sealed, place));
    const { cache, opened } = this.#shared;
    const kept = opened.get<T>(key, place, sealed);
    if (kept !== undefined) return kept.value;
    const value = deepFreeze(read(openFieldText(key, sealed, place)));
    // A key made in an open transaction, or one that already left the cache, keeps nothing.
    if (cache.get(key.id)?.key === key) opened.keep(key, place, sealed, value);
    return value;
  }

  /**
   * What openFixed would answer from what it keeps, without waiting: undefined unless both the key
   * and the opened value are kept. A list of fifty reads them this way and opens only the rest,
   * instead of making a promise of each (bench/assessments.ts). The caller has decided the reader
   * may read it, as for every open.
   */
  keptFixed<T>(sealed: Uint8Array, place: FieldContext): { readonly value: T } | undefined {
    const key = this.#fromCache(sealedKeyId(sealed, place));
    return key === undefined ? undefined : this.#shared.opened.get<T>(key, place, sealed);
  }

  /**
   * A report joins a case: its key is re-wrapped with the case in its context (so KMS's trail names
   * the case), and goes when the case is shredded. Its sealed fields keep their key id and stay readable.
   */
  async joinCase(executor: Kysely<DB>, reportId: string, caseId: string): Promise<void> {
    // The case's key held for the rest of the transaction: a shredding of the case waits for it, or went before.
    const caseKey = await keyRows(executor)
      .where('purpose', '=', 'case')
      .where('owner_id', '=', caseId)
      .forShare()
      .executeTakeFirst();
    if (caseKey === undefined) throw new MissingKeyError(`of case ${caseId}`);
    const row = await keyRows(executor)
      .where('purpose', '=', 'report')
      .where('owner_id', '=', reportId)
      .forUpdate()
      .executeTakeFirst();
    if (row === undefined) throw new MissingKeyError(`of report ${reportId}`);
    if (row.case_id === caseId) return;
    const moved = await this.provider.rewrap(
      Buffer.from(row.wrapped),
      contextOf(row),
      contextOf({ ...row, case_id: caseId }),
    );
    await executor
      .updateTable('data_keys')
      .set({ wrapped: moved.wrapped, master_version: moved.masterVersion, case_id: caseId })
      .where('id', '=', row.id)
      .execute();
  }

  async #singleton(purpose: SingletonPurpose, executor: Kysely<DB>): Promise<DataKey> {
    const find = () => keyRows(executor).where('purpose', '=', purpose).executeTakeFirst();
    return this.#load(purpose, executor, find, () => this.#create(purpose, null, executor, find));
  }

  /** From the cache, from a load already in flight, or read (or made) and unwrapped now. */
  #load(
    name: string,
    executor: Kysely<DB>,
    find: () => Promise<KeyRow | undefined>,
    create: () => Promise<KeyRow>,
  ): Promise<DataKey> {
    const cached = this.#fromCache(name);
    if (cached !== undefined) return Promise.resolve(cached);
    // Inside a transaction the row may be the transaction's own: never shared with other callers.
    if (executor.isTransaction) return this.#read(name, executor, find, create);
    const { loading } = this.#shared;
    let pending = loading.get(name);
    if (pending === undefined) {
      pending = this.#read(name, executor, find, create).finally(() => loading.delete(name));
      loading.set(name, pending);
    }
    return pending;
  }

  async #read(
    name: string,
    executor: Kysely<DB>,
    find: () => Promise<KeyRow | undefined>,
    create: () => Promise<KeyRow>,
  ): Promise<DataKey> {
    const generation = this.#shared.generation;
    const row = (await find()) ?? (await create());
    const key = await this.#unwrap(row);
    if (this.#madeIn(executor).has(row.id) || generation !== this.#shared.generation) return key;
    return this.#remember(name, key);
  }

  #madeIn(executor: Kysely<DB>): Set<string> {
    let made = this.#shared.uncommitted.get(executor);
    if (made === undefined) {
      made = new Set();
      if (executor.isTransaction) this.#shared.uncommitted.set(executor, made);
    }
    return made;
  }

  async #create(
    purpose: SingletonPurpose | OwnedPurpose,
    ownerId: string | null,
    executor: Kysely<DB>,
    find: () => Promise<KeyRow | undefined>,
    at?: Date,
  ): Promise<KeyRow> {
    const { id, row: values } = await this.#newRow(purpose, ownerId, at);
    await executor
      .insertInto('data_keys')
      .values(values)
      // Two requests or instances making it at once: one row wins, and both use it.
      .onConflict((oc) =>
        ownerId === null
          ? oc.column('purpose').where('purpose', '=', purpose).doNothing()
          : oc.columns(['purpose', 'owner_id']).where('owner_id', 'is not', null).doNothing(),
      )
      .execute();
    const row = await find();
    if (row === undefined) throw new Error(`the ${purpose} key vanished as it was made`);
    if (row.id === id) this.#madeIn(executor).add(id);
    return row;
  }

  /** A new data key from the provider, wrapped, as the row that stores it; the clear key is wiped. */
  /** `at`: when it was made, as the owner may tell it (a report: only the day). */
  async #newRow(purpose: DataKeyTable['purpose'], ownerId: string | null, at?: Date) {
    const fresh = await this.provider.generateDataKey(contextOf({ purpose, owner_id: ownerId, case_id: null }));
    fresh.key.fill(0);
    const id = randomUUID();
    const row = {
      id,
      purpose,
      owner_id: ownerId,
      wrapped: fresh.wrapped,
      master_version: fresh.masterVersion,
      created_at: at ?? new Date(this.#now()),
    };
    return { id, row };
  }

  async #unwrap(row: KeyRow): Promise<DataKey> {
    const key = await this.provider.unwrap(Buffer.from(row.wrapped), contextOf(row));
    return { id: row.id, key };
  }

  #fromCache(name: string): DataKey | undefined {
    const { cache } = this.#shared;
    const hit = cache.get(name);
    if (hit === undefined) return undefined;
    if (hit.expires > this.#now()) return hit.key;
    cache.delete(name);
    this.#shared.opened.drop(hit.key);
    return undefined;
  }

  #remember(name: string, key: DataKey): DataKey {
    const { cache } = this.#shared;
    // Oldest first out: a Map iterates in insertion order.
    while (cache.size >= this.#maxKeys) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      const evicted = cache.get(oldest);
      if (evicted !== undefined) this.#shared.opened.drop(evicted.key);
      cache.delete(oldest);
    }
    cache.set(name, { key, expires: this.#now() + this.#ttlMs });
    return key;
  }

  /** Forgets the clear keys with these ids (shredded here; another instance forgets them within the TTL). */
  forget(ids: readonly string[]): void {
    const gone = new Set(ids);
    const { cache } = this.#shared;
    this.#shared.generation++;
    for (const [name, { key }] of cache) {
      if (!gone.has(key.id)) continue;
      cache.delete(name);
      this.#shared.opened.drop(key);
      // The key no longer exists: whatever still holds these bytes may fail, but never open with them.
      forgetKeyObject(key.key);
      key.key.fill(0);
    }
  }

  /** Forgets every clear key (shutdown). */
  clear(): void {
    const { cache } = this.#shared;
    this.#shared.generation++;
    for (const { key } of cache.values()) {
      this.#shared.opened.drop(key);
      forgetKeyObject(key.key);
      key.key.fill(0);
    }
    cache.clear();
  }
}
