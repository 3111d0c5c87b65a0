/**
 * The fields of the assessment form as the server names them (a blocker's `field`, a refusal's
 * `path`) and as the page names its controls (element ids), so that every problem the server
 * reports can be shown in words and its field focused. Model keys are [a-z0-9_], safe in an id.
 */

/** The parts of an item's rating, as the contract names them. */
export const RATING_FACETS = [
  'presence',
  'relevance',
  'pastPresence',
  'observed',
  'value',
  'evidence',
  'note',
] as const;
export type RatingFacet = (typeof RATING_FACETS)[number];

export const DISSENT_PARTS = ['rater', 'value', 'reason'] as const;
export type DissentPart = (typeof DISSENT_PARTS)[number];

export const SCENARIO_PARTS = [
  'type',
  'description',
  'victim',
  'triggers',
  'severity',
  'imminence',
  'likelihood',
  'management',
] as const;
export type ScenarioPart = (typeof SCENARIO_PARTS)[number];

export type FieldRef =
  | { readonly area: 'item'; readonly key: string; readonly facet: RatingFacet }
  | { readonly area: 'formulation' }
  | { readonly area: 'scenarios'; readonly index?: number; readonly part?: ScenarioPart }
  | { readonly area: 'judgment'; readonly key: string; readonly part: 'value' | 'rationale' }
  | { readonly area: 'dissent'; readonly key: string; readonly index: number; readonly part: DissentPart }
  | { readonly area: 'override'; readonly key: string }
  /** One blocker for every item withheld from the reader: which one is not told. */
  | { readonly area: 'withheld' }
  | { readonly area: 'other'; readonly field: string };

export const ids = {
  item: (key: string) => `as-item-${key}`,
  facet: (key: string, facet: RatingFacet) => `as-item-${key}-${facet}`,
  formulation: 'as-formulation',
  /** The button that adds a scenario: where a missing scenario is asked for. */
  scenarios: 'as-scenarios-add',
  scenario: (index: number, part: ScenarioPart) => `as-scenario-${index}-${part}`,
  judgment: (key: string) => `as-judgment-${key}`,
  rationale: (key: string) => `as-judgment-${key}-rationale`,
  dissent: (key: string, index: number, part: DissentPart) => `as-judgment-${key}-dissent-${index}-${part}`,
  override: (flag: string) => `as-override-${flag}`,
  overrideOn: (flag: string) => `as-override-${flag}-on`,
} as const;

const isIndex = (s: string | undefined): s is string => s !== undefined && /^\d{1,3}$/.test(s);
const oneOf = <T extends string>(list: readonly T[], s: string | undefined): T | undefined => list.find((x) => x === s);

/** The rules call the past rating past_presence (docs/rules.md); the contract pastPresence. */
const facetOf = (s: string | undefined): RatingFacet | undefined =>
  s === 'past_presence' ? 'pastPresence' : oneOf(RATING_FACETS, s);

/**
 * A field of the server's in parts: `ratings.pathway.presence`, `pathway.evidence` (a field a
 * rule requires), `judgments.priority.rationale`, `judgments.priority.dissents.0`, `overrides.x`,
 * `scenarios`, `formulation`. What it cannot place stays `other`, shown as it came.
 */
export function parseField(field: string): FieldRef {
  const [head, second, third, fourth, fifth] = field.split('.');
  switch (head) {
    case 'formulation':
      return { area: 'formulation' };
    case 'withheld':
      return { area: 'withheld' };
    case 'scenarios': {
      if (!isIndex(second)) return { area: 'scenarios' };
      const part = oneOf(SCENARIO_PARTS, third);
      return part === undefined
        ? { area: 'scenarios', index: Number(second) }
        : { area: 'scenarios', index: Number(second), part };
    }
    case 'judgments': {
      if (second === undefined || second === '') break;
      if (third === 'dissents' && isIndex(fourth))
        return { area: 'dissent', key: second, index: Number(fourth), part: oneOf(DISSENT_PARTS, fifth) ?? 'reason' };
      return { area: 'judgment', key: second, part: third === 'rationale' ? 'rationale' : 'value' };
    }
    case 'overrides':
      if (second !== undefined && second !== '') return { area: 'override', key: second };
      break;
    case 'ratings':
      if (second !== undefined && second !== '')
        return { area: 'item', key: second, facet: facetOf(third) ?? 'presence' };
      break;
    default: {
      const facet = facetOf(second);
      if (head !== undefined && head !== '' && facet !== undefined && third === undefined)
        return { area: 'item', key: head, facet };
    }
  }
  return { area: 'other', field };
}

/** The controls to focus for a field, the likeliest first (a control may not be shown, e.g. a closed override). */
export function targetsOf(ref: FieldRef): string[] {
  switch (ref.area) {
    case 'item':
      return [ids.facet(ref.key, ref.facet), ids.item(ref.key)];
    case 'formulation':
      return [ids.formulation];
    case 'scenarios':
      return ref.index === undefined ? [ids.scenarios] : [ids.scenario(ref.index, ref.part ?? 'type'), ids.scenarios];
    case 'judgment':
      return ref.part === 'rationale' ? [ids.rationale(ref.key), ids.judgment(ref.key)] : [ids.judgment(ref.key)];
    case 'dissent':
      return [ids.dissent(ref.key, ref.index, ref.part), ids.judgment(ref.key)];
    case 'override':
      return [ids.override(ref.key), ids.overrideOn(ref.key)];
    case 'withheld':
    case 'other':
      return [];
  }
}
