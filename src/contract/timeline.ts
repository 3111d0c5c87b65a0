import { z } from 'zod';
import { CaseStatus, UserRef, Version } from './cases.ts';
import { WARNING_BEHAVIOURS, WarningBehaviour } from './reports.ts';
import { line, text } from './text.ts';
import { uuid } from './uuid.ts';

/**
 * The case timeline (docs/timeline.md): entries members write, and entries the server records when
 * something happens to the case. Every one has a moment (to the minute, or only the day) in the
 * company's time zone.
 */
export const WRITTEN_KINDS = [
  'incident',
  'observation',
  'conversation',
  'measure_note',
  'exculpatory',
  'note',
] as const;
export const RECORDED_KINDS = [
  'opened',
  'status',
  'priority',
  'grant',
  'revoke',
  'lead',
  'break_glass',
  'report',
  'document_uploaded',
  'document_downloaded',
  'document_deleted',
] as const;
export const ENTRY_KINDS = [...WRITTEN_KINDS, ...RECORDED_KINDS] as const;
export const WrittenKind = z.enum(WRITTEN_KINDS);
export type WrittenKind = z.infer<typeof WrittenKind>;
export const EntryKind = z.enum(ENTRY_KINDS);
export type EntryKind = z.infer<typeof EntryKind>;

export const ENTRY_TITLE_MAX = 200;
export const ENTRY_BODY_MAX = 20_000;
export const ENTRY_SOURCE_MAX = 300;
export const ENTRY_PERSONS_MAX = 20;
export const ENTRY_DOCUMENTS_MAX = 20;
export const TIMELINE_PAGE = 50;

/** HH:MM, 00:00 to 23:59. */
export const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day, HH:MM');

const uniqueIds = (max: number) =>
  z
    .array(uuid())
    .max(max)
    .refine((ids) => new Set(ids).size === ids.length, 'each once');

export const EntryFields = z.strictObject({
  kind: WrittenKind,
  /** The company's day it happened on (from 1900: an earlier year is a typing error), and the time when it is known. */
  occurredOn: z.iso.date().refine((d) => d >= '1900-01-01', 'must be a day from 1900 on'),
  occurredTime: TimeOfDay.nullable().default(null),
  title: line(ENTRY_TITLE_MAX),
  body: text(ENTRY_BODY_MAX).default(''),
  /** Who told it, or where it comes from (a witness, an e-mail, a report). */
  source: text(ENTRY_SOURCE_MAX)
    .refine((s) => !/[\n\r]/.test(s), 'must be one line')
    .transform((s) => s.trim())
    .default(''),
  tags: z
    .array(WarningBehaviour)
    .max(WARNING_BEHAVIOURS.length)
    .refine((t) => new Set(t).size === t.length, 'each once')
    .default([]),
  personIds: uniqueIds(ENTRY_PERSONS_MAX).default([]),
  documentIds: uniqueIds(ENTRY_DOCUMENTS_MAX).default([]),
});

export const CreateEntry = EntryFields.meta({ id: 'CreateTimelineEntry' });
export type CreateEntry = z.input<typeof CreateEntry>;
export const UpdateEntry = EntryFields.extend({ expectedVersion: Version }).meta({ id: 'UpdateTimelineEntry' });
export type UpdateEntry = z.input<typeof UpdateEntry>;

/** The entry as written: its id and the version an edit must name. */
export const WrittenEntry = z
  .strictObject({ id: uuid(), version: z.number().int().positive() })
  .meta({ id: 'WrittenEntry' });
export type WrittenEntry = z.infer<typeof WrittenEntry>;

export const EntryParams = z.strictObject({ id: uuid(), entryId: uuid() });

/** Filters of the list; the chart follows them too, except the date range and the cursor. */
export const TimelineQuery = z.strictObject({
  kinds: z
    .string()
    .max(400)
    .transform((s) => s.split(',').filter((k) => k !== ''))
    .pipe(z.array(EntryKind).max(ENTRY_KINDS.length))
    .optional(),
  person: uuid().optional(),
  tag: WarningBehaviour.optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  q: z.string().max(200).optional(),
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
});
export type TimelineQuery = z.input<typeof TimelineQuery>;

const DocumentRef = z.strictObject({ id: uuid(), name: z.string(), version: z.number().int().positive().nullable() });

