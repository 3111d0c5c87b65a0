import type { AssessmentContent, Blocker, ComparedRating, ItemRating, Outcome } from '../../contract/assessments.ts';
import { type Item, type ModelDefinition, RATED_KINDS } from '../../contract/models/definition.ts';
import { itemsOf } from '../../contract/models/validate.ts';
import { own } from '../../contract/rules/check.ts';
import { type CompiledRules, evaluateRules, type Ratings, type RuleValue } from '../../contract/rules/evaluate.ts';

/**
 * What the server makes of an assessment's content against its model: the checks a schema cannot
 * make (an item, scale value or flag the model has), the ratings as the rules see them, and what
 * finalising still waits for (docs/assessments.md).
 */

export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** Items of a special category (health, beliefs, ...): only readers whose scope includes it see them. */
export const specialItems = (model: ModelDefinition): Set<string> =>
  new Set(
    itemsOf(model.domains)
      .filter(({ item }) => (item.dataProtection ?? []).length > 0)
      .map(({ item }) => item.key),
  );

const scaleValues = (model: ModelDefinition, scale: string | undefined): string[] =>
  model.scales.find((s) => s.key === scale)?.values.map((v) => v.key) ?? [];

const unknownValues = (model: ModelDefinition, scale: string | undefined): Set<string> =>
  new Set(
    model.scales
      .find((s) => s.key === scale)
      ?.values.filter((v) => v.unknown === true)
      .map((v) => v.key) ?? [],
  );

function checkValue(
  model: ModelDefinition,
  path: string,
  value: string | null | undefined,
  scale: string | undefined,
  problems: Problem[],
) {
  if (value === null || value === undefined) return;
  if (!scaleValues(model, scale).includes(value))
    // Never the value itself: a stage's value may be any text the caller sent.
    problems.push({ path, message: `not a value of the scale ${scale ?? '(none)'}` });
}

function checkRating(model: ModelDefinition, item: Item, rating: ItemRating, problems: Problem[]) {
  const at = `ratings.${item.key}`;
  const rated = RATED_KINDS.has(item.kind);
  const forbid = (field: keyof ItemRating, why: string) => {
    if (rating[field] !== undefined && rating[field] !== null)
      problems.push({ path: `${at}.${field}`, message: `${item.key} ${why}` });
  };
  if (rated) {
    checkValue(model, `${at}.presence`, rating.presence, item.scale, problems);
    if (item.relevance === undefined) forbid('relevance', 'has no relevance');
    else checkValue(model, `${at}.relevance`, rating.relevance, item.relevance, problems);
    if (item.timeframes?.includes('past') === true)
      checkValue(model, `${at}.pastPresence`, rating.pastPresence, item.scale, problems);
    else forbid('pastPresence', 'is not rated for the past');
    forbid('value', 'is rated by its presence');
    return;
  }
  for (const field of ['presence', 'relevance', 'pastPresence', 'observed'] as const)
    forbid(field, `is a ${item.kind} item: it has a value`);
  const value = rating.value;
  if (value === null || value === undefined) return;
  const wrong = (what: string) => problems.push({ path: `${at}.value`, message: `${item.key} takes ${what}` });
  switch (item.kind) {
    case 'stage':
      if (typeof value !== 'string') wrong('one value of its scale');
      else checkValue(model, `${at}.value`, value, item.scale, problems);
      return;
    case 'multi_select':
      if (!Array.isArray(value)) wrong('a list of values of its scale');
      else for (const v of value) checkValue(model, `${at}.value`, v, item.scale, problems);
      return;
    case 'text':
      if (typeof value !== 'string') wrong('a text');
      return;
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) wrong('a day, YYYY-MM-DD');
      return;
    case 'number':
      if (typeof value !== 'number') wrong('a number');
      return;
    case 'evidence':
      wrong('evidence links only');
      return;
  }
}

