import { z } from 'zod';
import type { Role } from './accounts.ts';
import { CaseStatus, Reason, UserRef, Version } from './cases.ts';
import { CaseReferenceText } from './links.ts';
import { line, optionalLine, text } from './text.ts';
import { uuid } from './uuid.ts';

/**
 * Reports (docs/intake.md): what an employee, an anonymous reporter or a caller tells the threat
 * management team, the anonymous two-way channel, and triage. Every personal field and narrative
 * is sealed on the server under the report's own key.
 */

/** How a report came in: the web form (anonymously, or signed in), or recorded by the team on a caller's behalf. */
export const REPORT_CHANNELS = ['anonymous', 'employee', 'phone', 'email', 'letter', 'in_person'] as const;
export const ReportChannel = z.enum(REPORT_CHANNELS);
export type ReportChannel = z.infer<typeof ReportChannel>;
export const ON_BEHALF_CHANNELS = ['phone', 'email', 'letter', 'in_person'] as const;
export const OnBehalfChannel = z.enum(ON_BEHALF_CHANNELS);
export type OnBehalfChannel = z.infer<typeof OnBehalfChannel>;

/** "Someone is in danger right now" shows the emergency number before anything is sent, and alerts the whole team. */
export const URGENCIES = ['danger_now', 'urgent', 'normal'] as const;
export const Urgency = z.enum(URGENCIES);
export type Urgency = z.infer<typeof Urgency>;

/**
 * The eight proximal warning behaviours of Meloy et al. (2012), asked in plain language
 * (../shared/product/assessment-models.md); the texts are in the web app's translations.
 */
export const WARNING_BEHAVIOURS = [
  'pathway',
  'fixation',
  'identification',
  'novel_aggression',
  'energy_burst',
  'leakage',
  'last_resort',
  'direct_threat',
] as const;
export const WarningBehaviour = z.enum(WARNING_BEHAVIOURS);
export type WarningBehaviour = z.infer<typeof WarningBehaviour>;
/** Only what was seen, or might have been: a behaviour left out was not observed. */
export const BehaviourAnswer = z.enum(['yes', 'not_sure']);
export type BehaviourAnswer = z.infer<typeof BehaviourAnswer>;

export const INVOLVED_ROLES = ['person_of_concern', 'target', 'witness', 'other'] as const;
export const InvolvedRole = z.enum(INVOLVED_ROLES);
export type InvolvedRole = z.infer<typeof InvolvedRole>;

/** The limits, shown while typing. */
export const REPORT_LIMITS = {
  whatHappened: 10_000,
  whenDetail: 200,
  location: 300,
  persons: 10,
  personField: 200,
  personDescription: 1_000,
  message: 5_000,
} as const;

/** YYYY-MM-DD that is a real day (2026-02-30 is not). */
export const Day = z.iso.date({ error: 'a date as YYYY-MM-DD' });
const OptionalDay = z.union([z.literal(''), Day]).default('');

/** Everyone named in a report: every field may be unknown. */
export const InvolvedPerson = z
  .strictObject({
    role: InvolvedRole,
    name: optionalLine(REPORT_LIMITS.personField),
    orgUnit: optionalLine(REPORT_LIMITS.personField),
    /** An e-mail address or a phone number, as given. */
    contact: optionalLine(REPORT_LIMITS.personField),
    employeeNumber: optionalLine(REPORT_LIMITS.personField),
    dateOfBirth: OptionalDay,
    description: text(REPORT_LIMITS.personDescription).default(''),
  })
  .meta({ id: 'InvolvedPerson' });
export type InvolvedPerson = z.output<typeof InvolvedPerson>;

/**
 * Made once per form by the browser (crypto.randomUUID): a random (version 4) UUID, so that a
 * constant or well-known key (the nil UUID, one copied from an example) is refused.
 */
export const IdempotencyKey = z.stringFormat(
  'uuid',
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  { error: 'must be a random (version 4) UUID in lowercase' },
);

const required = (max: number) =>
  text(max)
    .transform((s) => s.trim())
    .pipe(z.string().min(1, 'required'));

