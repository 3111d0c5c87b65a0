import { openAsBlob } from 'node:fs';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { type Database, openEmbedded, openPostgres } from '../../src/server/platform/db/database.ts';
import type { DB } from '../../src/server/platform/db/schema.ts';
import { adminQuery, dropDatabase, postgresUrls, uniqueName, withDatabase } from './postgres.ts';

export type TestEngine = 'pglite' | 'postgres';

/** The embedded engine always; PostgreSQL as well whenever DATABASE_URL is set. */
export function engines(): TestEngine[] {
  return postgresUrls() === undefined ? ['pglite'] : ['pglite', 'postgres'];
}

export interface TestDatabase {
  readonly database: Database;
  /** The app-role and owner-role URLs of this test's own PostgreSQL database. */
  readonly urls?: { app: string; owner: string };
  close(): Promise<void>;
}

/** A fresh, migrated database of the given engine, copied from the run's template. */
export async function openTestDatabase(engine: TestEngine): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const template = process.env.TMA_TEST_PGLITE_TEMPLATE;
    if (template === undefined) throw new Error('run the tests through npm test (global setup makes the template)');
    const database = await openEmbedded({ loadDataDir: await openAsBlob(template) });
    return { database, close: () => database.close() };
  }
  const base = postgresUrls();
  const template = process.env.TMA_TEST_PG_TEMPLATE;
  if (base === undefined || template === undefined) throw new Error('PostgreSQL tests need DATABASE_URL and npm test');
  const name = uniqueName('tma_test');
  await adminQuery(base.owner, `create database ${name} template ${template}`);
  const urls = { app: withDatabase(base.app, name), owner: withDatabase(base.owner, name) };
  const database = await openPostgres({ url: urls.app, poolMax: 5, statementTimeoutMs: 30_000, onPoolError: () => {} });
  return {
    database,
    urls,
    close: async () => {
      await database.close();
      await dropDatabase(base.owner, name);
    },
  };
}

/** Runs fn as the schema owner (on the embedded engine, which has no roles, on the database itself). */
export async function asOwner(t: TestDatabase, fn: (db: Kysely<DB>) => Promise<void>): Promise<void> {
  if (t.urls === undefined) return fn(t.database.db);
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: t.urls.owner, max: 1 }) }),
  });
  try {
    await fn(db);
  } finally {
    await db.destroy();
  }
}
