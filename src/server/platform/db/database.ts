import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { assertNotHoldingConnection, GuardedDriver, runHoldingConnection } from './connection-guard.ts';
import { acquireDirLock, type DirLock } from './lockfile.ts';
import { ConnectionQueue, PGliteDialect } from './pglite-dialect.ts';
import { sharePoolStatements } from './prepared.ts';
import type { DB } from './schema.ts';

export type Engine = 'pglite' | 'postgres';
export type Tx = Transaction<DB>;

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/** The database as the rest of the server sees it, whichever engine runs underneath. */
export interface Database {
  readonly engine: Engine;
  readonly db: Kysely<DB>;
  /** Runs fn in one transaction; asking for another connection inside it throws (see connection-guard). */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  /**
   * A read on the hot path of every request (the session lookup), as a named prepared statement
   * on PostgreSQL: parsed and planned once per connection instead of on every call, which more
   * than doubles what the database answers per second. Only for a few fixed statements: every
   * name stays prepared on every pooled connection. Not inside a transaction.
   */
  prepared<R>(name: string, text: string, params: readonly unknown[]): Promise<R[]>;
  poolStats(): PoolStats;
  /**
   * Calls back with the payload of every NOTIFY on the channel, delivered at the sender's commit
   * (never for a rollback). After a lost connection the callback gets null: something may have been
   * missed while it was away. Returns the unsubscribe.
   */
  listen(channel: string, onPayload: (payload: string | null) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {
  readonly code = 'DB_UNAVAILABLE';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

/** Both engines return int8 as a string (pg's default), so ids never lose precision. */
const INT8_OID = 20;
/** A date column is a calendar day, YYYY-MM-DD, on both engines: pg would make it local midnight, a time zone's guess. */
const DATE_OID = 1082;

function wrap(
  engine: Engine,
  db: Kysely<DB>,
  stats: () => PoolStats,
  close: () => Promise<void>,
  listen: Database['listen'],
  prepared?: Database['prepared'],
): Database {
  return {
    engine,
    db,
    listen,
    prepared:
      prepared ??
      (async <R>(_name: string, text: string, params: readonly unknown[]) => {
        assertNotHoldingConnection();
        return (await db.executeQuery<R>(CompiledQuery.raw(text, [...params]))).rows;
      }),
    transaction: (fn) => runHoldingConnection(() => db.transaction().execute(fn)),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    poolStats: stats,
    close,
  };
}

export interface EmbeddedOptions {
  /** A directory on disk, or undefined for an in-memory database (tests). */
  dataDir?: string;
  /** A data directory dump (PGlite dumpDataDir) to start from: test templates. */
  loadDataDir?: Blob;
}

export interface EmbeddedDatabase extends Database {
  /** A compressed copy of the whole data directory (test templates, backups later). */
  dump(): Promise<Blob>;
}

export async function openEmbedded(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  let lock: DirLock | undefined;
  let dir: string | undefined;
  if (options.dataDir !== undefined) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    lock = acquireDirLock(options.dataDir);
    dir = path.join(options.dataDir, 'pg');
  }
  try {
    const pglite = await PGlite.create({
      ...(dir !== undefined ? { dataDir: dir } : {}),
      ...(options.loadDataDir !== undefined ? { loadDataDir: options.loadDataDir } : {}),
      parsers: { [INT8_OID]: (v: string) => v, [DATE_OID]: (v: string) => v },
    });
    const queue = new ConnectionQueue();
    const db = new Kysely<DB>({ dialect: guarded(new PGliteDialect(pglite, queue)) });
    const database = wrap(
      'pglite',
      db,
      () => ({ total: 1, idle: queue.busy ? 0 : 1, waiting: queue.waiting }),
      async () => {
        await db.destroy();
        await pglite.close();
        lock?.release();
      },
      async (channel, onPayload) => {
        // LISTEN through the queue: never in the middle of another caller's transaction.
        const release = await queue.acquire();
        try {
          const stop = await pglite.listen(channel, onPayload);
          return async () => {
            const again = await queue.acquire();
            try {
              await stop();
            } finally {
              again();
            }
          };
        } finally {
          release();
        }
      },
    );
    return {
      ...database,
      dump: async () => {
        // Through the connection queue, so no transaction is in flight while the files are read.
        const release = await queue.acquire();
        try {
          return await pglite.dumpDataDir('gzip');
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/** TMA's transactions never wait on a person; one idle this long is a bug or a hung peer. */
const IDLE_IN_TRANSACTION_MS = 60_000;

export interface PostgresOptions {
  url: string;
  poolMax: number;
  statementTimeoutMs: number;
  onPoolError: (error: Error) => void;
}

export async function openPostgres(options: PostgresOptions): Promise<Database> {
  pg.types.setTypeParser(INT8_OID, (v) => v);
  pg.types.setTypeParser(DATE_OID, (v) => v);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    statement_timeout: options.statementTimeoutMs,
    // A transaction left open would hold back the audit chainer's horizon (and locks): end it.
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: 'tma',
  });
  // An idle client whose server connection dies emits on the pool; a client that is checked out
  // emits on itself (as well as failing its query). Without a listener either one would be an
  // uncaught 'error' event and end the process: a database failover must not crash the server.
  pool.on('error', options.onPoolError);
  pool.on('connect', (client) => client.on('error', options.onPoolError));
  const db = new Kysely<DB>({ dialect: guarded(new PostgresDialect({ pool })) });
  const listener = new Listener(options);
  const database = wrap(
    'postgres',
    db,
    () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async () => {
      await listener.close();
      await db.destroy();
    },
    (channel, onPayload) => listener.listen(channel, onPayload),
    async <R>(name: string, text: string, params: readonly unknown[]) => {
      assertNotHoldingConnection();
      const result = await pool.query({ name, text, values: [...params] });
      return result.rows as R[];
    },
  );
  sharePoolStatements(db, database.prepared);
  try {
    await database.ping();
  } catch (error) {
    await db.destroy().catch(() => {});
    throw new DatabaseUnavailableError(`cannot reach PostgreSQL at ${redactUrl(options.url)}: ${errorText(error)}`, {
      cause: error,
    });
  }
  return database;
}

/**
 * One connection of its own for LISTEN (a pooled one would go back to the pool and stop hearing),
 * opened on the first subscription and opened again after it is lost, with a null to every
 * subscriber then: what was sent meanwhile is gone.
 */
class Listener {
  readonly #options: PostgresOptions;
  readonly #subscribers = new Map<string, Set<(payload: string | null) => void>>();
  #client: pg.Client | undefined;
  #connecting: Promise<pg.Client> | undefined;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;

  constructor(options: PostgresOptions) {
    this.#options = options;
  }

  async listen(channel: string, onPayload: (payload: string | null) => void): Promise<() => Promise<void>> {
    if (!/^[a-z_]{1,40}$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
    let set = this.#subscribers.get(channel);
    const first = set === undefined;
    if (set === undefined) {
      set = new Set();
      this.#subscribers.set(channel, set);
    }
    set.add(onPayload);
    const client = await this.#connect();
    if (first) await client.query(`listen ${channel}`);
    return async () => {
      set.delete(onPayload);
      if (set.size === 0) {
        this.#subscribers.delete(channel);
        await this.#client?.query(`unlisten ${channel}`).catch(() => {});
      }
    };
  }

  #connect(): Promise<pg.Client> {
    if (this.#client !== undefined) return Promise.resolve(this.#client);
    this.#connecting ??= (async () => {
      // Keep-alive and a ping: a half-open connection would otherwise stop the news without an error.
      const client = new pg.Client({
        connectionString: this.#options.url,
        application_name: 'tma-listen',
        keepAlive: true,
      });
      client.on('notification', (n) => {
        for (const fn of this.#subscribers.get(n.channel) ?? []) fn(n.payload ?? '');
      });
      client.on('error', (error) => {
        this.#options.onPoolError(error);
        this.#lost(client);
      });
      client.on('end', () => this.#lost(client));
      try {
        await client.connect();
      } finally {
        this.#connecting = undefined;
      }
      this.#client = client;
      const ping = setInterval(() => {
        if (this.#client !== client) return clearInterval(ping);
        client.query('select 1').catch(() => client.end().catch(() => {}));
      }, 30_000);
      ping.unref();
      return client;
    })();
    return this.#connecting;
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    if (this.#closed) return;
    for (const set of this.#subscribers.values()) for (const fn of set) fn(null);
    const again = () => {
      this.#retry = undefined;
      if (this.#closed || this.#subscribers.size === 0) return;
      this.#connect()
        .then((c) => Promise.all([...this.#subscribers.keys()].map((ch) => c.query(`listen ${ch}`))))
        .catch(() => {
          this.#retry = setTimeout(again, 1_000);
        });
    };
    this.#retry = setTimeout(again, 1_000);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry !== undefined) clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }
}

function guarded<D extends PGliteDialect | PostgresDialect>(dialect: D): D {
  const createDriver = dialect.createDriver.bind(dialect);
  dialect.createDriver = () => new GuardedDriver(createDriver());
  return dialect;
}

/** host:port/database only: a connection string may carry a password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

function errorText(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(errorText).join('; ');
  const e = error as { code?: string; message?: string };
  return [e.code, e.message].filter(Boolean).join(' ') || String(error);
}
