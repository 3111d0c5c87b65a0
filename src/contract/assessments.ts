import { z } from 'zod';
import { UserRef, Version } from './cases.ts';
import { Key } from './models/definition.ts';
import { text } from './text.ts';
import { uuid } from './uuid.ts';

/**
 * Assessments of a case (docs/assessments.md): a structured professional judgment on a published
 * model version, pinned for ever. A draft is its rater's alone; a finalised assessment is read by
 * every member with the assessments section and never changes. Every text and rating is sealed
 * with the case's key on the server.
 */

/**
 * single: one rater's assessment that stands for the team; rater: one of several independent
 * ratings, which a consensus then brings together; consensus: the team's agreed assessment,
 * naming the ratings it rests on. A single or a consensus sets the case's priority.
 */
export const ASSESSMENT_KINDS = ['single', 'rater', 'consensus'] as const;
export const AssessmentKind = z.enum(ASSESSMENT_KINDS);
export type AssessmentKind = z.infer<typeof AssessmentKind>;

export const ASSESSMENT_STATUSES = ['draft', 'final'] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];

export const NOTE_MAX = 4_000;
export const FORMULATION_MAX = 20_000;
export const RATIONALE_MAX = 4_000;
export const SCENARIO_TEXT_MAX = 4_000;
export const SCENARIOS_MAX = 10;
export const EVIDENCE_MAX = 30;

const Day = z.iso.date().refine((d) => d >= '1900-01-01', 'must be a day from 1900 on');

/** Timeline entries and documents of the case an item's rating rests on. */
export const Evidence = z
  .strictObject({
    entries: z.array(uuid()).max(EVIDENCE_MAX).default([]),
    documents: z.array(uuid()).max(EVIDENCE_MAX).default([]),
  })
  .meta({ id: 'AssessmentEvidence' });
export type Evidence = z.infer<typeof Evidence>;

/**
 * One item's rating. A rated item (risk, protective, context) has a presence, a relevance if the
 * model asks for it, a past presence if it is rated for the past too, and the day it was last
 * observed; any other item has a value of its kind. Absent or null: not assessed.
 */
export const ItemRating = z
  .strictObject({
    presence: Key.nullable().optional(),
    relevance: Key.nullable().optional(),
    pastPresence: Key.nullable().optional(),
    observed: Day.nullable().optional(),
    /** stage: a value key; multi_select: value keys; text: a text; date: a day; number: a number. */
    value: z
      .union([z.number().finite(), text(NOTE_MAX), z.array(Key).max(20)])
      .nullable()
      .optional(),
    evidence: Evidence.optional(),
    note: text(NOTE_MAX).optional(),
  })
  .meta({ id: 'ItemRating' });
export type ItemRating = z.infer<typeof ItemRating>;

export const Scenario = z
  .strictObject({
    type: Key,
    /** What might happen, in the raters' words. */
    description: text(SCENARIO_TEXT_MAX).default(''),
    /** Who could be harmed (by role or pseudonym; never needs a real name). */
    victim: text(SCENARIO_TEXT_MAX).default(''),
    /** What could set it off. */
    triggers: text(SCENARIO_TEXT_MAX).default(''),
    severity: Key.nullable().default(null),
    imminence: Key.nullable().default(null),
    likelihood: Key.nullable().default(null),
    /** The management idea for now (links to measures come with the measures). */
    management: text(SCENARIO_TEXT_MAX).default(''),
  })
  .meta({ id: 'AssessmentScenario' });
export type Scenario = z.infer<typeof Scenario>;

/** A rater of a consensus who does not agree with its value, with their own value and why. */
export const Dissent = z
  .strictObject({
    rater: uuid(),
    value: Key,
    reason: text(RATIONALE_MAX),
  })
  .meta({ id: 'AssessmentDissent' });
export type Dissent = z.infer<typeof Dissent>;

export const JudgmentValue = z
  .strictObject({
    value: Key.nullable().default(null),
    rationale: text(RATIONALE_MAX).default(''),
    /** A consensus only: every rater who does not agree, with a reason. */
    dissents: z.array(Dissent).max(20).default([]),
  })
  .meta({ id: 'AssessmentJudgment' });
export type JudgmentValue = z.infer<typeof JudgmentValue>;

/** What a rater writes: everything but the model, kind and basis, which the start fixes. */
export const AssessmentContent = z
  .strictObject({
    ratings: z.record(Key, ItemRating).default({}),
    formulation: text(FORMULATION_MAX).default(''),
    scenarios: z.array(Scenario).max(SCENARIOS_MAX).default([]),
    judgments: z.record(Key, JudgmentValue).default({}),
    /** A flag the rater disagrees with, by its key, with why (a flag that asks for it). */
    overrides: z.record(Key, text(RATIONALE_MAX)).default({}),
  })
  .meta({ id: 'AssessmentContent' });
