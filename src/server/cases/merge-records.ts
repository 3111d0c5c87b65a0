import { caseReference } from '../../contract/cases.ts';
import type { MergeRecord } from '../../contract/links.ts';
import type { Actor } from '../access/actor.ts';
import type { FieldContext } from '../platform/crypto/sealed-field.ts';
import { userRefs } from './cases.repository.ts';
import type { CasesContext } from './context.ts';
import { meets, type Reach, reachOf } from './reach.ts';

/**
 * The record a merge leaves in the case merged into (case_merges): the reason, and what moved,
 * sealed with that case's key, each bound to its row.
 */
export interface MergeManifest {
  readonly persons: readonly { readonly id: string; readonly from: string; readonly to: string }[];
  readonly documents: readonly string[];
  readonly members: readonly string[];
  readonly recused: readonly string[];
  readonly links: readonly string[];
}

export const mergePlace = (mergeId: string, column: 'reason' | 'manifest'): FieldContext => ({
  table: 'case_merges',
  column,
  rowId: mergeId,
});

/**
 * The merges into a case, oldest first, as this reader may read them: the duplicate named only to
 * someone who reaches it, links counted only where the reader reads the other case wholly, and
 * the accounts left out for a conflict of interest only to those who oversee conflicts (reach.ts).
 */
export async function mergeRecords(
  ctx: CasesContext,
  actor: Actor,
  reach: Reach,
  caseId: string,
): Promise<MergeRecord[]> {
  const db = ctx.database.db;
  const rows = await db
    .selectFrom('case_merges as m')
    .innerJoin('cases as s', 's.id', 'm.source_case')
    .select(['m.id', 'm.source_case', 'm.merged_by', 'm.merged_at', 'm.reason_sealed', 'm.manifest_sealed'])
    .select(['s.year', 's.number'])
    .where('m.target_case', '=', caseId)
    .orderBy('m.merged_at')
    .execute();
  if (rows.length === 0) return [];
  const ring = ctx.keys.using(db);
  const opened = await Promise.all(
    rows.map(async (row) => ({
      row,
      reason: await ring.openText(row.reason_sealed, mergePlace(row.id, 'reason')),
      manifest: JSON.parse(await ring.openText(row.manifest_sealed, mergePlace(row.id, 'manifest'))) as MergeManifest,
    })),
  );
  const refs = await userRefs(
    db,
    ctx.keys,
    opened.flatMap(({ row, manifest }) => [row.merged_by, ...manifest.members, ...manifest.recused]),
  );
  const ref = (id: string) => refs.get(id) ?? { id, displayName: null };
  const now = ctx.clock.now();
  const oversees = meets(reach, { kind: 'oversee' });
  const records: MergeRecord[] = [];
  for (const { row, reason, manifest } of opened) {
    const source = await reachOf(db, actor, row.source_case, now);
    let links = 0;
    for (const other of manifest.links) {
      const there = await reachOf(db, actor, other, now);
      if (there !== undefined && meets(there, { kind: 'overview' })) links += 1;
    }
    records.push({
      id: row.id,
      source: { id: row.source_case, reference: source === undefined ? null : caseReference(row.year, row.number) },
      mergedAt: row.merged_at.toISOString(),
      mergedBy: row.merged_by === null ? null : ref(row.merged_by),
      reason,
      persons: manifest.persons.map((p) => ({ ...p })),
      documents: manifest.documents.length,
      members: manifest.members.map(ref),
      recused: oversees ? manifest.recused.map(ref) : [],
      links,
    });
  }
  return records;
}
