import type { Kysely } from 'kysely';
import type {
  AssessmentContent,
  AssessmentDetail,
  AssessmentSummary,
  ItemRating,
  ListedAssessment,
  ListedModel,
} from '../../contract/assessments.ts';
import type { UserRef } from '../../contract/cases.ts';
import type { ModelDefinition } from '../../contract/models/definition.ts';
import { itemsOf, textOf } from '../../contract/models/validate.ts';
import { own } from '../../contract/rules/check.ts';
import type { Actor } from '../access/actor.ts';
import { userRefs } from '../cases/cases.repository.ts';
import type { Reach } from '../cases/reach.ts';
import { hiddenDocuments } from '../documents/restricted.ts';
import { unusedOf } from '../models/optional-items.ts';
import type { AssessmentRow, DB } from '../platform/db/schema.ts';
import { AppError } from '../platform/http/errors.ts';
import { reads } from '../timeline/context.ts';
import type { PinnedModel } from './models.ts';
import { compared, outcomeOf, specialItems, touches } from './ratings.ts';
import { type AssessmentsContext, type Finals, openContent, openFinals, openPrevious } from './store.ts';

/**
 * No such assessment for this reader (another rater's draft included): a plain 404, not a refusal
 * (guarded records a NotFoundError as one), since the reader may well read the case's assessments.
 */
export class AssessmentNotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
}

export async function pinnedOf(
  ctx: AssessmentsContext,
  db: Kysely<DB>,
  row: Pick<AssessmentRow, 'model_key' | 'model_version'>,
) {
  const pinned = await ctx.models.pinned(db, ctx.keys.using(db), row.model_key, row.model_version);
  // The foreign key keeps the version; published versions are never deleted.
  if (pinned === undefined) throw new Error(`model ${row.model_key}@${row.model_version} is gone`);
  return pinned;
}

/**
 * The model's name in both languages; a licensed one as the organisation filled it in (publishing
 * waits for that). Once per definition: a list names its model once per assessment.
 */
const titles = new WeakMap<ModelDefinition, { en: string; de: string }>();
function titleOf(model: ModelDefinition) {
  let title = titles.get(model);
  if (title === undefined) {
    title = { en: textOf(model, model.title, 'en') ?? model.key, de: textOf(model, model.title, 'de') ?? model.key };
    titles.set(model, title);
  }
  return title;
}

/**
 * The columns a summary is made of: everything but the sealed content, which a list never opens,
 * and the times, which a list reads as text (isoText) and a single assessment formats itself.
 */
export const SUMMARY_COLUMNS = [
  'id',
  'model_key',
  'model_version',
  'kind',
  'status',
  'rater_id',
  'version',
  'judgments_sealed',
  'priority',
  'review_due',
  'from_id',
  'basis',
] as const;

export type SummaryRow = Pick<AssessmentRow, (typeof SUMMARY_COLUMNS)[number]> & {
  /** started_at and finalised_at as the API writes them. */
  readonly started: string;
  readonly finalised: string | null;
};

/** An assessment as the list carries it: its model version and rater named by reference. */
export function listedOf(row: SummaryRow, finals: Finals, raters: ReadonlyMap<string, UserRef>): ListedAssessment {
  return {
    id: row.id,
    model: { key: row.model_key, version: row.model_version },
    kind: row.kind,
    status: row.status,
    rater: raters.has(row.rater_id) ? row.rater_id : null,
    version: row.version,
    startedAt: row.started,
    finalisedAt: row.finalised,
    judgments: finals.judgments,
    priority: row.priority,
    result: finals.result,
    reviewDue: row.review_due,
    from: row.from_id,
    basis: row.basis,
  };
}

/** A model version as the list names it, once for all its assessments. */
export const listedModel = (
  row: Pick<AssessmentRow, 'model_key' | 'model_version'>,
  model: ModelDefinition,
): ListedModel => ({ key: row.model_key, version: row.model_version, title: titleOf(model), kind: model.kind });

/** One assessment with its model version and rater written out (what a single assessment's answer begins with). */
function summaryOf(
  row: SummaryRow,
  model: ModelDefinition,
  finals: Finals,
  raters: ReadonlyMap<string, UserRef>,
): AssessmentSummary {
  const { kind, ...pin } = listedModel(row, model);
  return { ...listedOf(row, finals, raters), model: pin, modelKind: kind, rater: raters.get(row.rater_id) ?? null };
}

type Ratings = Record<string, ItemRating>;

/**
 * The disagreements with flags the reader may know of: without the special categories in their
 * scope, only with the flags their own view of the ratings raises (a flag raised by a withheld
 * rating would tell of it, and so would the reason given against it).
 */
export const overridesSeen = (overrides: Readonly<Record<string, string>>, flags: readonly string[] | null) =>
  flags === null
    ? { ...overrides }
    : Object.fromEntries(Object.entries(overrides).filter(([flag]) => flags.includes(flag)));