/** What happened, when and where, who, which warning behaviours, how urgent. */
const reportFields = {
  urgency: Urgency,
  whatHappened: required(REPORT_LIMITS.whatHappened),
  /** The day it happened, if known; a day in the future is refused. */
  incidentDate: OptionalDay,
  /** "around 3 pm", "several times since March". */
  whenDetail: optionalLine(REPORT_LIMITS.whenDetail),
  location: optionalLine(REPORT_LIMITS.location),
  persons: z.array(InvolvedPerson).max(REPORT_LIMITS.persons).default([]),
  behaviours: z
    .array(z.strictObject({ behaviour: WarningBehaviour, answer: BehaviourAnswer }))
    .max(WARNING_BEHAVIOURS.length)
    .refine((list) => new Set(list.map((b) => b.behaviour)).size === list.length, 'each behaviour once')
    .default([]),
};

export const ReportContent = z.strictObject(reportFields).meta({ id: 'ReportContent' });
export type ReportContent = z.output<typeof ReportContent>;

/**
 * A report from the web form, anonymous or signed in. The idempotency key is made once per form
 * by the browser: sending it again returns the first answer (and, anonymously, the same receipt).
 */
export const SubmitReport = z
  .strictObject({
    ...reportFields,
    idempotencyKey: IdempotencyKey,
    /** The privacy notice was shown and accepted. */
    consent: z.literal(true, { error: 'the privacy notice must be accepted' }),
    /** Under a flood, the anonymous channel asks for a solved challenge (GET /api/anonymous/challenge). */
    proof: z.strictObject({ seed: z.string().max(200), nonce: z.string().max(64) }).optional(),
  })
  .meta({ id: 'SubmitReport' });
export type SubmitReport = z.input<typeof SubmitReport>;

/** Who called, wrote or came by; null when they would not say. Sealed like the rest. */
export const OriginalReporter = z
  .strictObject({
    name: line(REPORT_LIMITS.personField),
    contact: optionalLine(REPORT_LIMITS.personField),
    /** Their relation to what happened: "colleague of the target". */
    relation: optionalLine(REPORT_LIMITS.personField),
  })
  .meta({ id: 'OriginalReporter' });
export type OriginalReporter = z.output<typeof OriginalReporter>;

/** A report a threat manager received by phone, e-mail, letter or in person, recorded on the reporter's behalf. */
export const RecordReport = z
  .strictObject({
    ...reportFields,
    idempotencyKey: IdempotencyKey,
    channel: OnBehalfChannel,
    /** The day it came in (not in the future). */
    receivedOn: Day,
    reporter: OriginalReporter.nullable(),
  })
  .meta({ id: 'RecordReport' });
export type RecordReport = z.input<typeof RecordReport>;

/** The anonymous reporter's receipt, shown once: six groups of four characters. */
export const ReportReceipt = z.strictObject({ receipt: z.string(), acknowledgeBy: Day }).meta({ id: 'ReportReceipt' });
export type ReportReceipt = z.infer<typeof ReportReceipt>;

export const SubmittedReport = z
  .strictObject({ id: uuid(), reference: z.string(), receivedOn: Day, acknowledgeBy: Day })
  .meta({ id: 'SubmittedReport' });
export type SubmittedReport = z.infer<typeof SubmittedReport>;

/** The fields of an anonymous attachment (multipart, before the file part). */
export const ReceiptUploadFields = z.strictObject({ receipt: z.string().max(64) }).meta({ id: 'ReceiptUploadFields' });

/** The receipt as typed, sent in the body (never in a URL, which proxies log). */
export const ReceiptCheck = z.strictObject({ receipt: z.string().max(64) }).meta({ id: 'ReceiptCheck' });
export const ReceiptMessage = z
  .strictObject({ receipt: z.string().max(64), body: required(REPORT_LIMITS.message) })
  .meta({ id: 'ReceiptMessage' });
export const ReporterMessageBody = z
  .strictObject({ body: required(REPORT_LIMITS.message) })
  .meta({ id: 'ReporterMessageBody' });

/** What a reporter sees of the work on their report: no more than this. */
export const REPORTER_STATUSES = ['received', 'in_review', 'closed'] as const;
export const ReporterStatus = z.enum(REPORTER_STATUSES);
export type ReporterStatus = z.infer<typeof ReporterStatus>;

