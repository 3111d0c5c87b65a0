import type { Kysely } from 'kysely';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import { type DataKey, sealField } from '../platform/crypto/sealed-field.ts';
import type { DB } from '../platform/db/schema.ts';
import type { SearchIndex } from '../search/search-index.ts';
import { contentPlace } from './context.ts';
import { timelineTextSource } from './search-source.ts';

/**
 * A merge takes the duplicate's timeline along (cases/merge.service.ts): every entry moves to the
 * target, every version of a written one sealed again with the target's key and its current text
 * indexed again in the target's scope. The merge's own recorded entries stay on each side.
 */
export async function moveTimeline(
  tx: Kysely<DB>,
  ring: KeyRing,
  search: SearchIndex,
  move: { readonly sourceId: string; readonly targetId: string; readonly targetKey: DataKey },
): Promise<number> {
  const entries = await tx
    .selectFrom('timeline_entries')
    .select(['id', 'written'])
    .where('case_id', '=', move.sourceId)
    .forUpdate()
    .execute();
  if (entries.length === 0) return 0;
  const written = entries.filter((e) => e.written).map((e) => e.id);
  if (written.length > 0) {
    const versions = await tx
      .selectFrom('timeline_entry_versions')
      .select(['entry_id', 'version', 'content_sealed'])
      .where('entry_id', 'in', written)
      .execute();
    for (const v of versions) {
      const place = contentPlace(v.entry_id, v.version);
      const content = await ring.openText(v.content_sealed, place);
      await tx
        .updateTable('timeline_entry_versions')
        .set({ content_sealed: sealField(move.targetKey, content, place) })
        .where('entry_id', '=', v.entry_id)
        .where('version', '=', v.version)
        .execute();
    }
  }
  await tx
    .updateTable('timeline_entries')
    .set({ case_id: move.targetId })
    .where('case_id', '=', move.sourceId)
    .execute();
  const texts = await timelineTextSource(ring).texts(tx, written);
  await search.indexMany(
    tx,
    [...texts].flatMap(([objectId, fields]) =>
      fields.map((f) => ({
        objectType: 'timeline_entry',
        objectId,
        field: f.field,
        scope: f.scope,
        text: f.text ?? '',
      })),
    ),
  );
  return entries.length;
}
