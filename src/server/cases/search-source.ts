import type { Kysely } from 'kysely';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import { unlessUnreadable } from '../platform/crypto/unreadable.ts';
import type { DB } from '../platform/db/schema.ts';
import type { PersonIdentifiers } from '../search/persons.ts';
import type { PersonSource, TextSource } from '../search/sources.ts';
import { identifiersOf, openIdentity } from './persons.service.ts';
import { indexedTexts, openTexts } from './texts.ts';

/**
 * A case's title, summary and tags for the re-indexing after a rotation of the search key, as
 * creating and editing the case index them (cases.service.ts).
 */
export function caseTextSource(keys: KeyRing): TextSource {
  return {
    objectType: 'case',
    async texts(tx: Kysely<DB>, objectIds: readonly string[]) {
      if (objectIds.length === 0) return new Map();
      const rows = await tx
        .selectFrom('cases')
        .select(['id', 'title_sealed', 'summary_sealed', 'tags_sealed'])
        .where('id', 'in', objectIds)
        .execute();
      const ring = keys.using(tx);
      const texts = new Map<string, { field: string; scope: { type: 'case'; id: string }; text: string | null }[]>();
      for (const row of rows) {
        const opened = await unlessUnreadable(openTexts(ring, row.id, row));
        const scope = { type: 'case' as const, id: row.id };
        // Texts that cannot be opened (tampered with, or the case shredded) are null: their entries go.
        texts.set(
          row.id,
          opened === null
            ? ['title', 'summary', 'tags'].map((field) => ({ field, scope, text: null }))
            : indexedTexts(row.id, opened).map((e) => ({ field: e.field, scope, text: e.text })),
        );
      }
      return texts;
    },
  };
}

/** The identifiers of a case's persons, for the re-indexing of person tokens (persons.service.ts). */
export function casePersonSource(keys: KeyRing): PersonSource {
  return {
    objectType: 'person',
    async persons(tx: Kysely<DB>, objectIds: readonly string[]) {
      const found = new Map<string, { scope: { type: 'case'; id: string }; identifiers: PersonIdentifiers } | null>();
      if (objectIds.length === 0) return found;
      const rows = await tx
        .selectFrom('case_persons')
        .select(['id', 'case_id', 'identity_sealed'])
        .where('id', 'in', objectIds)
        .execute();
      const ring = keys.using(tx);
      for (const row of rows) {
        const identity = await unlessUnreadable(openIdentity(ring, row));
        found.set(
          row.id,
          identity === null ? null : { scope: { type: 'case', id: row.case_id }, identifiers: identifiersOf(identity) },
        );
      }
      return found;
    },
  };
}
