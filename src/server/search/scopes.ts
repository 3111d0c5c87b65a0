import type { Kysely } from 'kysely';
import { MissingKeyError } from '../platform/crypto/key-ring.ts';
import type { DB } from '../platform/db/schema.ts';
import type { Scope } from './scope-tokens.ts';

/**
 * Every search token of these scopes, full text and person identifiers, in the caller's
 * transaction: shredding a case removes what could still find or link its content.
 */
export async function removeSearchScopes(tx: Kysely<DB>, scopes: readonly Scope[]): Promise<number> {
  let removed = 0;
  for (const type of ['case', 'report'] as const) {
    const ids = scopes.filter((s) => s.type === type).map((s) => s.id);
    if (ids.length === 0) continue;
    for (const table of ['search_entries', 'person_tokens'] as const) {
      const result = await tx
        .deleteFrom(table)
        .where('scope_type', '=', type)
        .where('scope_id', 'in', ids)
        .executeTakeFirst();
      removed += Number(result.numDeletedRows);
    }
  }
  return removed;
}

/**
 * Holds the data keys of these scopes for the rest of the caller's transaction (FOR SHARE, as a
 * report joining a case does), so that a case shredded meanwhile either went first, and indexing
 * refuses (MissingKeyError: no tokens outlive their case), or waits until the tokens are written
 * and then removes them with the rest.
 */
export async function holdScopes(tx: Kysely<DB>, scopes: readonly Scope[]): Promise<void> {
  const held = await heldScopes(tx, scopes);
  const missing = scopes.find((s) => !held.has(scopeName(s)));
  if (missing !== undefined) throw new MissingKeyError(`of ${missing.type} ${missing.id}`);
}

export const scopeName = (scope: Scope): string => `${scope.type}:${scope.id}`;

/** Holds the data keys of those of these scopes that have one (see holdScopes); their names. */
export async function heldScopes(tx: Kysely<DB>, scopes: readonly Scope[]): Promise<Set<string>> {
  const held = new Set<string>();
  for (const type of ['case', 'report'] as const) {
    const ids = [...new Set(scopes.filter((s) => s.type === type).map((s) => s.id))];
    if (ids.length === 0) continue;
    const rows = await tx
      .selectFrom('data_keys')
      .select('owner_id')
      .where('purpose', '=', type)
      .where('owner_id', 'in', ids)
      .forShare()
      .execute();
    for (const row of rows) if (row.owner_id !== null) held.add(scopeName({ type, id: row.owner_id }));
  }
  return held;
}