export type AssessmentContent = z.infer<typeof AssessmentContent>;
export type AssessmentContentInput = z.input<typeof AssessmentContent>;

export const StartAssessment = z
  .strictObject({
    model: z.strictObject({ key: Key, version: z.string().max(20) }),
    kind: AssessmentKind,
    /**
     * A finalised assessment of the case to start from: copied if of the same version, carried
     * over by the new version's migration map if of the version before.
     */
    from: uuid().optional(),
    /** A consensus: the finalised ratings (kind rater) it brings together, at least two. */
    basis: z.array(uuid()).max(20).optional(),
  })
  .meta({ id: 'StartAssessment' });
export type StartAssessment = z.input<typeof StartAssessment>;

export const SaveAssessment = AssessmentContent.extend({ expectedVersion: Version }).meta({
  id: 'SaveAssessment',
});
export type SaveAssessment = z.input<typeof SaveAssessment>;

export const FinaliseAssessment = z.strictObject({ expectedVersion: Version }).meta({ id: 'FinaliseAssessment' });

export const AssessmentParams = z.strictObject({ id: uuid(), assessmentId: uuid() });

/** Why an assessment cannot be finalised yet, one problem per field. */
export const BLOCKERS = [
  'judgment_missing',
  'judgment_unknown',
  'rationale_missing',
  'critical_unrated',
  'critical_unknown',
  'required_missing',
  'override_reason_missing',
  'dissent_reason_missing',
] as const;
export const Blocker = z.strictObject({ field: z.string(), code: z.enum(BLOCKERS) }).meta({ id: 'AssessmentBlocker' });
export type Blocker = z.infer<typeof Blocker>;

/** What the server computed from the ratings at the last save: the model's rules, never a decision. */
export const Outcome = z
  .strictObject({
    flags: z.array(Key),
    required: z.array(z.string()),
    reviews: z.array(Key),
    indicators: z.record(Key, z.union([z.boolean(), z.number(), z.string(), z.array(z.string()), z.null()])),
    /** What finalising still waits for; empty: it can be finalised. */
    blockers: z.array(Blocker),
  })
  .meta({ id: 'AssessmentOutcome' });
export type Outcome = z.infer<typeof Outcome>;

const ModelPin = z.strictObject({
  key: Key,
  version: z.string(),
  title: z.strictObject({ en: z.string(), de: z.string() }),
});

/** One assessment in the case's list: what the risk curve draws. */
export const AssessmentSummary = z
  .strictObject({
    id: uuid(),
    model: ModelPin,
    modelKind: z.enum(['spj', 'external']),
    kind: AssessmentKind,
    status: z.enum(ASSESSMENT_STATUSES),
    rater: UserRef.nullable(),
    version: z.number().int(),
    startedAt: z.iso.datetime(),
    finalisedAt: z.iso.datetime().nullable(),
    /** The final judgments' values (finalised only), by judgment key. */
    judgments: z.record(Key, Key.nullable()),
    /** The case priority it set (1–4), if it set one. */
    priority: z.number().int().nullable(),
    /**
     * A finalised result of an external instrument (a model of kind external): which instrument,
     * the level it gave (a value of its level item's scale) and when; what the risk curve's series
     * of external results draws.
     */
    result: z
      .strictObject({ instrument: z.string().nullable(), level: Key.nullable(), on: z.iso.date().nullable() })
      .nullable(),
    /** When the model's schedule asks for the next review (finalised single or consensus). */
    reviewDue: z.iso.date().nullable(),
    from: uuid().nullable(),
    basis: z.array(uuid()),
  })
  .meta({ id: 'AssessmentSummary' });
export type AssessmentSummary = z.infer<typeof AssessmentSummary>;

/**
 * When the case is to be assessed again: the review date the standing assessment (the latest
 * finalised single or consensus) set by the model's schedule, and the first incident tagged with
 * warning behaviours written since, when the model asks for a re-assessment then.
 */
export const Review = z
  .strictObject({
    due: z.iso.date().nullable(),
    state: z.enum(['in_time', 'due_soon', 'overdue']).nullable(),
    prompt: z.strictObject({ entryId: uuid(), recordedAt: z.iso.datetime() }).nullable(),
  })
  .meta({ id: 'AssessmentReview' });
export type Review = z.infer<typeof Review>;

/**
 * An assessment as the case's list carries it: its model version and its rater by reference to the
 * list's `models` and `raters`, which name each once (a case's fifty assessments are mostly of one
 * model and a handful of raters).
 */
