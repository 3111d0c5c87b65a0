import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';

/** Restricted documents that do not list the user: out of their sight everywhere. */
function hiddenFrom(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('documents as d')
    .select('d.id')
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
    );
}

/** Which of these documents are restricted and do not list the user. */
export async function hiddenAmong(db: Kysely<DB>, ids: readonly string[], userId: string): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await hiddenFrom(db, userId)
    .where('d.id', 'in', [...ids])
    .execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * The restricted documents of a case the user is not listed for: left out of the timeline (their
 * entries and attachments) as from every list.
 */
export async function hiddenDocuments(db: Kysely<DB>, caseId: string, userId: string): Promise<Set<string>> {
  const rows = await hiddenFrom(db, userId)
    .where('d.owner_type', '=', 'case')
    .where('d.owner_id', '=', caseId)
    .execute();
  return new Set(rows.map((r) => r.id));
}