/**
 * The problems of a content against its model, each at its field; none: it can be stored. An
 * optional item the assessment does not use (unused) takes no rating.
 */
export function contentProblems(
  model: ModelDefinition,
  content: AssessmentContent,
  unused: ReadonlySet<string> = new Set(),
): Problem[] {
  const problems: Problem[] = [];
  const items = new Map(itemsOf(model.domains).map(({ item }) => [item.key, item]));
  for (const [key, rating] of Object.entries(content.ratings)) {
    const item = items.get(key);
    if (item === undefined) problems.push({ path: `ratings.${key}`, message: `The model has no item "${key}"` });
    else if (unused.has(key))
      problems.push({
        path: `ratings.${key}`,
        message: `"${key}" is an optional item this assessment does not use (it was off when the assessment started)`,
      });
    else checkRating(model, item, rating, problems);
  }
  const scenarios = model.scenarios;
  if (scenarios === undefined && content.scenarios.length > 0)
    problems.push({ path: 'scenarios', message: 'The model has no scenarios' });
  if (scenarios !== undefined)
    content.scenarios.forEach((s, i) => {
      if (!scenarios.types.some((t) => t.key === s.type))
        problems.push({ path: `scenarios.${i}.type`, message: `"${s.type}" is not a scenario type of the model` });
      checkValue(model, `scenarios.${i}.severity`, s.severity, scenarios.severity, problems);
      checkValue(model, `scenarios.${i}.imminence`, s.imminence, scenarios.imminence, problems);
      checkValue(model, `scenarios.${i}.likelihood`, s.likelihood, scenarios.likelihood, problems);
    });
  if (model.formulation.required === 'never' && content.formulation.trim() !== '')
    problems.push({ path: 'formulation', message: 'The model asks for no formulation' });
  for (const [key, judgment] of Object.entries(content.judgments)) {
    const defined = model.judgments.find((j) => j.key === key);
    if (defined === undefined) {
      problems.push({ path: `judgments.${key}`, message: `The model has no judgment "${key}"` });
      continue;
    }
    checkValue(model, `judgments.${key}.value`, judgment.value, defined.scale, problems);
    for (const [i, d] of judgment.dissents.entries())
      checkValue(model, `judgments.${key}.dissents.${i}.value`, d.value, defined.scale, problems);
  }
  for (const flag of Object.keys(content.overrides))
    if (!(model.flags ?? []).some((f) => f.key === flag && f.overrideRationale === true))
      problems.push({ path: `overrides.${flag}`, message: `The model has no flag "${flag}" to disagree with` });
  return problems;
}

/** Ratings as the rules read them (docs/rules.md): per item, per facet; an evidence item counts its links. */
export function ruleRatings(model: ModelDefinition, ratings: Readonly<Record<string, ItemRating>>): Ratings {
  const result: Record<string, Record<string, RuleValue>> = {};
  for (const { item } of itemsOf(model.domains)) {
    const r = own(ratings, item.key);
    if (r === undefined) continue;
    if (RATED_KINDS.has(item.kind)) {
      const facets: Record<string, RuleValue> = { presence: r.presence ?? null, observed: r.observed ?? null };
      if (item.relevance !== undefined) facets.relevance = r.relevance ?? null;
      if (item.timeframes?.includes('past') === true) facets.past_presence = r.pastPresence ?? null;
      result[item.key] = facets;
    } else if (item.kind === 'evidence') {
      const links = (r.evidence?.entries.length ?? 0) + (r.evidence?.documents.length ?? 0);
      result[item.key] = { '': links === 0 ? null : links };
    } else result[item.key] = { '': r.value ?? null };
  }
  return result;
}

const hasEvidence = (r: ItemRating | undefined) =>
  r !== undefined && (r.evidence?.entries.length ?? 0) + (r.evidence?.documents.length ?? 0) > 0;

/**
 * What finalising waits for: every final judgment with a known value and its rationale (and a
 * consensus's dissents with their reasons); every critical item rated, and not "unknown"; every
 * field a rule requires; the formulation if the model always asks for it; a reason for every flag
 * the raters disagree with.
 */
