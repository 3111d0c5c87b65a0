import { ConfigError, loadConfig } from './config.ts';
import { openEmbedded } from './platform/db/database.ts';
import { DataDirLockedError } from './platform/db/lockfile.ts';
import { MigrationError, migrate } from './platform/db/migrate.ts';
import { migratePostgres } from './platform/db/open.ts';
import { createLogger } from './platform/http/logging.ts';

/**
 * `npm run migrate`: applies pending migrations and exits. On the embedded engine it takes the
 * data directory's lock, so it refuses while a server runs on the same directory.
 */
async function run(): Promise<string[]> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  if (config.databaseUrl !== undefined) {
    return migratePostgres(config.migrationDatabaseUrl ?? config.databaseUrl, config.databaseUrl, log);
  }
  const database = await openEmbedded({ dataDir: config.dataDir });
  try {
    return await migrate(database.db);
  } finally {
    await database.close();
  }
}

try {
  const applied = await run();
  process.stdout.write(applied.length > 0 ? `tma: applied ${applied.join(', ')}\n` : 'tma: the schema is up to date\n');
} catch (error) {
  const clear = error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof MigrationError;
  process.stderr.write(`tma: migrate failed: ${clear ? error.message : String(error)}\n`);
  process.exit(1);
}
