import type { Kysely } from 'kysely';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import { unlessUnreadable } from '../platform/crypto/unreadable.ts';
import type { DB } from '../platform/db/schema.ts';
import type { TextSource } from '../search/sources.ts';
import { contentPlace, type EntryContent } from './context.ts';

/**
 * The current version's title, text and source of written entries, within their case, for the
 * re-indexing after a rotation of the search key and after a merge (entries.service.ts indexes
 * them the same way when they are written).
 */
export function timelineTextSource(keys: KeyRing): TextSource {
  return {
    objectType: 'timeline_entry',
    async texts(tx: Kysely<DB>, objectIds: readonly string[]) {
      const texts = new Map<string, { field: string; scope: { type: 'case'; id: string }; text: string | null }[]>();
      if (objectIds.length === 0) return texts;
      const rows = await tx
        .selectFrom('timeline_entries as e')
        .innerJoin('timeline_entry_versions as v', (join) =>
          join.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.version'),
        )
        .select(['e.id', 'e.case_id', 'e.version', 'v.content_sealed'])
        .where('e.id', 'in', [...objectIds])
        .execute();
      const ring = keys.using(tx);
      for (const row of rows) {
        const scope = { type: 'case' as const, id: row.case_id };
        const opened = await unlessUnreadable(ring.openText(row.content_sealed, contentPlace(row.id, row.version)));
        const content = opened === null ? null : (JSON.parse(opened) as EntryContent);
        texts.set(
          row.id,
          (['title', 'body', 'source'] as const).map((field) => ({ field, scope, text: content?.[field] ?? null })),
        );
      }
      return texts;
    },
  };
}
