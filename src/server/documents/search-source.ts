import type { Kysely } from 'kysely';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import { unlessUnreadable } from '../platform/crypto/unreadable.ts';
import type { DB } from '../platform/db/schema.ts';
import type { TextSource } from '../search/sources.ts';
import { namePlace } from './documents.repository.ts';

/**
 * Document names for the re-indexing after a rotation of the search key: the name of each live
 * document's current version, as the upload indexed it (documents.service.ts).
 */
export function documentNameSource(keys: KeyRing): TextSource {
  return {
    objectType: 'document',
    async texts(tx: Kysely<DB>, objectIds: readonly string[]) {
      if (objectIds.length === 0) return new Map();
      const rows = await tx
        .selectFrom('documents as d')
        .innerJoin('document_versions as v', (join) =>
          join.onRef('v.document_id', '=', 'd.id').onRef('v.version', '=', 'd.current_version'),
        )
        .select(['d.id', 'd.owner_type', 'd.owner_id', 'v.id as version_id', 'v.name_sealed'])
        .where('d.id', 'in', objectIds)
        .where('d.deleted_at', 'is', null)
        .execute();
      const ring = keys.using(tx);
      const texts = new Map<
        string,
        { field: string; scope: { type: 'case' | 'report'; id: string }; text: string | null }[]
      >();
      for (const row of rows) {
        // A name that cannot be opened is null: its entry goes, and the rest go on.
        const text = await unlessUnreadable(ring.openText(row.name_sealed, namePlace(row.version_id)));
        texts.set(row.id, [{ field: 'name', scope: { type: row.owner_type, id: row.owner_id }, text }]);
      }
      return texts;
    },
  };
}