export const MESSAGE_KINDS = ['message', 'acknowledgement', 'feedback'] as const;
export const MessageKind = z.enum(MESSAGE_KINDS);
export type MessageKind = z.infer<typeof MessageKind>;

/** A message of the two-way channel, dated to the day; the team writes as the team, never by name. */
export const ReportMessage = z
  .strictObject({
    number: z.number().int().positive(),
    from: z.enum(['reporter', 'team']),
    kind: MessageKind,
    body: z.string(),
    sentOn: Day,
  })
  .meta({ id: 'ReportMessage' });
export type ReportMessage = z.infer<typeof ReportMessage>;

/** A file the reporter added (their own only; metadata stripped when they were anonymous). */
export const ReporterAttachment = z
  .strictObject({ name: z.string(), kind: z.string(), bytes: z.number().int().nonnegative(), addedOn: Day })
  .meta({ id: 'ReporterAttachment' });
export type ReporterAttachment = z.infer<typeof ReporterAttachment>;

/** The reporter's view of their own report: the status, the messages, what they wrote and the files they added. */
export const ReporterView = z
  .strictObject({
    reference: z.string(),
    status: ReporterStatus,
    receivedOn: Day,
    messages: z.array(ReportMessage),
    content: ReportContent,
    attachments: z.array(ReporterAttachment),
  })
  .meta({ id: 'ReporterView' });
export type ReporterView = z.infer<typeof ReporterView>;

export const MyReportSummary = z
  .strictObject({ id: uuid(), reference: z.string(), status: ReporterStatus, receivedOn: Day, unread: z.boolean() })
  .meta({ id: 'MyReportSummary' });
export const MyReports = z.strictObject({ reports: z.array(MyReportSummary) }).meta({ id: 'MyReports' });
export type MyReports = z.infer<typeof MyReports>;

/** Who triages reports and records them for callers. */
export const TRIAGE_ROLES: readonly Role[] = ['threat_manager', 'team_lead'];

/** Triage: where a report stands. */
export const TRIAGE_STATUSES = ['new', 'case', 'closed'] as const;
export const TriageStatus = z.enum(TRIAGE_STATUSES);
export type TriageStatus = z.infer<typeof TriageStatus>;
/** Closing without a case: no concern, or a report that was malicious or mistaken (kept for fairness statistics). */
export const REPORT_OUTCOMES = ['no_concern', 'malicious', 'mistaken'] as const;
export const ReportOutcome = z.enum(REPORT_OUTCOMES);
export type ReportOutcome = z.infer<typeof ReportOutcome>;

export const ReportDeadlines = z.strictObject({
  acknowledgeBy: Day,
  acknowledgedOn: Day.nullable(),
  feedbackBy: Day,
  feedbackOn: Day.nullable(),
});
export type ReportDeadlines = z.infer<typeof ReportDeadlines>;

export const TriageSummary = z
  .strictObject({
    id: uuid(),
    reference: z.string(),
    channel: ReportChannel,
    urgency: Urgency,
    status: TriageStatus,
    outcome: ReportOutcome.nullable(),
    receivedOn: Day,
    /** Whole days since it came in. */
    ageDays: z.number().int().nonnegative(),
    deadlines: ReportDeadlines,
    /** The reporter wrote and nobody from the team has answered since. */
    awaitingReply: z.boolean(),
    case: z.strictObject({ id: uuid(), reference: z.string() }).nullable(),
  })
  .meta({ id: 'TriageSummary' });
export type TriageSummary = z.infer<typeof TriageSummary>;

