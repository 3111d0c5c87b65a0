import {
  type InvolvedRole,
  type OnBehalfChannel,
  ReportContent,
  type SubmitReport,
  type Urgency,
  WARNING_BEHAVIOURS,
  type WarningBehaviour,
} from '../../../contract/reports.ts';
import { isDay } from './days.ts';

/**
 * What the report form holds while it is filled in, and the checks it makes before sending: the contract's own
 * rules (contract/reports.ts) with messages in the user's language, keyed by the same paths the server names in
 * its validation errors ("persons.0.dateOfBirth"), so that a refusal from either lands at the same field.
 */
export type Answer = 'yes' | 'no' | 'not_sure';

/** Who fills the form in: the reporter (anonymous or signed in), or the team for a caller. */
export type FormMode = 'anonymous' | 'employee' | 'record';

export interface PersonDraft {
  /** Keeps each person's fields with them when another is removed; never sent. */
  readonly key: string;
  readonly role: InvolvedRole | '';
  readonly name: string;
  readonly orgUnit: string;
  readonly contact: string;
  readonly employeeNumber: string;
  readonly dateOfBirth: string;
  readonly description: string;
}

export interface ReportDraft {
  readonly urgency: Urgency | '';
  readonly whatHappened: string;
  readonly incidentDate: string;
  readonly whenDetail: string;
  readonly location: string;
  readonly persons: readonly PersonDraft[];
  readonly behaviours: Readonly<Record<WarningBehaviour, Answer>>;
}

/** What only a report recorded on a caller's behalf has. */
export interface RecordDraft {
  readonly channel: OnBehalfChannel | '';
  readonly receivedOn: string;
  readonly anonymous: boolean;
  readonly name: string;
  readonly contact: string;
  readonly relation: string;
}

export type Problem =
  | { readonly key: 'validation.required' }
  | { readonly key: 'intake.validation.urgency' }
  | { readonly key: 'intake.validation.day' }
  | { readonly key: 'intake.validation.future' }
  | { readonly key: 'intake.validation.afterReceived' }
  | { readonly key: 'intake.validation.personRole' }
  | { readonly key: 'intake.validation.channel' }
  | { readonly key: 'intake.validation.consent' }
  | { readonly key: 'intake.validation.invalid' }
  | { readonly key: 'intake.validation.server'; readonly values: { readonly message: string } };

/** Problems by path: "whatHappened", "persons.1.role", "reporter.name". */
export type Problems = Readonly<Record<string, Problem>>;

let lastKey = 0;

export const newPerson = (): PersonDraft => ({
  key: `person-${++lastKey}`,
  role: '',
  name: '',
  orgUnit: '',
  contact: '',
  employeeNumber: '',
  dateOfBirth: '',
  description: '',
});

export const emptyDraft = (): ReportDraft => ({
  urgency: '',
  whatHappened: '',
  incidentDate: '',
  whenDetail: '',
  location: '',
  persons: [],
  behaviours: Object.fromEntries(WARNING_BEHAVIOURS.map((b) => [b, 'no'])) as Record<WarningBehaviour, Answer>,
});

export const emptyRecord = (today: string): RecordDraft => ({
  channel: '',
  receivedOn: today,
  anonymous: false,
  name: '',
  contact: '',
  relation: '',
});

export type ReportFields = Omit<SubmitReport, 'idempotencyKey' | 'consent'>;

/** The report as the API takes it: "no" answers are left out (a behaviour left out was not observed). */
export function fieldsOf(draft: ReportDraft): ReportFields {
  return {
    urgency: draft.urgency === '' ? 'normal' : draft.urgency,
    whatHappened: draft.whatHappened,
    incidentDate: draft.incidentDate,
    whenDetail: draft.whenDetail,
    location: draft.location,
    persons: draft.persons.map(({ key: _key, role, ...person }) => ({ ...person, role: role === '' ? 'other' : role })),
    behaviours: WARNING_BEHAVIOURS.flatMap((behaviour) => {
      const answer = draft.behaviours[behaviour];
      return answer === 'no' ? [] : [{ behaviour, answer }];
    }),
  };
}

