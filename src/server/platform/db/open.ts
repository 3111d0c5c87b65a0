import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import { type Database, openEmbedded, openPostgres, redactUrl } from './database.ts';
import { migrate } from './migrate.ts';
import type { DB } from './schema.ts';

/**
 * Opens the configured engine and brings its schema up to date. On PostgreSQL the migrations run
 * as the schema owner (TMA_MIGRATION_DATABASE_URL) and the server then connects as the less
 * privileged application role (DATABASE_URL).
 */
export async function openDatabase(config: Config, log: Logger): Promise<Database> {
  if (config.databaseUrl === undefined) {
    const database = await openEmbedded({ dataDir: config.dataDir });
    try {
      const applied = await migrate(database.db);
      if (applied.length > 0) log.info({ applied }, 'migrations applied');
    } catch (error) {
      await database.close();
      throw error;
    }
    log.info({ engine: 'pglite', dataDir: path.relative(process.cwd(), config.dataDir) || '.' }, 'database open');
    return database;
  }
  const database = await openPostgres({
    url: config.databaseUrl,
    poolMax: config.dbPoolMax,
    statementTimeoutMs: config.dbStatementTimeoutMs,
    onPoolError: (error) => log.warn({ err: { message: error.message } }, 'idle database connection failed'),
  });
  try {
    await migratePostgres(config.migrationDatabaseUrl ?? config.databaseUrl, config.databaseUrl, log);
  } catch (error) {
    await database.close();
    throw error;
  }
  log.info({ engine: 'postgres', database: redactUrl(config.databaseUrl) }, 'database open');
  return database;
}

export async function migratePostgres(ownerUrl: string, appUrl: string, log: Logger): Promise<string[]> {
  const owner = new Kysely<DB>({
    dialect: new PostgresDialect({
      pool: new pg.Pool({ connectionString: ownerUrl, max: 1, connectionTimeoutMillis: 5_000 }),
    }),
  });
  try {
    const appRole = ownerUrl === appUrl ? undefined : decodeURIComponent(new URL(appUrl).username) || undefined;
    const applied = await migrate(owner, { appRole });
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    return applied;
  } finally {
    await owner.destroy();
  }
}
