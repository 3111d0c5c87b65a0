import type { KeyRing } from '../platform/crypto/key-ring.ts';
import { type DataKey, type FieldContext, sealField } from '../platform/crypto/sealed-field.ts';
import type { IndexedText } from '../search/search-index.ts';

/**
 * A case's own texts, sealed with the case's data key, each bound to its row and column; the
 * reasons of status and priority changes and of break-glass are bound to their own rows.
 */
export interface CaseTexts {
  readonly title: string;
  readonly summary: string;
  readonly tags: readonly string[];
}

export const casePlace = (caseId: string, column: 'title' | 'summary' | 'tags'): FieldContext => ({
  table: 'cases',
  column,
  rowId: caseId,
});

export const reasonPlace = (
  table: 'case_status_changes' | 'case_priority_changes' | 'break_glass',
  rowId: string,
): FieldContext => ({ table, column: table === 'break_glass' ? 'purpose' : 'reason', rowId });

export function sealTexts(key: DataKey, caseId: string, texts: Partial<CaseTexts>) {
  return {
    ...(texts.title === undefined ? {} : { title_sealed: sealField(key, texts.title, casePlace(caseId, 'title')) }),
    ...(texts.summary === undefined
      ? {}
      : { summary_sealed: sealField(key, texts.summary, casePlace(caseId, 'summary')) }),
    ...(texts.tags === undefined
      ? {}
      : { tags_sealed: sealField(key, JSON.stringify(texts.tags), casePlace(caseId, 'tags')) }),
  };
}

export async function openTexts(
  keys: KeyRing,
  caseId: string,
  row: { title_sealed: Uint8Array; summary_sealed: Uint8Array; tags_sealed: Uint8Array },
): Promise<CaseTexts> {
  const [title, summary, tags] = await Promise.all([
    keys.openText(row.title_sealed, casePlace(caseId, 'title')),
    keys.openText(row.summary_sealed, casePlace(caseId, 'summary')),
    keys.openText(row.tags_sealed, casePlace(caseId, 'tags')),
  ]);
  return { title, summary, tags: JSON.parse(tags) as string[] };
}

/** What the search index holds of a case: its title, summary and tags, within the case's scope (a blank text removes its entry). */
export function indexedTexts(caseId: string, texts: CaseTexts): IndexedText[] {
  const base = { objectType: 'case', objectId: caseId, scope: { type: 'case' as const, id: caseId } };
  return [
    { ...base, field: 'title', text: texts.title },
    { ...base, field: 'summary', text: texts.summary },
    { ...base, field: 'tags', text: texts.tags.join(' ') },
  ];
}

/** Only the title: what a list shows to those who may see it. */
export async function openTitle(keys: KeyRing, caseId: string, sealed: Uint8Array): Promise<string> {
  return keys.openText(sealed, casePlace(caseId, 'title'));
}
