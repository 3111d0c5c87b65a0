import { createHash } from 'node:crypto';
import type { Compilable, CompiledQuery } from 'kysely';
import type { Database } from './database.ts';

/** Statement names by prefix and text: the shapes are few, and hashing each call's text is not free. */
const names = new Map<string, string>();

function nameOf(prefix: string, text: string): string {
  const known = `${prefix}\n${text}`;
  let name = names.get(known);
  if (name === undefined) {
    name = `${prefix}_${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
    names.set(known, name);
  }
  return name;
}

/**
 * A read on a hot path run as a named prepared statement (Database.prepared): parsed and planned
 * once per pooled connection. The case list and a case's reach spend more of PostgreSQL's time
 * planning than running (bench/cases.ts). The name comes from the statement's text, so each shape
 * of a query (its filters, its sort) is one statement, and a changed query is a new one. Only for
 * queries with a bounded number of shapes (no lists of values: an array parameter instead), and
 * never inside a transaction. A raw `sql` query comes compiled (`query.compile(db)`).
 */
export async function runPrepared<R>(
  database: Database,
  prefix: string,
  query: Compilable<R> | CompiledQuery<R>,
): Promise<R[]> {
  const { sql, parameters } = 'compile' in query ? query.compile() : query;
  return database.prepared<R>(nameOf(prefix, sql), sql, parameters);
}
