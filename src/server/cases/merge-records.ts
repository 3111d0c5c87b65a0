import { caseReference } from '../../contract/cases.ts';
import type { MergeRecord } from '../../contract/links.ts';
import type { FieldContext } from '../platform/crypto/sealed-field.ts';
import { userRefs } from './cases.repository.ts';
import type { CasesContext } from './context.ts';

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

/** The merges into a case, oldest first, as its members read them. */
export async function mergeRecords(ctx: CasesContext, caseId: string): Promise<MergeRecord[]> {
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
  return opened.map(({ row, reason, manifest }) => ({
    id: row.id,
    source: { id: row.source_case, reference: caseReference(row.year, row.number) },
    mergedAt: row.merged_at.toISOString(),
    mergedBy: row.merged_by === null ? null : ref(row.merged_by),
    reason,
    persons: manifest.persons.map((p) => ({ ...p })),
    documents: manifest.documents.length,
    members: manifest.members.map(ref),
    recused: manifest.recused.map(ref),
    links: manifest.links.length,
  }));
}
