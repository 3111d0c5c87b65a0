import type {
  AssessmentContent,
  AssessmentDetail,
  Dissent,
  ItemRating,
  JudgmentValue,
  SaveAssessment,
  Scenario,
} from '../../../contract/assessments.ts';
import type { ModelDefinition, Scale } from '../../../contract/models/definition.ts';

/**
 * The assessment form's state: the content as the server keeps it, changed one part at a time,
 * and what a save sends. Nothing here drops what a rater typed: a refused save leaves it as it is.
 */
export type Draft = AssessmentContent;

export const EMPTY_JUDGMENT: JudgmentValue = { value: null, rationale: '', dissents: [] };

/** A copy to edit, so that the cached answer of the server never changes under the form. */
export const draftOf = (content: AssessmentContent): Draft => structuredClone(content);

export const ratingOf = (draft: Draft, key: string): ItemRating => draft.ratings[key] ?? {};

export const withRating = (draft: Draft, key: string, patch: Partial<ItemRating>): Draft => ({
  ...draft,
  ratings: { ...draft.ratings, [key]: { ...ratingOf(draft, key), ...patch } },
});

export const judgmentOf = (draft: Draft, key: string): JudgmentValue => draft.judgments[key] ?? EMPTY_JUDGMENT;

export const withJudgment = (draft: Draft, key: string, patch: Partial<JudgmentValue>): Draft => ({
  ...draft,
  judgments: { ...draft.judgments, [key]: { ...judgmentOf(draft, key), ...patch } },
});

export const withDissent = (draft: Draft, key: string, index: number, patch: Partial<Dissent>): Draft => {
  const dissents = judgmentOf(draft, key).dissents.map((d, i) => (i === index ? { ...d, ...patch } : d));
  return withJudgment(draft, key, { dissents });
};

/** An override is there while the rater disagrees (even before they say why): undefined takes it back. */
export const withOverride = (draft: Draft, flag: string, reason: string | undefined): Draft => {
  const others = Object.fromEntries(Object.entries(draft.overrides).filter(([key]) => key !== flag));
  return { ...draft, overrides: reason === undefined ? others : { ...others, [flag]: reason } };
};

export const withScenario = (draft: Draft, index: number, patch: Partial<Scenario>): Draft => ({
  ...draft,
  scenarios: draft.scenarios.map((s, i) => (i === index ? { ...s, ...patch } : s)),
});

export const emptyScenario = (model: ModelDefinition): Scenario => ({
  type: model.scenarios?.types[0]?.key ?? 'other',
  description: '',
  victim: '',
  triggers: '',
  severity: null,
  imminence: null,
  likelihood: null,
  management: '',
});

/**
 * The items kept out of the form: those withheld from the reader (special categories outside their
 * scope) and the model's optional items not in use in this assessment (not part of it at all).
 */
export const outOfForm = (detail: Pick<AssessmentDetail, 'withheld' | 'unused'>): string[] => [
  ...detail.withheld,
  ...detail.unused,
];

/**
 * What a save sends: the whole content and the version it was read at. Items kept out of the form
 * (outOfForm) are never sent, so they cannot be changed.
 */
export function bodyOf(draft: Draft, expectedVersion: number, hidden: readonly string[]): SaveAssessment {
  const out = new Set(hidden);
  const ratings = Object.fromEntries(Object.entries(draft.ratings).filter(([key]) => !out.has(key)));
  return { ...draft, ratings, expectedVersion };
}

const blank = (v: unknown) => v === undefined || v === null || v === '';

/** A rating without its empty parts; null when nothing of it is left (the same as not rated). */
function meaningful(rating: ItemRating): Record<string, unknown> | null {
  const { evidence, ...rest } = rating;
  const kept: [string, unknown][] = Object.entries(rest).filter(
    ([, v]) => !blank(v) && !(Array.isArray(v) && v.length === 0),
  );
  if (evidence !== undefined && (evidence.entries.length > 0 || evidence.documents.length > 0))
    kept.push(['evidence', evidence]);
  return kept.length === 0 ? null : Object.fromEntries(kept);
}

/** JSON with every object's keys in order: the server may answer the same content in another order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** The content as it means something: empty ratings and judgments are the same as none. */
function meaningOf(content: AssessmentContent, hidden: readonly string[]): string {
  const out = new Set(hidden);
  const ratings = Object.entries(content.ratings).flatMap(([key, r]) => {
    const kept = out.has(key) ? null : meaningful(r);
    return kept === null ? [] : [[key, kept] as const];
  });
  const judgments = Object.entries(content.judgments).filter(
    ([, j]) => j.value !== null || j.rationale !== '' || j.dissents.length > 0,
  );
  return canonical({
    ...content,
    ratings: Object.fromEntries(ratings),
    judgments: Object.fromEntries(judgments),
  });
}

/** Whether the form holds something the server does not have yet (items kept out of the form aside). */
export const isDirty = (draft: Draft, saved: AssessmentContent, hidden: readonly string[]): boolean =>
  meaningOf(draft, hidden) !== meaningOf(saved, hidden);

/** The parts of a rating compared with the assessment it started from (notes and evidence are not ratings). */
export const COMPARED_FACETS = ['presence', 'relevance', 'pastPresence', 'value'] as const;
export type ComparedFacet = (typeof COMPARED_FACETS)[number];

const same = (a: ItemRating[ComparedFacet], b: ItemRating[ComparedFacet]): boolean => {
  const norm = (v: typeof a) => (v === undefined || v === '' ? null : Array.isArray(v) ? [...v].sort() : v);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
};

/** Which parts of an item's rating differ from the previous assessment's; none without a previous one. */
export function changesOf(
  current: ItemRating | undefined,
  previous: Readonly<Record<string, ItemRating>> | null,
  key: string,
): ComparedFacet[] {
  if (previous === null) return [];
  const before = previous[key] ?? {};
  const now = current ?? {};
  return COMPARED_FACETS.filter((facet) => !same(now[facet], before[facet]));
}

/** The values of a scale a rater can choose in order, and which of them says "unknown". */
export const scaleOf = (model: ModelDefinition, key: string | undefined): Scale | undefined =>
  key === undefined ? undefined : model.scales.find((s) => s.key === key);

/** A number input's text as the contract's value: empty or not a number is "not assessed". */
export function numberOf(input: string): number | null {
  if (input.trim() === '') return null;
  const value = Number(input);
  return Number.isFinite(value) ? value : null;
}
