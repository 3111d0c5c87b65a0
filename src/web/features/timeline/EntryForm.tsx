import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Document } from '../../../contract/documents.ts';
import type { CasePerson } from '../../../contract/persons.ts';
import { WARNING_BEHAVIOURS } from '../../../contract/reports.ts';
import {
  ENTRY_BODY_MAX,
  ENTRY_PERSONS_MAX,
  ENTRY_SOURCE_MAX,
  ENTRY_TITLE_MAX,
  type EntryHistory,
  type TimelineEntry,
  WRITTEN_KINDS,
} from '../../../contract/timeline.ts';
import { ApiError, problemCode } from '../../api/client.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { TextArea } from '../../ui/TextArea.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { todayDay } from '../intake/days.ts';
import { EntryAttachments } from './EntryAttachments.tsx';
import {
  bodyOf,
  checkDraft,
  type DraftProblems,
  draftOf,
  ENTRY_FIELDS,
  type EntryDraft,
  emptyDraft,
  problemsOfRefusal,
  toggled,
} from './entry-draft.ts';
import { createEntry, entryHistoryQuery, timelineKey, updateEntry } from './timeline-api.ts';
import { useDraftProblemText } from './useTimelineText.ts';

/** What every entry form of a case needs: the persons and documents the reader may name (null: not theirs). */
export interface EntryFormContext {
  readonly caseId: string;
  readonly persons: readonly CasePerson[] | null;
  readonly documents: readonly Document[] | null;
}

/** Focuses the first field with a problem, once React has rendered the messages. */
function focusFirst(form: HTMLFormElement | null, problems: DraftProblems): void {
  const first = ENTRY_FIELDS.find((field) => field in problems);
  if (form === null || first === undefined) return;
  window.setTimeout(() => form.querySelector<HTMLElement>(`[name="${first}"]`)?.focus(), 0);
}

/**
 * Writing an entry, or editing one (`entry`): an edit names the version it started from. Whatever the server
 * answers, what was typed stays in the form; when someone else saved the entry meanwhile, their version can be
 * loaded beside the typed text and the typed text saved over it.
 */