export const TRIAGE_SORTS = ['urgency', 'received', 'deadline'] as const;
export const TriageQuery = z.strictObject({
  status: TriageStatus.default('new'),
  urgency: Urgency.optional(),
  channel: ReportChannel.optional(),
  sort: z.enum(TRIAGE_SORTS).default('urgency'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type TriageQuery = z.input<typeof TriageQuery>;
export type TriageFilter = z.output<typeof TriageQuery>;

export const TriageList = z
  .strictObject({ reports: z.array(TriageSummary), total: z.number().int().nonnegative() })
  .meta({ id: 'TriageList' });
export type TriageList = z.infer<typeof TriageList>;

/**
 * "Known person": a person named in this report is named elsewhere too. A case the viewer is a
 * member of is named; of another case only that it exists and who leads it (to ask for access).
 */
export const KnownPersonHint = z
  .strictObject({
    /** The index of the person in the report's list. */
    person: z.number().int().nonnegative(),
    /** Which identifiers matched: a name alone is weak evidence. */
    matchedBy: z.array(z.enum(['name', 'name_birth', 'employee_number', 'email', 'phone'])),
    where: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('report'), id: uuid(), reference: z.string(), status: TriageStatus }),
      z.strictObject({ kind: z.literal('case'), id: uuid(), reference: z.string(), status: CaseStatus }),
      z.strictObject({ kind: z.literal('other_case'), lead: UserRef.nullable() }),
    ]),
  })
  .meta({ id: 'KnownPersonHint' });
export type KnownPersonHint = z.infer<typeof KnownPersonHint>;

export const TriageDetail = z
  .strictObject({
    ...TriageSummary.shape,
    version: Version,
    content: ReportContent,
    /** The caller, writer or visitor a report was recorded for; null for the web channels or when they stayed anonymous. */
    originalReporter: OriginalReporter.nullable(),
    /** The signed-in employee who reported. */
    reporter: UserRef.nullable(),
    recordedBy: UserRef.nullable(),
    outcomeReason: z.string().nullable(),
    /**
     * A report in a case shows who is named, who reported and the hints only to members whose
     * scope holds the identities section; to others they are blanked, and this says so.
     */
    identitiesHidden: z.boolean(),
    messages: z.array(ReportMessage),
    /** Whether the reporter can read messages: the anonymous and signed-in web channels only. */
    canMessage: z.boolean(),
    hints: z.array(KnownPersonHint),
  })
  .meta({ id: 'TriageDetail' });
export type TriageDetail = z.infer<typeof TriageDetail>;

export const ReportParams = z.strictObject({ id: uuid() });

/** A message to the reporter: always this explicit act, never a side effect of a note. */
export const TeamMessage = z
  .strictObject({ expectedVersion: Version, kind: MessageKind, body: required(REPORT_LIMITS.message) })
  .meta({ id: 'TeamMessage' });
export type TeamMessage = z.input<typeof TeamMessage>;

/** Acknowledged outside TMA (by phone, by letter): for reports recorded on a caller's behalf. */
export const AcknowledgeReport = z
  .strictObject({ expectedVersion: Version, on: Day })
  .meta({ id: 'AcknowledgeReport' });

export const OpenCaseFromReport = z
  .strictObject({ expectedVersion: Version, title: line(200) })
  .meta({ id: 'OpenCaseFromReport' });
export type OpenCaseFromReport = z.input<typeof OpenCaseFromReport>;

export const AttachReport = z
  .strictObject({ expectedVersion: Version, reference: CaseReferenceText })
  .meta({ id: 'AttachReport' });
export type AttachReport = z.input<typeof AttachReport>;

export const CloseReport = z
  .strictObject({ expectedVersion: Version, outcome: ReportOutcome, reason: Reason })
  .meta({ id: 'CloseReport' });
export type CloseReport = z.input<typeof CloseReport>;

export const TriageResult = z
  .strictObject({
    id: uuid(),
    status: TriageStatus,
    case: z.strictObject({ id: uuid(), reference: z.string() }).nullable(),
  })
  .meta({ id: 'TriageResult' });

/**
 * A report as the members of its case read it (the case's timeline section): persons' identifying
 * fields, the reporter and the caller only with the identities section, else blanked and flagged.
 */
export const CaseReport = z
  .strictObject({
    id: uuid(),
    reference: z.string(),
    channel: ReportChannel,
    urgency: Urgency,
    receivedOn: Day,
    deadlines: ReportDeadlines,
    content: ReportContent,
    identitiesHidden: z.boolean(),
    reporter: UserRef.nullable(),
    originalReporter: OriginalReporter.nullable(),
    messages: z.array(ReportMessage),
  })
  .meta({ id: 'CaseReport' });
export type CaseReport = z.infer<typeof CaseReport>;

export const CaseReports = z.strictObject({ reports: z.array(CaseReport) }).meta({ id: 'CaseReports' });
export type CaseReports = z.infer<typeof CaseReports>;
