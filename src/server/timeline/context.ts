import type { CaseSection } from '../../contract/cases.ts';
import type { EntryKind } from '../../contract/timeline.ts';
import { WRITTEN_KINDS } from '../../contract/timeline.ts';
import type { CasesContext } from '../cases/context.ts';
import { meets, type Reach } from '../cases/reach.ts';
import type { FieldContext } from '../platform/crypto/sealed-field.ts';
import type { ChartCache } from './chart-cache.ts';

/**
 * What the timeline services need (app.ts): the cases' context, the company's time zone and the
 * charts kept between reads.
 */
export interface TimelineContext extends CasesContext {
  /** Days and times of entries are the company's (TMA_TIME_ZONE). */
  readonly timeZone: string;
  readonly charts: ChartCache;
}

/** The sealed title, text and source of one version of a written entry, bound to both. */
export const contentPlace = (entryId: string, version: number): FieldContext => ({
  table: 'timeline_entry_versions',
  column: 'content',
  rowId: `${entryId}/${version}`,
});

export interface EntryContent {
  readonly title: string;
  readonly body: string;
  readonly source: string;
}

export const reads = (reach: Reach, section: CaseSection): boolean =>
  meets(reach, { kind: 'section', section, write: false });

/**
 * Which kinds of entry a reader of the timeline sees. The timeline holds what other parts of the
 * case hold too, and shows it only to those who may see it there: grants and revocations to those
 * who see who works on the case; a break-glass and a document's download to those who read its
 * access log; a document's upload or deletion to readers of the documents section.
 */
export function visibleKinds(reach: Reach): EntryKind[] {
  const kinds: EntryKind[] = [...WRITTEN_KINDS, 'opened', 'status', 'priority', 'report'];
  if (meets(reach, { kind: 'roster' })) kinds.push('grant', 'revoke', 'lead');
  if (meets(reach, { kind: 'manage' })) kinds.push('break_glass');
  if (reads(reach, 'documents')) kinds.push('document_uploaded', 'document_deleted');
  // Who took which file away is the access log's kind of knowledge, as a break-glass is.
  if (reads(reach, 'documents') && meets(reach, { kind: 'manage' })) kinds.push('document_downloaded');
  return kinds;
}