export function EntryForm({
  context,
  entry,
  onDone,
  onCancel,
}: {
  context: EntryFormContext;
  entry?: TimelineEntry;
  /** After a save. */
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const text = useDraftProblemText();
  const formRef = useRef<HTMLFormElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Opened: the keyboard lands on the form, and a screen reader says which.
  useEffect(() => headingRef.current?.focus(), []);
  const { caseId } = context;
  const id = entry === undefined ? 'tl-new' : `tl-edit-${entry.id}`;
  const [draft, setDraft] = useState<EntryDraft>(() => (entry === undefined ? emptyDraft(todayDay()) : draftOf(entry)));
  const [base, setBase] = useState(entry?.version ?? 0);
  const [problems, setProblems] = useState<DraftProblems>({});
  const [newer, setNewer] = useState<EntryHistory['versions'][number] | null>(null);
  const set =
    <K extends keyof EntryDraft>(field: K) =>
    (value: EntryDraft[K]) =>
      setDraft((current) => ({ ...current, [field]: value }));

  const mutation = useMutation({
    mutationFn: (body: ReturnType<typeof bodyOf>) =>
      entry === undefined
        ? createEntry(caseId, body)
        : updateEntry(caseId, entry.id, { ...body, expectedVersion: base }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: timelineKey(caseId) });
      onDone();
    },
    onError: (error) => {
      if (!(error instanceof ApiError)) return;
      setProblems(problemsOfRefusal(error.code, error.problem));
    },
  });
  const stale = problemCode(mutation.error) === 'stale_version';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = checkDraft(draft);
    setProblems(found);
    if (Object.keys(found).length > 0) {
      mutation.reset();
      focusFirst(formRef.current, found);
      return;
    }
    mutation.mutate(bodyOf(draft));
  };
  /** Loads the version someone else saved (shown above the form); saving then puts the typed text over it. */
  const reload = async () => {
    if (entry === undefined) return;
    const history = await client.fetchQuery({ ...entryHistoryQuery(caseId, entry.id), staleTime: 0 });
    const latest = history.versions[0];
    if (latest === undefined) return;
    setNewer(latest);
    setBase(latest.version);
    mutation.reset();
    void client.invalidateQueries({ queryKey: timelineKey(caseId) });
  };

  const heading = entry === undefined ? t('timeline.new.heading') : t('timeline.edit.heading', { title: entry.title });
  const persons = context.persons;
  // A new entry's form stands beside the list; an edit's inside its entry.
  const Heading = entry === undefined ? 'h3' : 'h5';
  return (
    <section className="card tl-form" aria-labelledby={`${id}-heading`}>
      <Heading id={`${id}-heading`} ref={headingRef} tabIndex={-1} className="section-heading">
        {heading}
      </Heading>
      <form ref={formRef} className="form" onSubmit={submit} noValidate>
        {stale ? (
          <Alert tone="warning" title={t('timeline.edit.staleTitle')} focus focusKey={mutation.error}>
            <p>{t('timeline.edit.stale')}</p>
            <button type="button" className="button button--small" onClick={() => void reload()}>
              {t('timeline.edit.reload')}
            </button>
          </Alert>
        ) : (
          <ErrorAlert
            error={mutation.error}
            messages={
              problems.occurredOn?.key === 'timeline.errors.beforeBirth'
                ? { entry_before_birth: text(problems.occurredOn) ?? '' }
                : {}
            }
          />
        )}
        {newer !== null && (
          <Alert
            tone="info"
            title={t('timeline.edit.newerTitle', {
              version: newer.version,
              name: newer.editedBy?.displayName ?? t('timeline.recorded.someone'),
            })}
          >
            <p className="tl-newer__title">{newer.title}</p>
            {newer.body !== '' && <p className="case-text">{newer.body}</p>}
            <p>{t('timeline.edit.newerHint')}</p>
          </Alert>
        )}
        <SelectField
          id={`${id}-kind`}
          name="kind"
          label={t('timeline.fields.kind')}
          value={draft.kind}
          placeholder={t('timeline.form.chooseKind')}
          options={WRITTEN_KINDS.map((k) => ({ value: k, label: t(`timeline.kinds.${k}`) }))}
          onChange={set('kind')}
          error={text(problems.kind)}
          required
        />
        <div className="tl-form__when">
          <TextField
            id={`${id}-day`}
            name="occurredOn"
            type="date"
            label={t('timeline.fields.day')}
            value={draft.occurredOn}
            onChange={set('occurredOn')}
            error={text(problems.occurredOn)}
            max={todayDay()}
            required
          />
          <TextField
            id={`${id}-time`}
            name="occurredTime"
            type="time"
            label={t('timeline.fields.time')}
            hint={t('timeline.form.timeHint')}
            value={draft.occurredTime}
            onChange={set('occurredTime')}
            error={text(problems.occurredTime)}
          />
        </div>
        <TextField
          id={`${id}-title`}
          name="title"
          label={t('timeline.fields.title')}
          value={draft.title}
          onChange={set('title')}
          error={text(problems.title)}
          maxLength={ENTRY_TITLE_MAX}
          counted
          required
        />
        <TextArea
          id={`${id}-body`}
          name="body"
          label={t('timeline.fields.body')}
          value={draft.body}
          onChange={set('body')}
          error={text(problems.body)}
          maxLength={ENTRY_BODY_MAX}
          rows={6}
        />
        <TextField
          id={`${id}-source`}
          name="source"
          label={t('timeline.fields.source')}
          hint={t('timeline.form.sourceHint')}
          value={draft.source}
          onChange={set('source')}
          error={text(problems.source)}
          maxLength={ENTRY_SOURCE_MAX}
        />
        <Choices
          id={`${id}-tags`}
          name="tags"
          legend={t('timeline.fields.tags')}
          hint={t('timeline.form.tagsHint')}
          options={WARNING_BEHAVIOURS.map((b) => ({ value: b, label: t(`triage.behaviours.${b}`) }))}
          chosen={draft.tags}
          onChange={set('tags')}
          error={text(problems.tags)}
        />
        {persons !== null && persons.length > 0 && (
          <Choices
            id={`${id}-persons`}
            name="personIds"
            legend={t('timeline.fields.persons')}
            options={persons.map((p) => ({ value: p.id, label: t('persons.pseudonym', { letters: p.pseudonym }) }))}
            chosen={draft.personIds}
            onChange={set('personIds')}
            error={text(problems.personIds)}
            max={ENTRY_PERSONS_MAX}
          />
        )}
        {context.documents !== null && (
          <EntryAttachments
            id={`${id}-documents`}
            caseId={caseId}
            documents={context.documents}
            chosen={draft.documentIds}
            onChange={set('documentIds')}
            error={text(problems.documentIds)}
          />
        )}
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('timeline.form.save')}
          </button>
          <button type="button" className="button button--secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

/** Checkboxes of a set of values, with the set's error. */
function Choices<V extends string>({
  id,
  name,
  legend,
  hint,
  options,
  chosen,
  onChange,
  error,
  max,
}: {
  id: string;
  name: string;
  legend: string;
  hint?: string;
  options: readonly { value: V; label: string }[];
  chosen: readonly V[];
  onChange: (values: readonly V[]) => void;
  error: string | undefined;
  max?: number;
}) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <fieldset className="choices tl-choices" aria-describedby={described || undefined}>
      <legend>{legend}</legend>
      {hint && (
        <p className="field__hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {options.map((option) => (
        <label key={option.value} className="choice">
          <input
            type="checkbox"
            name={name}
            value={option.value}
            checked={chosen.includes(option.value)}
            disabled={max !== undefined && !chosen.includes(option.value) && chosen.length >= max}
            onChange={(event) => onChange(toggled(chosen, option.value, event.target.checked))}
          />
          {option.label}
        </label>
      ))}
    </fieldset>
  );
}
