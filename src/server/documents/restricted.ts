import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';

/** Which of these documents are restricted and do not list the user. */
export async function hiddenAmong(db: Kysely<DB>, ids: readonly string[], userId: string): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('documents as d')
    .select('d.id')
    .where('d.id', 'in', [...ids])
    .where('d.restricted', '=', true)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('document_readers as r')
            .select('r.user_id')
            .whereRef('r.document_id', '=', 'd.id')
            .where('r.user_id', '=', userId),
        ),
      ),
    )
    .execute();
  return new Set(rows.map((r) => r.id));
}
