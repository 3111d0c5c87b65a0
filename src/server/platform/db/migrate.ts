import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import type { DB } from './schema.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../../migrations/', import.meta.url));

/** Any fixed number: all TMA instances on one database agree on it. */
const MIGRATION_LOCK_KEY = 7_240_001;

export interface Migration {
  id: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  readonly code = 'MIGRATION_FAILED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(path.join(dir, file), 'utf8');
      return { id: file.replace(/\.sql$/, ''), sql: text, checksum: createHash('sha256').update(text).digest('hex') };
    });
}

export interface MigrateOptions {
  migrations?: Migration[];
  /** The application's role on PostgreSQL when it differs from the schema owner: granted DML. */
  appRole?: string | undefined;
}

/**
 * Applies pending migrations in order, each in its own transaction, under an advisory lock so
 * that instances starting at once apply each migration exactly once. Forward-only: an applied
 * migration whose file changed is an error, never silently re-run.
 */
export async function migrate(db: Kysely<DB>, options: MigrateOptions = {}): Promise<string[]> {
  const migrations = options.migrations ?? readMigrations();
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      await sql`create table if not exists schema_migrations (
        id text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`.execute(conn);
      const applied = new Map(
        (await conn.selectFrom('schema_migrations').select(['id', 'checksum']).execute()).map((r) => [
          r.id,
          r.checksum,
        ]),
      );
      const known = new Set(migrations.map((m) => m.id));
      for (const id of applied.keys()) {
        if (!known.has(id)) {
          throw new MigrationError(
            `the database has migration ${id}, which this release does not know; it was written by a newer release`,
          );
        }
      }
      const done: string[] = [];
      for (const m of migrations) {
        const checksum = applied.get(m.id);
        if (checksum !== undefined) {
          if (checksum !== m.checksum) {
            throw new MigrationError(`migration ${m.id} was changed after it was applied; add a new migration instead`);
          }
          continue;
        }
        await conn.transaction().execute(async (tx) => {
          try {
            await sql.raw(m.sql).execute(tx);
          } catch (error) {
            throw new MigrationError(`migration ${m.id} failed: ${(error as Error).message}`, { cause: error });
          }
          await tx.insertInto('schema_migrations').values({ id: m.id, checksum: m.checksum }).execute();
        });
        done.push(m.id);
      }
      if (options.appRole !== undefined) await grantAppRole(conn, options.appRole);
      return done;
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
    }
  });
}

/** The application role may read and write rows, never change the schema. */
async function grantAppRole(db: Kysely<DB>, role: string): Promise<void> {
  const { rows } = await sql<{ me: string }>`select current_user as me`.execute(db);
  if (rows[0]?.me === role) return;
  const r = sql.id(role);
  await sql`grant usage on schema public to ${r}`.execute(db);
  await sql`grant select, insert, update, delete on all tables in schema public to ${r}`.execute(db);
  await sql`grant usage, select on all sequences in schema public to ${r}`.execute(db);
  await sql`revoke insert, update, delete on schema_migrations from ${r}`.execute(db);
  // The audit trail is append-only for the application (SECURITY.md item 41); retention cuts are
  // the owner's alone.
  for (const table of APPEND_ONLY_TABLES) {
    await sql`revoke update, delete, truncate on ${sql.table(table)} from ${r}`.execute(db);
  }
  await sql`revoke insert on audit_cuts from ${r}`.execute(db);
}

export const APPEND_ONLY_TABLES = ['audit_events', 'audit_chain', 'audit_checkpoints', 'audit_cuts'] as const;
