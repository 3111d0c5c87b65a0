import type { Kysely } from 'kysely';
import type { AssessmentContent, ItemRating, StartAssessment } from '../../contract/assessments.ts';
import type { ModelDefinition } from '../../contract/models/definition.ts';
import { migrateRatings } from '../../contract/models/migrate.ts';
import type { DB } from '../platform/db/schema.ts';
import { BadRequestError } from '../platform/http/errors.ts';
import type { PinnedModel } from './models.ts';
import { pinnedOf } from './present.ts';
import { type AssessmentsContext, openContent } from './store.ts';

export const EMPTY: AssessmentContent = { ratings: {}, formulation: '', scenarios: [], judgments: {}, overrides: {} };

/** Where a new assessment starts: empty, a copy, a migration, or what the rated assessments agree on. */
export interface Start {
  readonly content: AssessmentContent;
  /** The ratings it started from, to show what changed (null: it started empty). */
  readonly previous: Record<string, ItemRating> | null;
  readonly from: string | null;
  readonly migrated: boolean;
  readonly basis: string[];
}

const refuse = (code: string, detail: string) => new BadRequestError(detail, { code });

/** Scenarios carried to another version: a type it no longer has is dropped, a value its scale lacks is cleared. */
function carryScenarios(
  to: ModelDefinition,
  scenarios: AssessmentContent['scenarios'],
): AssessmentContent['scenarios'] {
  const spec = to.scenarios;
  if (spec === undefined) return [];
  const has = (scale: string, value: string | null) =>
    value !== null && to.scales.find((s) => s.key === scale)?.values.some((v) => v.key === value) === true
      ? value
      : null;
  return scenarios
    .filter((s) => spec.types.some((t) => t.key === s.type))
    .map((s) => ({
      ...s,
      severity: has(spec.severity, s.severity),
      imminence: has(spec.imminence, s.imminence),
      likelihood: has(spec.likelihood, s.likelihood),
    }));
}

/**
 * A copy of a finalised assessment of the case (the same version), or its ratings carried over by
 * the new version's migration map (the version it migrates from). The final judgments and the
 * disagreements with flags are never copied: a new assessment judges anew.
 */
async function fromEarlier(
  ctx: AssessmentsContext,
  tx: Kysely<DB>,
  caseId: string,
  fromId: string,
  target: PinnedModel,
): Promise<Start> {
  const row = await tx
    .selectFrom('assessments')
    .selectAll()
    .where('id', '=', fromId)
    .where('case_id', '=', caseId)
    .where('status', '=', 'final')
    .executeTakeFirst();
  if (row === undefined) throw refuse('unknown_assessment', 'Start from a finalised assessment of this case.');
  const earlier = await openContent(ctx.keys.using(tx), row, true);
  const to = target.definition;
  const same = row.model_key === to.key && row.model_version === to.version;
  if (!same && (row.model_key !== to.key || to.migration?.from !== row.model_version))
    throw refuse(
      'no_migration_path',
      `Version ${to.version} of ${to.key} does not migrate from ${row.model_key} ${row.model_version}; start from an assessment of the version its migration map names.`,
    );
  const from = same ? target.definition : (await pinnedOf(ctx, tx, row)).definition;
  const ratings = same ? earlier.ratings : migrateRatings(from, to, earlier.ratings);
  const formulation = to.formulation.required === 'never' ? '' : earlier.formulation;
  return {
    content: {
      ...EMPTY,
      ratings,
      formulation,
      scenarios: same ? earlier.scenarios : carryScenarios(to, earlier.scenarios),
    },
    previous: ratings,
    from: row.id,
    migrated: !same,
    basis: [],
  };
}

const ratedAlike = (a: ItemRating, b: ItemRating) =>
  JSON.stringify([a.presence ?? null, a.relevance ?? null, a.pastPresence ?? null, a.value ?? null]) ===
  JSON.stringify([b.presence ?? null, b.relevance ?? null, b.pastPresence ?? null, b.value ?? null]);

/**
 * A consensus brings together the finalised ratings (kind rater) of two or more raters of the case
 * on its model version. It starts with the ratings they all agree on (with all their evidence); where they
 * differ, the item waits to be discussed.
 */
async function fromRatings(
  ctx: AssessmentsContext,
  tx: Kysely<DB>,
  caseId: string,
  basis: readonly string[],
  target: PinnedModel,
): Promise<Start> {
  const ids = [...new Set(basis)];
  const rows =
    ids.length < 2
      ? []
      : await tx.selectFrom('assessments').selectAll().where('id', 'in', ids).where('case_id', '=', caseId).execute();
  const fits = rows.every(
    (r) =>
      r.status === 'final' &&
      r.kind === 'rater' &&
      r.model_key === target.definition.key &&
      r.model_version === target.definition.version,
  );
  const raters = new Set(rows.map((r) => r.rater_id)).size;
  if (ids.length < 2 || rows.length !== ids.length || !fits || raters !== rows.length)
    throw refuse(
      'basis_invalid',
      'A consensus brings together the finalised ratings (kind rater) of at least two raters of this case on the same model version.',
    );
  const ring = ctx.keys.using(tx);
  const contents = await Promise.all(rows.map((r) => openContent(ring, r, true)));
  const [first, ...others] = contents.map((c) => c.ratings);
  const agreed: Record<string, ItemRating> = {};
  for (const [key, rating] of Object.entries(first ?? {})) {
    const theirs = others.map((o) => o[key]);
    if (!theirs.every((t) => t !== undefined && ratedAlike(rating, t))) continue;
    const all = [rating, ...(theirs as ItemRating[])];
    agreed[key] = {
      ...rating,
      evidence: {
        entries: [...new Set(all.flatMap((r) => r.evidence?.entries ?? []))],
        documents: [...new Set(all.flatMap((r) => r.evidence?.documents ?? []))],
      },
    };
  }
  return { content: { ...EMPTY, ratings: agreed }, previous: null, from: null, migrated: false, basis: ids };
}

/**
 * A start without the optional items the new assessment does not use: a copy or a migration of an
 * assessment that used them carries none of their ratings, not even as what it started from.
 */
export function withoutUnused(start: Start, unused: ReadonlySet<string>): Start {
  if (unused.size === 0) return start;
  const keep = (ratings: Record<string, ItemRating>) =>
    Object.fromEntries(Object.entries(ratings).filter(([key]) => !unused.has(key)));
  return {
    ...start,
    content: { ...start.content, ratings: keep(start.content.ratings) },
    previous: start.previous === null ? null : keep(start.previous),
  };
}

export async function startOf(
  ctx: AssessmentsContext,
  tx: Kysely<DB>,
  caseId: string,
  input: StartAssessment,
  target: PinnedModel,
): Promise<Start> {
  if (input.kind === 'consensus') {
    if (input.from !== undefined)
      throw refuse('basis_invalid', 'A consensus starts from the ratings it brings together, not from a copy.');
    return fromRatings(ctx, tx, caseId, input.basis ?? [], target);
  }
  if ((input.basis ?? []).length > 0) throw refuse('basis_invalid', 'Only a consensus brings ratings together.');
  if (input.from !== undefined) return fromEarlier(ctx, tx, caseId, input.from, target);
  return { content: EMPTY, previous: null, from: null, migrated: false, basis: [] };
}
