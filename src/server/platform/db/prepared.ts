import { createHash } from 'node:crypto';
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './database.ts';
import type { DB } from './schema.ts';

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

/** The name of a prepared statement: from its text, so that a changed statement is a new one. */
export const statementName = nameOf;

/** The named statements of each PostgreSQL pool, by the Kysely handle over it (preparedOf). */
const poolStatements = new WeakMap<Kysely<DB>, Database['prepared']>();

/** Called once by the PostgreSQL engine as it opens its pool. */
export function sharePoolStatements(db: Kysely<DB>, prepared: Database['prepared']): void {
  poolStatements.set(db, prepared);
}

/**
 * The named prepared statements of the PostgreSQL pool behind this handle, for a statement written
 * out once that many callers send (the audit event's insert): undefined for a transaction, which
 * holds its own connection, and for the embedded engine, where planning costs no round trip. The
 * caller then sends the statement through Kysely.
 */
export function preparedOf(executor: Kysely<DB>): Database['prepared'] | undefined {
  return executor.isTransaction ? undefined : poolStatements.get(executor);
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

const MARK = '\u0000tma-value:';

/**
 * A prepared read of one fixed shape, built and compiled by Kysely once per process instead of on
 * every call (each build and compile walks the query's whole tree: a twentieth of a busy list's
 * time, bench/assessments.ts). `build` gets a marker in place of each named value and must not
 * look at them: whatever it does with a value is done once. Values written into the query itself
 * (a kind, a status) stay as they were compiled. Outside a transaction only, as runPrepared.
 */
export function preparedRead<V extends Record<string, unknown>, R>(
  prefix: string,
  build: (db: Kysely<DB>, values: V) => Compilable<R>,
): (database: Database, values: V) => Promise<R[]> {
  let made: { readonly name: string; readonly sql: string; readonly order: readonly Slot[] } | undefined;
  return async (database, values) => {
    if (made === undefined) {
      const markers = Object.fromEntries(Object.keys(values).map((k) => [k, `${MARK}${k}`])) as V;
      const { sql, parameters } = build(database.db, markers).compile();
      const order = parameters.map((p): Slot => {
        if (typeof p === 'string' && p.startsWith(MARK)) return { named: p.slice(MARK.length) };
        // A marker inside anything else (an array, an expression) would go to the database as text.
        if (JSON.stringify(p)?.includes(MARK.slice(1)) === true)
          throw new Error(`${prefix}: a named value must be a parameter of its own`);
        return { fixed: p };
      });
      made = { name: nameOf(prefix, sql), sql, order };
    }
    const params = made.order.map((slot) => ('named' in slot ? values[slot.named] : slot.fixed));
    return database.prepared<R>(made.name, made.sql, params);
  };
}

type Slot = { readonly named: string } | { readonly fixed: unknown };
