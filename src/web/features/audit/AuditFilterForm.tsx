import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type AuditFilter, AuditOutcome } from '../../../contract/audit.ts';
import { focusFirstInvalid } from '../../forms/focus.ts';
import { useFieldText } from '../../forms/useFieldText.ts';
import { type FormProblems, isValid } from '../../forms/validation.ts';
import { SelectField } from '../../ui/SelectField.tsx';
import { TextField } from '../../ui/TextField.tsx';
import {
  checkFilter,
  EMPTY_FORM,
  FILTER_FIELDS,
  type FilterField,
  type FilterForm,
  formatOffset,
  toFilter,
} from './filters.ts';
import { useCodeLabels } from './labels.ts';

/** The choice "any" of the selects (a native select needs a value for it; no action or outcome is named so). */
const ANY = '*';

/**
 * The viewer's filters, applied together with the button (not while typing: every query of the trail is itself
 * recorded in it). Times are entered in the browser's time zone and sent with its offset.
 */
export function AuditFilterForm({
  actions,
  onApply,
}: {
  actions: readonly string[];
  onApply: (filter: AuditFilter) => void;
}) {
  const { t } = useTranslation();
  const text = useFieldText();
  const labels = useCodeLabels();
  const formRef = useRef<HTMLFormElement>(null);
  const [form, setForm] = useState<FilterForm>(EMPTY_FORM);
  const [problems, setProblems] = useState<FormProblems<FilterField>>({});
  const set = (field: FilterField) => (value: string) => setForm((current) => ({ ...current, [field]: value }));
  const offset = formatOffset(-new Date().getTimezoneOffset());

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = checkFilter(form);
    setProblems(found);
    if (!isValid(found)) return focusFirstInvalid(formRef.current, FILTER_FIELDS, found);
    onApply(toFilter(form));
  };

  const reset = () => {
    setForm(EMPTY_FORM);
    setProblems({});
    onApply({});
  };

  const actionOptions = [
    { value: ANY, label: t('audit.filter.anyAction') },
    ...actions.map((action) => ({ value: action, label: `${labels.action(action)} (${action})` })),
  ];
  const outcomeOptions = [
    { value: ANY, label: t('audit.filter.anyOutcome') },
    ...AuditOutcome.options.map((outcome) => ({ value: outcome, label: t(`audit.outcome.${outcome}`) })),
  ];

  return (
    <section className="card" aria-labelledby="audit-filter-heading">
      <h2 id="audit-filter-heading">{t('audit.filter.heading')}</h2>
      <form ref={formRef} className="form" onSubmit={submit} noValidate>
        <div className="audit-filters">
          <TextField
            id="audit-actor"
            name="actor"
            label={t('audit.filter.actor')}
            hint={t('audit.filter.actorHint')}
            value={form.actor}
            onChange={set('actor')}
            error={text(problems.actor)}
            autoComplete="off"
            maxLength={36}
          />
          <SelectField
            id="audit-action"
            name="action"
            label={t('audit.filter.action')}
            value={form.action === '' ? ANY : form.action}
            options={actionOptions}
            onChange={(value) => set('action')(value === ANY ? '' : value)}
          />
          <TextField
            id="audit-object-type"
            name="objectType"
            label={t('audit.filter.objectType')}
            hint={t('audit.filter.objectTypeHint')}
            value={form.objectType}
            onChange={set('objectType')}
            autoComplete="off"
            maxLength={200}
          />
          <TextField
            id="audit-object-id"
            name="objectId"
            label={t('audit.filter.objectId')}
            value={form.objectId}
            onChange={set('objectId')}
            autoComplete="off"
            maxLength={200}
          />
          <TextField
            id="audit-case"
            name="caseId"
            label={t('audit.filter.caseId')}
            value={form.caseId}
            onChange={set('caseId')}
            error={text(problems.caseId)}
            autoComplete="off"
            maxLength={36}
          />
          <SelectField
            id="audit-outcome"
            name="outcome"
            label={t('audit.filter.outcome')}
            value={form.outcome === '' ? ANY : form.outcome}
            options={outcomeOptions}
            onChange={(value) => set('outcome')(value === ANY ? '' : value)}
          />
        </div>
        <fieldset className="form__group" aria-describedby="audit-period-intro">
          <legend>{t('audit.filter.period')}</legend>
          <p className="form__group-intro" id="audit-period-intro">
            {t('audit.filter.periodIntro', { offset })}
          </p>
          <div className="audit-filters">
            <TextField
              id="audit-from"
              name="from"
              type="datetime-local"
              label={t('audit.filter.from')}
              value={form.from}
              onChange={set('from')}
              error={text(problems.from)}
            />
            <TextField
              id="audit-to"
              name="to"
              type="datetime-local"
              label={t('audit.filter.to')}
              value={form.to}
              onChange={set('to')}
              error={text(problems.to)}
            />
          </div>
        </fieldset>
        <div className="form__actions">
          <button type="submit" className="button">
            {t('audit.filter.apply')}
          </button>
          <button type="button" className="button button--secondary" onClick={reset}>
            {t('audit.filter.reset')}
          </button>
        </div>
      </form>
    </section>
  );
}
