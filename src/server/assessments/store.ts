import type { AssessmentContent, ItemRating } from '../../contract/assessments.ts';
import type { CasesContext } from '../cases/context.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import { type DataKey, type FieldContext, sealField } from '../platform/crypto/sealed-field.ts';
import type { AssessmentRow } from '../platform/db/schema.ts';
import type { PinnedModels } from './models.ts';

/** What the assessment services need (app.ts): the cases' context, the company's time zone, the pinned models. */
export interface AssessmentsContext extends CasesContext {
  /** Review dates are days of the company (TMA_TIME_ZONE). */
  readonly timeZone: string;
  readonly models: PinnedModels;
}

type Column = 'content' | 'special' | 'previous' | 'previous_special' | 'judgments';

/**
 * Where a sealed part of an assessment belongs. Content and special ratings are bound to the
 * version they were saved as: an older sealed value put back into the row does not open.
 */
export const place = (id: string, column: Column, version?: number): FieldContext => ({
  table: 'assessments',
  column,
  rowId: version === undefined ? id : `${id}/${version}`,
});

type Ratings = Record<string, ItemRating>;

/** The content split in two: the special categories' ratings apart from the rest. */
export function split(
  content: AssessmentContent,
  special: ReadonlySet<string>,
): { main: AssessmentContent; special: Ratings } {
  const main: Ratings = {};
  const apart: Ratings = {};
  for (const [key, rating] of Object.entries(content.ratings)) (special.has(key) ? apart : main)[key] = rating;
  return { main: { ...content, ratings: main }, special: apart };
}

export function sealContent(
  key: DataKey,
  id: string,
  version: number,
  content: AssessmentContent,
  special: ReadonlySet<string>,
) {
  const parts = split(content, special);
  return {
    content_sealed: sealField(key, JSON.stringify(parts.main), place(id, 'content', version)),
    special_sealed: sealField(key, JSON.stringify(parts.special), place(id, 'special', version)),
  };
}

/**
 * The content as the reader may have it: the special categories' ratings opened only when
 * `withSpecial` (the reader's scope includes them); otherwise they are never opened at all.
 */
export async function openContent(
  ring: KeyRing,
  row: Pick<AssessmentRow, 'id' | 'version' | 'content_sealed' | 'special_sealed'>,
  withSpecial: boolean,
): Promise<AssessmentContent> {
  const main = JSON.parse(
    await ring.openText(row.content_sealed, place(row.id, 'content', row.version)),
  ) as AssessmentContent;
  if (!withSpecial) return main;
  const special = JSON.parse(await ring.openText(row.special_sealed, place(row.id, 'special', row.version))) as Ratings;
  return { ...main, ratings: { ...main.ratings, ...special } };
}

/** The special categories' ratings alone, to keep them as they are when a rater without the scope saves. */
export async function openSpecial(
  ring: KeyRing,
  row: Pick<AssessmentRow, 'id' | 'version' | 'special_sealed'>,
): Promise<Ratings> {
  return JSON.parse(await ring.openText(row.special_sealed, place(row.id, 'special', row.version))) as Ratings;
}

/** The ratings an assessment started from, sealed as its content is: the special categories' apart. */
export function sealPrevious(key: DataKey, id: string, previous: Ratings | null, special: ReadonlySet<string>) {
  if (previous === null) return { previous_sealed: null, previous_special_sealed: null };
  const main: Ratings = {};
  const apart: Ratings = {};
  for (const [item, rating] of Object.entries(previous)) (special.has(item) ? apart : main)[item] = rating;
  return {
    previous_sealed: sealField(key, JSON.stringify(main), place(id, 'previous')),
    previous_special_sealed: sealField(key, JSON.stringify(apart), place(id, 'previous_special')),
  };
}

/** The ratings it started from, the special categories' opened only `withSpecial`. */
export async function openPrevious(
  ring: KeyRing,
  row: Pick<AssessmentRow, 'id' | 'previous_sealed' | 'previous_special_sealed'>,
  withSpecial: boolean,
): Promise<Ratings | null> {
  if (row.previous_sealed === null) return null;
  const main = JSON.parse(await ring.openText(row.previous_sealed, place(row.id, 'previous'))) as Ratings;
  if (!withSpecial || row.previous_special_sealed === null) return main;
  const apart = JSON.parse(
    await ring.openText(row.previous_special_sealed, place(row.id, 'previous_special')),
  ) as Ratings;
  return { ...main, ...apart };
}

/** What a finalised assessment's list entry opens: its judgments' values, and an external instrument's result. */
export interface Finals {
  readonly judgments: Record<string, string | null>;
  readonly result: { instrument: string | null; level: string | null; on: string | null } | null;
}

export function sealFinals(key: DataKey, id: string, finals: Finals): Buffer {
  return sealField(key, JSON.stringify(finals), place(id, 'judgments'));
}

/**
 * A finalised assessment's finals never change (the table's trigger refuses it): opened once while
 * the case's key is held (KeyRing.openFixed). A draft's change with every save, and are opened each time.
 */
export async function openFinals(
  ring: KeyRing,
  row: Pick<AssessmentRow, 'id' | 'status' | 'judgments_sealed'>,
): Promise<Finals> {
  if (row.judgments_sealed === null) return { judgments: {}, result: null };
  const where = place(row.id, 'judgments');
  if (row.status === 'final') return ring.openFixed(row.judgments_sealed, where, (text) => JSON.parse(text) as Finals);
  return JSON.parse(await ring.openText(row.judgments_sealed, where)) as Finals;
}

/** A finalised assessment's finals if the ring keeps them opened (KeyRing.keptFixed); undefined for the rest. */
export function keptFinals(
  ring: KeyRing,
  row: Pick<AssessmentRow, 'id' | 'status' | 'judgments_sealed'>,
): Finals | undefined {
  if (row.status !== 'final' || row.judgments_sealed === null) return undefined;
  return ring.keptFixed<Finals>(row.judgments_sealed, place(row.id, 'judgments'))?.value;
}
