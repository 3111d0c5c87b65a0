import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
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
  const unprotected = await auditProtectionGaps(database.db);
  if (unprotected.length > 0) {
    const message = `the application's database role ${unprotected.join(' and ')}: its audit trail is not append-only; give DATABASE_URL a role of its own and TMA_MIGRATION_DATABASE_URL the schema owner (docs/audit.md)`;
    if (config.env === 'production') {
      await database.close();
      throw new AuditProtectionError(message);
    }
    log.warn(message);
  }
  log.info({ engine: 'postgres', database: redactUrl(config.databaseUrl) }, 'database open');
  return database;
}

/** Production refuses to run with an application role that could rewrite its own audit trail. */
export class AuditProtectionError extends Error {
  readonly code = 'AUDIT_UNPROTECTED';
  constructor(message: string) {
    super(message);
    this.name = 'AuditProtectionError';
  }
}

/**
 * What the connected role could do to the audit trail beyond appending (SECURITY.md item 41):
 * owning the tables (it could disable their triggers), or the privilege to update, delete or
 * truncate them. Empty when the trail is append-only for it.
 */
export async function auditProtectionGaps(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ owns: boolean; rewrite: boolean }>`
    select bool_or(pg_has_role(current_user, c.relowner, 'USAGE')) as owns,
           bool_or(has_table_privilege(current_user, c.oid, 'UPDATE')
                or has_table_privilege(current_user, c.oid, 'DELETE')
                or has_table_privilege(current_user, c.oid, 'TRUNCATE')) as rewrite
    from pg_class c
    where c.oid in ('audit_events'::regclass, 'audit_chain'::regclass, 'audit_checkpoints'::regclass, 'audit_cuts'::regclass)`.execute(
    db,
  );
  const gaps: string[] = [];
  if (rows[0]?.owns) gaps.push('owns the audit tables');
  if (rows[0]?.rewrite) gaps.push('may update, delete or truncate audit rows');
  return gaps;
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