export function blockersOf(model: ModelDefinition, content: AssessmentContent, required: readonly string[]): Blocker[] {
  const blockers: Blocker[] = [];
  for (const j of model.judgments) {
    const given = own(content.judgments, j.key);
    const at = `judgments.${j.key}`;
    if (given?.value === null || given?.value === undefined) blockers.push({ field: at, code: 'judgment_missing' });
    else if (unknownValues(model, j.scale).has(given.value)) blockers.push({ field: at, code: 'judgment_unknown' });
    if (given === undefined || given.rationale.trim() === '')
      blockers.push({ field: `${at}.rationale`, code: 'rationale_missing' });
    given?.dissents.forEach((d, i) => {
      if (d.reason.trim() === '') blockers.push({ field: `${at}.dissents.${i}`, code: 'dissent_reason_missing' });
    });
  }
  for (const { item } of itemsOf(model.domains)) {
    if (item.critical !== true) continue;
    const rating = own(content.ratings, item.key);
    const value = RATED_KINDS.has(item.kind) ? rating?.presence : rating?.value;
    const at = `ratings.${item.key}.${RATED_KINDS.has(item.kind) ? 'presence' : 'value'}`;
    if (value === null || value === undefined) blockers.push({ field: at, code: 'critical_unrated' });
    else if (typeof value === 'string' && unknownValues(model, item.scale).has(value))
      blockers.push({ field: at, code: 'critical_unknown' });
  }
  const fields = new Set(required);
  if (model.formulation.required === 'always') fields.add('formulation');
  for (const field of fields) {
    const [key, facet] = field.split('.') as [string, string | undefined];
    const missing =
      field === 'formulation'
        ? content.formulation.trim() === ''
        : field === 'scenarios'
          ? content.scenarios.length === 0
          : facet === 'evidence'
            ? !hasEvidence(own(content.ratings, key))
            : facet === 'observed'
              ? (own(content.ratings, key)?.observed ?? null) === null
              : false;
    if (missing) blockers.push({ field, code: 'required_missing' });
  }
  for (const [flag, reason] of Object.entries(content.overrides))
    if (reason.trim() === '') blockers.push({ field: `overrides.${flag}`, code: 'override_reason_missing' });
  return blockers;
}

/** Whether a blocker names an item of the set (its field is ratings.KEY... or KEY.facet). */
export function touches(blocker: Blocker, items: ReadonlySet<string>): boolean {
  const parts = blocker.field.split('.');
  const key = parts[0] === 'ratings' ? parts[1] : parts[0];
  return key !== undefined && items.has(key);
}

/**
 * The rules' outcome on a content, with the blockers of finalising it. An optional item the
 * assessment does not use (unused) blocks nothing: it cannot be rated.
 */
export function outcomeOf(
  model: ModelDefinition,
  rules: CompiledRules,
  content: AssessmentContent,
  previous: Readonly<Record<string, ItemRating>> | null,
  unused: ReadonlySet<string> = new Set(),
): Outcome {
  const result = evaluateRules(
    rules,
    ruleRatings(model, content.ratings),
    previous === null ? undefined : ruleRatings(model, previous),
  );
  return {
    flags: [...result.flags],
    required: [...result.required].filter((field) => !unused.has(field.split('.')[0] ?? '')),
    reviews: [...result.reviews],
    indicators: result.indicators as Outcome['indicators'],
    blockers: blockersOf(model, content, result.required).filter((b) => !touches(b, unused)),
  };
}

/** An item's rating as two assessments are compared: the day observed, evidence and notes are no change of rating. */
export const compared = (r: ItemRating | undefined): ComparedRating => ({
  presence: r?.presence ?? null,
  relevance: r?.relevance ?? null,
  pastPresence: r?.pastPresence ?? null,
  value: r?.value ?? null,
});