function checkDay(value: string, today: string): Problem | undefined {
  if (value === '') return undefined;
  if (!isDay(value)) return { key: 'intake.validation.day' };
  return value > today ? { key: 'intake.validation.future' } : undefined;
}

/**
 * The form's problems before it is sent. `receivedOn` (a recorded report's day) is the latest day the incident
 * may have been.
 */
export function checkDraft(draft: ReportDraft, today: string, receivedOn?: string): Problems {
  const problems: Record<string, Problem> = {};
  const add = (path: string, problem: Problem | undefined) => {
    if (problem !== undefined && problems[path] === undefined) problems[path] = problem;
  };
  if (draft.urgency === '') add('urgency', { key: 'intake.validation.urgency' });
  if (draft.whatHappened.trim() === '') add('whatHappened', { key: 'validation.required' });
  add('incidentDate', checkDay(draft.incidentDate, today));
  if (receivedOn !== undefined && isDay(receivedOn) && draft.incidentDate > receivedOn && isDay(draft.incidentDate))
    add('incidentDate', { key: 'intake.validation.afterReceived' });
  draft.persons.forEach((person, i) => {
    if (person.role === '') add(`persons.${i}.role`, { key: 'intake.validation.personRole' });
    add(`persons.${i}.dateOfBirth`, checkDay(person.dateOfBirth, today));
  });
  // What the checks above do not name (control characters, a limit passed by pasting) the contract finds.
  const parsed = ReportContent.safeParse(fieldsOf(draft));
  if (!parsed.success)
    for (const issue of parsed.error.issues) add(issue.path.join('.'), { key: 'intake.validation.invalid' });
  return problems;
}

/** The channel, the day it came in, and who called (unless they stayed anonymous). */
export function checkRecord(record: RecordDraft, today: string): Problems {
  const problems: Record<string, Problem> = {};
  if (record.channel === '') problems.channel = { key: 'intake.validation.channel' };
  const received =
    record.receivedOn === '' ? { key: 'validation.required' as const } : checkDay(record.receivedOn, today);
  if (received !== undefined) problems.receivedOn = received;
  if (!record.anonymous && record.name.trim() === '') problems['reporter.name'] = { key: 'validation.required' };
  return problems;
}

/** The server's words for the refusals the form knows, in the user's language; any other in the server's. */
const KNOWN_MESSAGES: Readonly<Record<string, Problem>> = {
  'must not be in the future': { key: 'intake.validation.future' },
  'must not be after the day the report came in': { key: 'intake.validation.afterReceived' },
  required: { key: 'validation.required' },
  'a date as YYYY-MM-DD': { key: 'intake.validation.day' },
  'not a date': { key: 'intake.validation.day' },
};

/**
 * The field errors of a 400 validation_failed answer by path, "body." (the route's wrapper) taken off; the first
 * message of a path wins.
 */
export function serverProblems(errors: readonly { path: string; message: string }[]): Problems {
  const problems: Record<string, Problem> = {};
  for (const { path, message } of errors) {
    const key = path.replace(/^body\.?/, '');
    problems[key] ??= KNOWN_MESSAGES[message] ?? { key: 'intake.validation.server', values: { message } };
  }
  return problems;
}

/** The id of the control of a path: "persons.0.dateOfBirth" in form "report" is "report-persons-0-dateOfBirth". */
export const fieldId = (form: string, path: string): string => `${form}-${path.replaceAll('.', '-')}`;

const PLACED =
  /^(urgency|whatHappened|incidentDate|whenDetail|location|consent|channel|receivedOn|reporter\.(name|contact|relation))$/;
const PLACED_PERSON = /^persons\.(\d+)\.(role|name|orgUnit|contact|employeeNumber|dateOfBirth|description)$/;

/** Whether the form shows a path's problem at a field (else it is listed above the form). */
export function isPlaced(path: string, persons: number): boolean {
  if (PLACED.test(path)) return true;
  const person = PLACED_PERSON.exec(path);
  return person !== null && Number(person[1]) < persons;
}
