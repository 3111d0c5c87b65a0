import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { EncryptionContext, KeyProvider } from './key-provider.ts';
import type { DataKey } from './sealed-field.ts';

/**
 * The data keys of the hierarchy (docs/security.md), unwrapped on demand by the key provider and
 * kept in memory for a short while (TTL and a size bound), so that a busy case does not cost a KMS
 * call per field. Clear keys live only here: never logged, never in an error, never stored.
 */
export interface KeyRingOptions {
  readonly ttlMs?: number;
  readonly maxKeys?: number;
  readonly now?: () => number;
}

interface Cached {
  readonly key: DataKey;
  readonly expires: number;
}

const contextOf = (purpose: string, ownerId: string | null): EncryptionContext =>
  ownerId === null ? { purpose } : { purpose, owner: ownerId };

export class KeyRing {
  readonly #provider: KeyProvider;
  readonly #db: Kysely<DB>;
  readonly #ttlMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, Cached>();

  constructor(provider: KeyProvider, db: Kysely<DB>, options: KeyRingOptions = {}) {
    this.#provider = provider;
    this.#db = db;
    this.#ttlMs = options.ttlMs ?? 5 * 60_000;
    this.#maxKeys = options.maxKeys ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  /** The key for secrets that belong to no case, made at its first use. */
  async systemKey(): Promise<DataKey> {
    const cached = this.#fromCache('system');
    if (cached !== undefined) return cached;
    let row = await this.#systemRow();
    if (row === undefined) {
      const fresh = await this.#provider.generateDataKey(contextOf('system', null));
      await this.#db
        .insertInto('data_keys')
        .values({
          id: randomUUID(),
          purpose: 'system',
          owner_id: null,
          wrapped: fresh.wrapped,
          master_version: fresh.masterVersion,
          created_at: new Date(this.#now()),
        })
        // Two instances making it at once: one row wins, and both use it.
        .onConflict((oc) => oc.column('purpose').where('purpose', '=', 'system').doNothing())
        .execute();
      fresh.key.fill(0);
      row = await this.#systemRow();
      if (row === undefined) throw new Error('the system key vanished as it was made');
    }
    return this.#remember('system', await this.#unwrap(row));
  }

  /** The data key a sealed value names (its header's key id), whatever it is for. */
  async keyById(id: string): Promise<DataKey> {
    const cached = this.#fromCache(id);
    if (cached !== undefined) return cached;
    const row = await this.#db.selectFrom('data_keys').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw new Error(`data key ${id} does not exist (shredded, or from another installation)`);
    return this.#remember(id, await this.#unwrap(row));
  }

  #systemRow() {
    return this.#db.selectFrom('data_keys').selectAll().where('purpose', '=', 'system').executeTakeFirst();
  }

  async #unwrap(row: { id: string; purpose: string; owner_id: string | null; wrapped: Uint8Array }): Promise<DataKey> {
    const key = await this.#provider.unwrap(Buffer.from(row.wrapped), contextOf(row.purpose, row.owner_id));
    return { id: row.id, key };
  }

  #fromCache(name: string): DataKey | undefined {
    const hit = this.#cache.get(name);
    if (hit === undefined) return undefined;
    if (hit.expires > this.#now()) return hit.key;
    this.#cache.delete(name);
    return undefined;
  }

  #remember(name: string, key: DataKey): DataKey {
    // Oldest first out: a Map iterates in insertion order.
    while (this.#cache.size >= this.#maxKeys) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
    this.#cache.set(name, { key, expires: this.#now() + this.#ttlMs });
    return key;
  }

  /** Forgets every clear key (shutdown, or a key shredded on another instance). */
  clear(): void {
    for (const { key } of this.#cache.values()) key.key.fill(0);
    this.#cache.clear();
  }
}
