import { type Kysely, sql } from 'kysely';
import { identifiersOf } from '../cases/persons.service.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import { unlessUnreadable } from '../platform/crypto/unreadable.ts';
import type { DB } from '../platform/db/schema.ts';
import type { PersonIdentifiers } from '../search/persons.ts';
import type { PersonSource } from '../search/sources.ts';
import { openContent } from './content.ts';

/** The identifiers of the persons named in reports, for the re-indexing of person tokens after a rotation (submit.service.ts). */
export function reportPersonSource(keys: KeyRing): PersonSource {
  return {
    objectType: 'report_person',
    async persons(tx: Kysely<DB>, objectIds: readonly string[]) {
      const found = new Map<string, { scope: { type: 'report'; id: string }; identifiers: PersonIdentifiers } | null>();
      if (objectIds.length === 0) return found;
      const rows = await tx
        .selectFrom('reports')
        .select(['id', 'content_sealed', 'person_ids'])
        .where(sql<boolean>`person_ids && ${sql.val([...objectIds])}::uuid[]`)
        .execute();
      const ring = keys.using(tx);
      const wanted = new Set(objectIds);
      for (const row of rows) {
        const content = await unlessUnreadable(openContent(ring, row.id, row.content_sealed));
        row.person_ids.forEach((personId, i) => {
          if (!wanted.has(personId)) return;
          const person = content?.persons[i];
          found.set(
            personId,
            person === undefined
              ? null
              : { scope: { type: 'report', id: row.id }, identifiers: identifiersOf({ ...person, location: '' }) },
          );
        });
      }
      return found;
    },
  };
}
