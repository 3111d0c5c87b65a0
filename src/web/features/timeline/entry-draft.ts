import type { Problem } from '../../../contract/problem.ts';
import type { WarningBehaviour } from '../../../contract/reports.ts';
import {
  type CreateEntry,
  ENTRY_BODY_MAX,
  ENTRY_SOURCE_MAX,
  ENTRY_TITLE_MAX,
  EntryFields,
  type TimelineEntry,
  TimeOfDay,
  type WrittenKind,
} from '../../../contract/timeline.ts';

/**
 * The entry form's state, its checks (the contract's rules, before anything is sent) and the
 * server's refusals placed at the field they concern. Problems are i18n keys with their values.
 */
export interface EntryDraft {
  readonly kind: WrittenKind | '';
  readonly occurredOn: string;
  /** HH:MM, or empty: only the day is known. */
  readonly occurredTime: string;
  readonly title: string;
  readonly body: string;
  readonly source: string;
  readonly tags: readonly WarningBehaviour[];
  readonly personIds: readonly string[];
  readonly documentIds: readonly string[];
}

export const ENTRY_FIELDS = [
  'kind',
  'occurredOn',
  'occurredTime',
  'title',
  'body',
  'source',
  'tags',
  'personIds',
  'documentIds',
] as const;
export type EntryField = (typeof ENTRY_FIELDS)[number];

type RefusalCode =
  | 'entry_in_future'
  | 'entry_before_birth'
  | 'unknown_person'
  | 'persons_out_of_scope'
  | 'unknown_document'
  | 'documents_out_of_scope';

export type DraftProblem =
  | { readonly key: 'validation.required' }
  | { readonly key: 'timeline.validation.kind' }
  | { readonly key: 'timeline.validation.day' }
  | { readonly key: 'timeline.validation.time' }
  | {
      readonly key: 'timeline.validation.title' | 'timeline.validation.body' | 'timeline.validation.source';
      readonly values: { readonly max: number };
    }
  | { readonly key: 'timeline.validation.server'; readonly values: { readonly message: string } }
  /** The person's pseudonym letters and their day of birth (YYYY-MM-DD), to be shown in the UI language. */
  | {
      readonly key: 'timeline.errors.beforeBirth';
      readonly values: { readonly letters: string; readonly born: string };
    }
  | { readonly key: `errors.${RefusalCode}` };
export type DraftProblems = Partial<Record<EntryField, DraftProblem>>;

export const emptyDraft = (today: string): EntryDraft => ({
  kind: '',
  occurredOn: today,
  occurredTime: '',
  title: '',
  body: '',
  source: '',
  tags: [],
  personIds: [],
  documentIds: [],
});

/** A written entry as the form edits it. */
export const draftOf = (entry: TimelineEntry): EntryDraft => ({
  kind: EntryFields.shape.kind.safeParse(entry.kind).data ?? '',
  occurredOn: entry.occurredOn,
  occurredTime: entry.occurredTime ?? '',
  title: entry.title ?? '',
  body: entry.body ?? '',
  source: entry.source ?? '',
  tags: entry.tags,
  personIds: entry.persons?.map((p) => p.id) ?? [],
  documentIds: entry.documents.map((d) => d.id),
});

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What the form finds before sending: the same rules as the server's, in the order of the fields. */
export function checkDraft(draft: EntryDraft): DraftProblems {
  const problems: DraftProblems = {};
  if (draft.kind === '') problems.kind = { key: 'timeline.validation.kind' };
  if (draft.occurredOn === '') problems.occurredOn = { key: 'validation.required' };
  else if (!DAY.test(draft.occurredOn) || Number.isNaN(Date.parse(`${draft.occurredOn}T00:00:00Z`)))
    problems.occurredOn = { key: 'timeline.validation.day' };
  if (draft.occurredTime !== '' && !TimeOfDay.safeParse(draft.occurredTime).success)
    problems.occurredTime = { key: 'timeline.validation.time' };
  if (draft.title.trim() === '') problems.title = { key: 'validation.required' };
  else if (!EntryFields.shape.title.safeParse(draft.title).success)
    problems.title = { key: 'timeline.validation.title', values: { max: ENTRY_TITLE_MAX } };
  if (!EntryFields.shape.body.safeParse(draft.body).success)
    problems.body = { key: 'timeline.validation.body', values: { max: ENTRY_BODY_MAX } };
  if (!EntryFields.shape.source.safeParse(draft.source).success)
    problems.source = { key: 'timeline.validation.source', values: { max: ENTRY_SOURCE_MAX } };
  return problems;
}

/** The body of a create (an edit adds the version it started from). Call only on a draft without problems. */
export const bodyOf = (draft: EntryDraft): CreateEntry => ({
  kind: draft.kind === '' ? 'note' : draft.kind,
  occurredOn: draft.occurredOn,
  occurredTime: draft.occurredTime === '' ? null : draft.occurredTime,
  title: draft.title.trim(),
  body: draft.body,
  source: draft.source.trim(),
  tags: [...draft.tags],
  personIds: [...draft.personIds],
  documentIds: [...draft.documentIds],
});

/** Where the server's refusal of an entry belongs, and its words (contract/problem.ts). */
export function problemsOfRefusal(
  code: string | undefined,
  problem: Pick<Problem, 'birth' | 'errors'> | undefined,
): DraftProblems {
  switch (code) {
    case 'entry_in_future':
      return { occurredOn: { key: 'errors.entry_in_future' } };
    case 'entry_before_birth': {
      const birth = problem?.birth;
      return {
        occurredOn:
          birth === undefined
            ? { key: 'errors.entry_before_birth' }
            : { key: 'timeline.errors.beforeBirth', values: { letters: birth.pseudonym, born: birth.born } },
      };
    }
    case 'unknown_person':
    case 'persons_out_of_scope':
      return { personIds: { key: `errors.${code}` } };
    case 'unknown_document':
    case 'documents_out_of_scope':
      return { documentIds: { key: `errors.${code}` } };
    case 'validation_failed': {
      const problems: DraftProblems = {};
      for (const { path, message } of problem?.errors ?? []) {
        const field = ENTRY_FIELDS.find((f) => path.replace(/^body\.?/, '').split('.')[0] === f);
        if (field !== undefined) problems[field] ??= { key: 'timeline.validation.server', values: { message } };
      }
      return problems;
    }
    default:
      return {};
  }
}

/** Adds or removes one value of a set kept as a list. */
export const toggled = <T>(list: readonly T[], value: T, on: boolean): T[] =>
  on ? (list.includes(value) ? [...list] : [...list, value]) : list.filter((v) => v !== value);
