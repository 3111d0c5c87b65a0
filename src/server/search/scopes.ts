import type { Kysely } from 'kysely';
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
