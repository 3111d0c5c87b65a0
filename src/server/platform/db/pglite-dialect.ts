import type { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';

/**
 * Kysely dialect for the embedded engine. PGlite is one Postgres backend in this process: one
 * connection, no locks of its own between callers. The driver hands that connection to one
 * holder at a time (a FIFO queue), so a transaction is never interleaved with another caller's
 * statements.
 */
export class PGliteDialect implements Dialect {
  readonly #pg: PGlite;
  readonly #queue: ConnectionQueue;
  constructor(pg: PGlite, queue: ConnectionQueue) {
    this.#pg = pg;
    this.#queue = queue;
  }
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.#pg, this.#queue);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Parameters<Dialect['createIntrospector']>[0]) {
    return new PostgresIntrospector(db);
  }
}

/** A FIFO lock with a visible queue length (reported as pool usage in /metrics). */
export class ConnectionQueue {
  #tail: Promise<void> = Promise.resolve();
  #waiting = 0;
  #busy = false;
  get waiting(): number {
    return this.#waiting;
  }
  get busy(): boolean {
    return this.#busy;
  }
  async acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const previous = this.#tail;
    this.#tail = previous.then(() => next);
    this.#waiting++;
    await previous;
    this.#waiting--;
    this.#busy = true;
    return () => {
      this.#busy = false;
      release();
    };
  }
}

class PGliteConnection implements DatabaseConnection {
  readonly #pg: PGlite;
  release: (() => void) | undefined;
  constructor(pg: PGlite) {
    this.#pg = pg;
  }
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (query.parameters.length === 0) {
      // Scripts without parameters (migrations) may hold several statements; only the simple
      // protocol (exec) accepts that. The last statement's result is the query's result.
      const results = await this.#pg.exec(query.sql);
      const last = results.at(-1);
      return { rows: (last?.rows ?? []) as R[], numAffectedRows: BigInt(last?.affectedRows ?? 0) };
    }
    const result = await this.#pg.query<R>(query.sql, [...query.parameters]);
    return { rows: result.rows, numAffectedRows: BigInt(result.affectedRows ?? 0) };
  }
  // biome-ignore lint/correctness/useYield: streaming is not offered by the embedded engine
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not supported on the embedded engine');
  }
}

class PGliteDriver implements Driver {
  readonly #pg: PGlite;
  readonly #queue: ConnectionQueue;
  constructor(pg: PGlite, queue: ConnectionQueue) {
    this.#pg = pg;
    this.#queue = queue;
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.#queue.acquire();
    const connection = new PGliteConnection(this.#pg);
    connection.release = release;
    return connection;
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as PGliteConnection;
    const release = c.release;
    c.release = undefined;
    release?.();
  }
  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const level = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    const mode = settings.accessMode ? ` ${settings.accessMode}` : '';
    await connection.executeQuery(CompiledQuery.raw(`begin${level}${mode}`));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
  async destroy(): Promise<void> {
    // The owner of the PGlite instance closes it (see database.ts), after the lock file rules.
  }
}