/** Evidence as the reader may see it: timeline entries with the timeline, documents with the documents not hidden from them. */
export interface Sight {
  readonly entries: boolean;
  readonly documents: boolean;
  readonly hidden: ReadonlySet<string>;
}

export async function sightOf(db: Kysely<DB>, reach: Reach, caseId: string, actor: Actor): Promise<Sight> {
  const documents = reads(reach, 'documents');
  return {
    entries: reads(reach, 'timeline'),
    documents,
    hidden: documents ? await hiddenDocuments(db, caseId, actor.userId) : new Set(),
  };
}

export const seenEntries = (sight: Sight, ids: readonly string[]) => (sight.entries ? [...ids] : []);
export const seenDocuments = (sight: Sight, ids: readonly string[]) =>
  sight.documents ? ids.filter((id) => !sight.hidden.has(id)) : [];

function visible(ratings: Ratings, sight: Sight): Ratings {
  return Object.fromEntries(
    Object.entries(ratings).map(([key, r]) => [
      key,
      r.evidence === undefined
        ? r
        : {
            ...r,
            evidence: {
              entries: seenEntries(sight, r.evidence.entries),
              documents: seenDocuments(sight, r.evidence.documents),
            },
          },
    ]),
  );
}

/**
 * One assessment as the reader may have it. Without the special categories in their scope, those
 * items' ratings are neither opened nor shown, and the rules' outcome is computed without them, so
 * that no count or flag tells what they hold; evidence they may not see is left out.
 */
export async function detailOf(
  ctx: AssessmentsContext,
  db: Kysely<DB>,
  row: AssessmentRow,
  pinned: Pick<PinnedModel, 'definition' | 'rules'>,
  reach: Reach,
  sight: Sight,
  raters: ReadonlyMap<string, UserRef>,
): Promise<AssessmentDetail> {
  const ring = ctx.keys.using(db);
  const withSpecial = reads(reach, 'special_category');
  const unused = unusedOf(pinned.definition, row.optional_items);
  // Withheld are the special categories' items it uses: those it does not are no part of it.
  const special = new Set(withSpecial ? [] : [...specialItems(pinned.definition)].filter((key) => !unused.has(key)));
  const content: AssessmentContent = await openContent(ring, row, withSpecial);
  const previous = await openPrevious(ring, row, withSpecial);
  const outcome = outcomeOf(pinned.definition, pinned.rules, content, previous, unused);
  const finals = await openFinals(ring, row);
  const disagreements =
    row.kind === 'consensus' ? await disagreementsOf(ctx, db, row, pinned, withSpecial, unused) : [];
  return {
    ...summaryOf(
      { ...row, started: row.started_at.toISOString(), finalised: row.finalised_at?.toISOString() ?? null },
      pinned.definition,
      finals,
      raters,
    ),
    content: {
      ...content,
      ratings: visible(content.ratings, sight),
      overrides: overridesSeen(content.overrides, withSpecial ? null : outcome.flags),
    },
    outcome: { ...outcome, blockers: outcome.blockers.filter((b) => !touches(b, special)) },
    withheld: [...special],
    unused: [...unused],
    previous: previous === null ? null : visible(previous, sight),
    disagreements,
  };
}

/**
 * The items the raters a consensus brings together rated differently, with each one's rating.
 * Their ratings are final and every reader of the consensus reads them; special categories only
 * with that scope, as everywhere.
 */
async function disagreementsOf(
  ctx: AssessmentsContext,
  db: Kysely<DB>,
  row: AssessmentRow,
  pinned: Pick<PinnedModel, 'definition'>,
  withSpecial: boolean,
  unused: ReadonlySet<string>,
): Promise<AssessmentDetail['disagreements']> {
  const basis = await db
    .selectFrom('assessments')
    .select(['id', 'rater_id', 'version', 'content_sealed', 'special_sealed'])
    .where('case_id', '=', row.case_id)
    .where('id', 'in', row.basis)
    .where('status', '=', 'final')
    .orderBy('finalised_at')
    .execute();
  if (basis.length < 2) return [];
  const ring = ctx.keys.using(db);
  const raters = await userRefs(
    db,
    ctx.keys,
    basis.map((b) => b.rater_id),
  );
  const ratings = await Promise.all(basis.map(async (b) => (await openContent(ring, b, withSpecial)).ratings));
  const disagreements: AssessmentDetail['disagreements'] = [];
  for (const { item } of itemsOf(pinned.definition.domains)) {
    if (unused.has(item.key)) continue;
    const each = ratings.map((r) => compared(own(r, item.key)));
    if (each.every((c) => JSON.stringify(c) === JSON.stringify(each[0]))) continue;
    disagreements.push({
      key: item.key,
      ratings: basis.map((b, i) => ({ rater: raters.get(b.rater_id) ?? null, rating: each[i] ?? compared(undefined) })),
    });
  }
  return disagreements;
}