export const ListedAssessment = AssessmentSummary.omit({ model: true, modelKind: true, rater: true })
  .extend({
    model: z.strictObject({ key: Key, version: z.string() }),
    /** An id of the list's `raters`; null when the account is gone. */
    rater: uuid().nullable(),
  })
  .meta({ id: 'ListedAssessment' });
export type ListedAssessment = z.infer<typeof ListedAssessment>;

/** A model version the list's assessments are pinned to, once. */
export const ListedModel = ModelPin.extend({ kind: z.enum(['spj', 'external']) }).meta({ id: 'ListedModel' });
export type ListedModel = z.infer<typeof ListedModel>;

export const modelId = (pin: { readonly key: string; readonly version: string }) => `${pin.key}@${pin.version}`;

export const AssessmentList = z
  .strictObject({
    assessments: z.array(ListedAssessment),
    /** Every model version an assessment of the list names, once. */
    models: z.array(ListedModel),
    /** Every rater an assessment of the list names, once. */
    raters: z.array(UserRef),
    /** Null while the case has no standing assessment (or is closed). */
    review: Review.nullable(),
    /** Incidents on the timeline (readers of the timeline), to mark on the risk curve's axis. */
    incidents: z.array(z.strictObject({ id: uuid(), occurredAt: z.iso.datetime(), tags: z.array(z.string()) })),
  })
  .check((ctx) => {
    // A reference the list does not resolve is the server's mistake: refused here, not drawn wrongly.
    const models = new Set(ctx.value.models.map(modelId));
    const raters = new Set(ctx.value.raters.map((r) => r.id));
    ctx.value.assessments.forEach((a, i) => {
      if (!models.has(modelId(a.model)))
        ctx.issues.push({
          code: 'custom',
          message: 'not among the models',
          input: a.model,
          path: ['assessments', i, 'model'],
        });
      if (a.rater !== null && !raters.has(a.rater))
        ctx.issues.push({
          code: 'custom',
          message: 'not among the raters',
          input: a.rater,
          path: ['assessments', i, 'rater'],
        });
    });
  })
  .meta({ id: 'AssessmentList' });
export type AssessmentList = z.infer<typeof AssessmentList>;

/** An item's ratings as compared between assessments: what the rules and the risk curve count as a change. */
export const ComparedRating = z
  .strictObject({
    presence: Key.nullable(),
    relevance: Key.nullable(),
    pastPresence: Key.nullable(),
    value: z.union([z.number(), z.string(), z.array(z.string())]).nullable(),
  })
  .meta({ id: 'ComparedRating' });
export type ComparedRating = z.infer<typeof ComparedRating>;

export const AssessmentDetail = AssessmentSummary.extend({
  content: AssessmentContent,
  outcome: Outcome,
  /** Items of special categories the reader's scope does not include: neither shown nor changed. */
  withheld: z.array(Key),
  /**
   * Optional items of the model not in use in this assessment: the organisation had not enabled
   * them when it started (the set is fixed then, like the model version). Neither shown nor rated.
   */
  unused: z.array(Key),
  /** The ratings this one started from (a copy or a migration), to show what changed. */
  previous: z.record(Key, ItemRating).nullable(),
  /**
   * A consensus: the items its raters rated differently, each with every rater's rating, in the
   * model's order (what the case conference discusses). Empty for any other kind.
   */
  disagreements: z.array(
    z.strictObject({
      key: Key,
      ratings: z.array(z.strictObject({ rater: UserRef.nullable(), rating: ComparedRating })),
    }),
  ),
}).meta({ id: 'AssessmentDetail' });
export type AssessmentDetail = z.infer<typeof AssessmentDetail>;

/** The PDF's language, and whether it names the case's persons (the identities scope) or gives their pseudonyms. */
export const ExportQuery = z
  .strictObject({
    language: z.enum(['de', 'en']).default('en'),
    identities: z.enum(['true', 'false']).default('false'),
  })
  .meta({ id: 'AssessmentExportQuery' });
export type ExportQuery = z.input<typeof ExportQuery>;

/**
 * Item by item, what changed from one finalised single assessment or consensus to the next. Across
 * a model's versions only the items its migration map carries are compared (`acrossVersions`);
 * across different models, or versions without a map between them, nothing is (`comparable`).
 */
export const AssessmentChanges = z
  .strictObject({
    pairs: z.array(
      z.strictObject({
        from: uuid(),
        to: uuid(),
        comparable: z.boolean(),
        acrossVersions: z.boolean(),
        items: z.array(z.strictObject({ key: Key, before: ComparedRating, after: ComparedRating })),
      }),
    ),
  })
  .meta({ id: 'AssessmentChanges' });
export type AssessmentChanges = z.infer<typeof AssessmentChanges>;
