import { z } from 'zod';

/**
 * The definition of an assessment model (docs/models.md), as authored in YAML or JSON and stored
 * by the registry. What a schema cannot say (a scale that exists, a key used once, a rule that
 * type-checks) validate.ts checks after it.
 */

const KEY = /^[a-z][a-z0-9_]*$/;
export const Key = z.string().regex(KEY, 'a key: lower case letters, digits and _, starting with a letter').max(60);

/** A text in both languages, or the key of licensed content the organisation supplies. */
export const Text = z
  .union([
    z.strictObject({
      en: z.string().min(1).max(4_000).describe('English'),
      de: z.string().min(1).max(4_000).describe('German'),
    }),
    z
      .strictObject({
        licensed: z.string().regex(/^[a-z0-9_.-]{1,100}$/, 'a placeholder key: a-z, 0-9, _ . -'),
      })
      .describe('licensed content: filled in from licensedContent before the model can be published'),
  ])
  .meta({ id: 'ModelText', description: 'a text in English and German, or a placeholder for licensed content' });
export type Text = z.infer<typeof Text>;

export const ScaleValue = z
  .strictObject({
    key: Key,
    label: Text,
    /** "Unknown / insufficient information": never ordered against the others. */
    unknown: z.boolean().optional().describe('marks "unknown / insufficient information"; every rated scale has one'),
  })
  .meta({ id: 'ModelScaleValue' });

export const Scale = z
  .strictObject({
    key: Key,
    label: Text,
    values: z.array(ScaleValue).min(2).max(20).describe('in order, lowest first; the order is what < and > compare'),
  })
  .meta({ id: 'ModelScale' });
export type Scale = z.infer<typeof Scale>;

export const ITEM_KINDS = [
  'risk',
  'protective',
  'context',
  'stage',
  'text',
  'date',
  'number',
  'multi_select',
  'evidence',
] as const;
/** The kinds whose items are rated on a scale: presence, and relevance if the item asks for it. */
export const RATED_KINDS = new Set<string>(['risk', 'protective', 'context']);

export const DATA_PROTECTION = ['health', 'sex_life', 'beliefs', 'ethnicity', 'criminal'] as const;

export const Item = z
  .strictObject({
    key: Key,
    kind: z.enum(ITEM_KINDS),
    label: Text,
    help: Text.optional(),
    /** The scale of a rated item's presence, of a stage, of a multi-select's choices. */
    scale: Key.optional().describe(
      'risk, protective, context: the presence scale; stage and multi_select: their values',
    ),
    /** A second, independent rating of a present factor: how much it matters for this person. */
    relevance: Key.optional().describe('the relevance scale, rated besides the presence'),
    temporal: z.enum(['static', 'dynamic']).optional().describe("default: the domain's"),
    /** Rated for now, for the past, or both (separately). */
    timeframes: z
      .array(z.enum(['current', 'past']))
      .min(1)
      .max(2)
      .optional()
      .describe('default: current only'),
    critical: z.boolean().optional().describe('a red-flag item'),
    /** Special-category data: shown only to raters whose scope includes it; kept for shorter. */
    dataProtection: z.array(z.enum(DATA_PROTECTION)).optional(),
    /** Off unless the organisation enables it (e.g. items about health). */
    optional: z.boolean().optional().describe('off unless the organisation enables it'),
  })
  .meta({ id: 'ModelItem' });
export type Item = z.infer<typeof Item>;

export interface Domain {
  readonly key: string;
  readonly label: Text;
  readonly help?: Text | undefined;
  readonly mode?: 'manage' | 'monitor' | undefined;
  readonly temporal?: 'static' | 'dynamic' | undefined;
  readonly items?: readonly Item[] | undefined;
  readonly domains?: readonly Domain[] | undefined;
}
// One schema object with its id (a lazy wrapper around it would make a new one at each use, and
// two schemas of one id break the API description); the recursion is the lazy list inside.
export const Domain: z.ZodType<Domain> = z
  .strictObject({
    key: Key,
    label: Text,
    help: Text.optional(),
    mode: z.enum(['manage', 'monitor']).optional().describe('the management-mode hint when its items are present'),
    temporal: z.enum(['static', 'dynamic']).optional(),
    items: z.array(Item).max(200).optional(),
    domains: z
      .lazy(() => z.array(Domain).max(50))
      .optional()
      .describe('nested domains, in order'),
  })
  .meta({ id: 'ModelDomain' });

export const Indicator = z
  .strictObject({
    key: Key,
    label: Text,
    expression: z.string().min(1).max(2_000).optional().describe('a rule expression (docs/rules.md)'),
    builtin: z
      .enum(['completeness', 'change'])
      .optional()
      .describe(
        'instead of an expression: completeness (percent of the items that apply which are rated) or change (items rated differently from the previous assessment)',
      ),
  })
  .meta({
    id: 'ModelIndicator',
    description: 'a computed value shown with the assessment: an expression or a builtin',
  });

