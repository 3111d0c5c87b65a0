import { AsyncLocalStorage } from 'node:async_hooks';
import type { DatabaseConnection, Driver, TransactionSettings } from 'kysely';

/**
 * Catches the one way a single-connection engine deadlocks: code that holds a connection (inside a
 * transaction) and asks for a second one (a "separate transaction", or a query on the outer
 * handle instead of the transaction's). PGlite has exactly one connection, so that second request
 * would wait for ever; on PostgreSQL it can exhaust the pool under load. Both engines fail fast
 * with the same error instead, so the mistake shows up in every test run.
 */
export class NestedConnectionError extends Error {
  readonly code = 'DB_NESTED_CONNECTION';
  constructor() {
    super(
      'a database connection was requested while this async context already holds one; use the transaction handle, or run the second unit of work after the first has finished',
    );
    this.name = 'NestedConnectionError';
  }
}

type Hold = { state: 'opening' | 'held' | 'released' };
const holds = new AsyncLocalStorage<Hold>();

/** Runs fn as the holder of one connection: the first acquire inside it is allowed, any further one throws. */
export function runHoldingConnection<T>(fn: () => Promise<T>): Promise<T> {
  const outer = holds.getStore();
  if (outer?.state === 'held' || outer?.state === 'opening') {
    return Promise.reject(new NestedConnectionError());
  }
  return holds.run({ state: 'opening' }, fn);
}

/** For queries that bypass Kysely's driver: the same rule, checked by hand. */
export function assertNotHoldingConnection(): void {
  const state = holds.getStore()?.state;
  if (state === 'held' || state === 'opening') throw new NestedConnectionError();
}

export class GuardedDriver implements Driver {
  readonly #inner: Driver;
  constructor(inner: Driver) {
    this.#inner = inner;
  }
  init(): Promise<void> {
    return this.#inner.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    const hold = holds.getStore();
    if (hold?.state === 'held') throw new NestedConnectionError();
    if (hold?.state === 'opening') hold.state = 'held';
    try {
      return await this.#inner.acquireConnection();
    } catch (error) {
      if (hold) hold.state = 'released';
      throw error;
    }
  }
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const hold = holds.getStore();
    if (hold?.state === 'held') hold.state = 'released';
    await this.#inner.releaseConnection(connection);
  }
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.#inner.beginTransaction(connection, settings);
  }
  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.commitTransaction(connection);
  }
  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.#inner.rollbackTransaction(connection);
  }
  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
}
