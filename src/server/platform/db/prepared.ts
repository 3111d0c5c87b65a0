import { createHash } from 'node:crypto';
import type { Compilable } from 'kysely';
import type { Database } from './database.ts';

/**
 * A read on a hot path run as a named prepared statement (Database.prepared): parsed and planned
 * once per pooled connection. The case list and a case's reach spend more of PostgreSQL's time
 * planning than running (bench/cases.ts). The name comes from the statement's text, so each shape
 * of a query (its filters, its sort) is one statement, and a changed query is a new one. Only for
 * queries with a bounded number of shapes (no lists of values), and never inside a transaction.
 */
export async function runPrepared<R>(database: Database, prefix: string, query: Compilable<R>): Promise<R[]> {
  const { sql, parameters } = query.compile();
  const name = `${prefix}_${createHash('sha256').update(sql).digest('hex').slice(0, 16)}`;
  return database.prepared<R>(name, sql, parameters);
}