export const TimelineEntry = z
  .strictObject({
    id: uuid(),
    kind: EntryKind,
    written: z.boolean(),
    /** The moment (for a day, the company's midnight), and the day and time as the company counts them. */
    occurredAt: z.iso.datetime(),
    occurredOn: z.iso.date(),
    occurredTime: TimeOfDay.nullable(),
    tags: z.array(WarningBehaviour),
    /** The persons by pseudonym, for those whose scope holds the persons section; else null. */
    persons: z.array(z.strictObject({ id: uuid(), pseudonym: z.string() })).nullable(),
    personCount: z.number().int().nonnegative(),
    /** Attachments the caller may read (a restricted document is left out for everyone outside its list). */
    documents: z.array(DocumentRef),
    author: UserRef.nullable(),
    title: z.string().nullable(),
    body: z.string().nullable(),
    source: z.string().nullable(),
    /** What a recorded entry tells: the states of a change, the account granted, the report, the document. */
    change: z
      .strictObject({
        from: z.union([CaseStatus, z.number().int()]).nullable(),
        to: z.union([CaseStatus, z.number().int()]),
        /**
         * Why the priority changed: the reason given with a manual change, or the rationale of the
         * priority judgment of the assessment that set it (to readers of the case's assessments).
         */
        reason: z.string().nullable(),
        /** The finalised assessment that set the priority, to readers of the case's assessments. */
        assessment: uuid().nullable(),
      })
      .nullable(),
    user: UserRef.nullable(),
    report: z.strictObject({ id: uuid(), reference: z.string(), receivedOn: z.iso.date() }).nullable(),
    document: DocumentRef.nullable(),
    version: z.number().int().positive(),
    editedAt: z.iso.datetime().nullable(),
    editedBy: UserRef.nullable(),
  })
  .meta({ id: 'TimelineEntry' });
export type TimelineEntry = z.infer<typeof TimelineEntry>;

/**
 * Days with entries: company days as whole days since 1970-01-01, ascending, and how many on each
 * (`counts[i]` on `days[i]`). A timeline's entries are sparse over its days (2,000 entries over
 * three years fall on some 1,800 day-and-kind pairs), so a list per kind, not an object per pair:
 * 20 KB instead of about 125 KB.
 */
const ChartSeries = {
  days: z.array(z.number().int()),
  counts: z.array(z.number().int().positive()),
};

/** Entries per company day and kind, and warning behaviours per day: what the chart draws. */
export const TimelineChart = z.strictObject({
  kinds: z.array(z.strictObject({ kind: EntryKind, ...ChartSeries })),
  tags: z.array(z.strictObject({ tag: WarningBehaviour, ...ChartSeries })),
});
export type TimelineChart = z.infer<typeof TimelineChart>;

/** The chart's counts one per day and kind, and per day and warning behaviour, the days as YYYY-MM-DD. */
export interface ChartCounts {
  readonly days: readonly { readonly on: string; readonly kind: EntryKind; readonly count: number }[];
  readonly tags: readonly { readonly on: string; readonly tag: WarningBehaviour; readonly count: number }[];
}

const dayOf = (daysSinceEpoch: number) => new Date(daysSinceEpoch * 86_400_000).toISOString().slice(0, 10);

/** The chart as counts per day (what the web's chart and the tests read). */
export function chartCounts(chart: TimelineChart): ChartCounts {
  return {
    days: chart.kinds.flatMap(({ kind, days, counts }) =>
      days.map((day, i) => ({ on: dayOf(day), kind, count: counts[i] ?? 0 })),
    ),
    tags: chart.tags.flatMap(({ tag, days, counts }) =>
      days.map((day, i) => ({ on: dayOf(day), tag, count: counts[i] ?? 0 })),
    ),
  };
}

export const TimelinePage = z
  .strictObject({
    entries: z.array(TimelineEntry),
    next: z.string().nullable(),
    /** With the first page only. */
    chart: TimelineChart.nullable(),
    /** Whether the caller may write entries. */
    canWrite: z.boolean(),
  })
  .meta({ id: 'TimelinePage' });
export type TimelinePage = z.infer<typeof TimelinePage>;

export const EntryVersion = z.strictObject({
  version: z.number().int().positive(),
  kind: WrittenKind,
  occurredOn: z.iso.date(),
  occurredTime: TimeOfDay.nullable(),
  title: z.string(),
  body: z.string(),
  source: z.string(),
  tags: z.array(WarningBehaviour),
  personCount: z.number().int().nonnegative(),
  editedBy: UserRef.nullable(),
  editedAt: z.iso.datetime(),
});
export const EntryHistory = z.strictObject({ versions: z.array(EntryVersion) }).meta({ id: 'TimelineEntryHistory' });
export type EntryHistory = z.infer<typeof EntryHistory>;