export const Flag = z
  .strictObject({
    key: Key,
    label: Text,
    severity: z.enum(['info', 'warning', 'critical']),
    /** Whether a rater who disagrees must say why (an override). */
    overrideRationale: z.boolean().optional().describe('a rater who disagrees with the flag says why'),
  })
  .meta({ id: 'ModelFlag' });

export const Rule = z
  .strictObject({
    key: Key,
    when: z.string().min(1).max(2_000).describe('a condition (docs/rules.md)'),
    flag: Key.optional().describe('a flag of the model'),
    require: z.array(z.string().max(120)).max(50).optional().describe('fields that become required'),
    review: Key.optional().describe('suggests a review, for this reason (a flag of the model)'),
  })
  .meta({ id: 'ModelRule' });

export const Judgment = z
  .strictObject({
    key: Key,
    label: Text,
    scale: Key,
    rationale: z.literal('required').describe('every final judgment is given with its reasons'),
  })
  .meta({ id: 'ModelJudgment' });

export const Scenarios = z
  .strictObject({
    severity: Key.describe("the scale of a scenario's severity"),
    imminence: Key.describe("the scale of a scenario's imminence"),
    likelihood: Key.describe("the scale of a scenario's likelihood"),
    types: z
      .array(z.strictObject({ key: Key, label: Text }))
      .min(1)
      .max(20)
      .describe('the kinds of scenario a rater chooses from'),
  })
  .meta({ id: 'ModelScenarios' });

export const Review = z
  .strictObject({
    /** The final judgment whose value sets the interval (usually the priority). */
    judgment: Key,
    /** Days until the next review, per value of that judgment's scale. */
    days: z.record(Key, z.number().int().min(1).max(730)),
    triggers: z
      .array(z.enum(['new_incident', 'new_report', 'status_change']))
      .max(3)
      .describe('events that ask for a re-assessment'),
  })
  .meta({ id: 'ModelReview' });

export const Migration = z
  .strictObject({
    from: z.string().max(20).describe('the version this map migrates from'),
    /** An old item's ratings to a new item (renamed), or to several (split); several to one: merged. */
    items: z.record(Key, z.union([Key, z.array(Key).min(1)])).optional(),
    /** Per old scale, old value → new value. */
    values: z.record(Key, z.record(Key, Key)).optional().describe('per old scale: old value to new value'),
  })
  .meta({ id: 'ModelMigration' });

export const ModelDefinition = z
  .strictObject({
    format: z.literal('tma-model/1').describe('the version of this format'),
    key: Key.describe('the stable key of the model, the same in all its versions'),
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, 'a semantic version: 1.0.0')
      .max(20)
      .describe('a semantic version (1.0.0); a published version never changes'),
    status: z.literal('draft').optional().describe('published and retired are states of the registry, never of a file'),
    title: Text.describe("the model's name"),
    description: Text.optional().describe('what it is for'),
    publisher: z.string().min(1).max(200).describe('who publishes it'),
    citation: z.string().min(1).max(4_000).describe('the research it rests on'),
    licence: z.string().min(1).max(4_000).describe('the licence notice shown with the model'),
    languages: z
      .array(z.enum(['de', 'en']))
      .min(2)
      .max(2)
      .describe('both: every text is in English and German'),
    supersedes: z.string().max(20).optional().describe('the version this one follows'),
    kind: z.enum(['spj', 'external']).describe('external: records a licensed tool’s result (level, date, report)'),
    scales: z.array(Scale).min(1).max(50).describe('the scales items, scenarios and judgments are rated on'),
    domains: z.array(Domain).min(1).max(50).describe('the domains in order, each with its items'),
    indicators: z.array(Indicator).max(50).optional().describe('computed values shown with the assessment'),
    flags: z.array(Flag).max(50).optional().describe('what rules can raise'),
    rules: z.array(Rule).max(200).optional().describe('conditions that flag, require or suggest (docs/rules.md)'),
    formulation: z
      .strictObject({ required: z.enum(['always', 'by_rule', 'never']).describe('by_rule: when a rule requires it') })
      .describe("why this person might act violently, in the raters' words"),
    scenarios: Scenarios.optional().describe('what might happen, each scenario rated'),
    judgments: z.array(Judgment).min(1).max(10).describe('the final judgments, each with its rationale'),
    review: Review.optional().describe('when the next review is due'),
    migration: Migration.optional().describe('how the ratings of the version before carry over'),
    licensedContent: z
      .record(z.string(), z.strictObject({ en: z.string().min(1), de: z.string().min(1) }))
      .optional()
      .describe('the texts of the licensed-content placeholders, by placeholder key'),
  })
  .meta({ id: 'ModelDefinition' });
export type ModelDefinition = z.infer<typeof ModelDefinition>;

/** The largest definition the registry takes, in bytes of its source. */
export const MODEL_MAX_BYTES = 512 * 1024;
