import { type Kysely, sql } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { ConflictError } from '../../platform/http/errors.ts';

export interface Setting<T> {
  readonly key: string;
  readonly value: T;
  readonly version: number;
}

/** Instance-wide settings (never personal data). Writes use optimistic concurrency on `version`. */
export const settingsRepository = {
  async get<T>(db: Kysely<DB>, key: string): Promise<Setting<T> | undefined> {
    const row = await db
      .selectFrom('settings')
      .select(['key', 'value', 'version'])
      .where('key', '=', key)
      .executeTakeFirst();
    return row && { key: row.key, value: row.value as T, version: row.version };
  },

  /** Inserts if absent; returns whichever value is stored afterwards (first writer wins). */
  async getOrCreate<T>(db: Kysely<DB>, key: string, initial: T): Promise<Setting<T>> {
    await db
      .insertInto('settings')
      .values({ key, value: JSON.stringify(initial) })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const stored = await settingsRepository.get<T>(db, key);
    if (stored === undefined) throw new Error(`setting ${key} vanished`);
    return stored;
  },

  /** Updates only if the stored version is `expectedVersion`; a stale write gets ConflictError. */
  async update<T>(db: Kysely<DB>, key: string, value: T, expectedVersion: number): Promise<Setting<T>> {
    const row = await db
      .updateTable('settings')
      .set({ value: JSON.stringify(value), version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
      .where('key', '=', key)
      .where('version', '=', expectedVersion)
      .returning(['key', 'value', 'version'])
      .executeTakeFirst();
    if (row === undefined)
      throw new ConflictError(`The setting ${key} was changed by someone else; reload it and try again.`);
    return { key: row.key, value: row.value as T, version: row.version };
  },

  /** Last writer wins: only for derived records (the last verification result), never for what people edit. */
  async put<T>(db: Kysely<DB>, key: string, value: T): Promise<void> {
    await db
      .insertInto('settings')
      .values({ key, value: JSON.stringify(value) })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          value: JSON.stringify(value),
          version: sql<number>`settings.version + 1`,
          updated_at: sql<Date>`now()`,
        }),
      )
      .execute();
  },
};
