import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CasePerson } from '../../../contract/persons.ts';
import { WARNING_BEHAVIOURS } from '../../../contract/reports.ts';
import { type EntryKind, RECORDED_KINDS, WRITTEN_KINDS } from '../../../contract/timeline.ts';
import { SelectField } from '../../ui/SelectField.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { toggled } from './entry-draft.ts';
import { KindBadge } from './KindBadge.tsx';
import { type TimelineFilters as Filters, NO_FILTERS } from './timeline-api.ts';

/** The choice of no filter in a select (an empty value would show as a placeholder). */
const ANY = 'any';

const isActive = (f: Filters) =>
  f.kinds.length > 0 || f.person !== '' || f.tag !== '' || f.from !== '' || f.to !== '' || f.q !== '';

/**
 * Narrowing the list (and the chart) by kind, person, warning behaviour, days and words. Choices apply at once;
 * words when searched. The chart's chosen days arrive here as the from and until days.
 */
export function TimelineFilters({
  filters,
  onChange,
  persons,
}: {
  filters: Filters;
  onChange: (filters: Filters) => void;
  persons: readonly CasePerson[] | null;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState(filters.q);
  const words = useRef<HTMLInputElement>(null);
  const [dates, setDates] = useState({ from: filters.from, to: filters.to });
  useEffect(() => setDates({ from: filters.from, to: filters.to }), [filters.from, filters.to]);
  useEffect(() => setQ(filters.q), [filters.q]);
  const backwards = dates.from !== '' && dates.to !== '' && dates.from > dates.to;
  const setDate = (end: 'from' | 'to') => (value: string) => {
    const next = { ...dates, [end]: value };
    setDates(next);
    if (next.from === '' || next.to === '' || next.from <= next.to) onChange({ ...filters, ...next });
  };
  const search = (event: FormEvent) => {
    event.preventDefault();
    onChange({ ...filters, q: q.trim() });
  };
  const kinds = (list: readonly EntryKind[]) =>
    list.map((kind) => (
      <label key={kind} className="choice">
        <input
          type="checkbox"
          checked={filters.kinds.includes(kind)}
          onChange={(event) => onChange({ ...filters, kinds: toggled(filters.kinds, kind, event.target.checked) })}
        />
        <KindBadge kind={kind} />
      </label>
    ));
  return (
    <search className="tl-filters" aria-labelledby="tl-filters-heading">
      <h3 id="tl-filters-heading" className="visually-hidden">
        {t('timeline.filters.heading')}
      </h3>
      <details className="tl-filters__kinds" open={filters.kinds.length > 0 ? true : undefined}>
        <summary>
          {filters.kinds.length === 0
            ? t('timeline.filters.kindsAll')
            : t('timeline.filters.kindsChosen', { count: filters.kinds.length })}
        </summary>
        <div className="tl-filters__kind-groups">
          <fieldset className="choices">
            <legend>{t('timeline.filters.written')}</legend>
            {kinds(WRITTEN_KINDS)}
          </fieldset>
          <fieldset className="choices">
            <legend>{t('timeline.filters.recorded')}</legend>
            {kinds(RECORDED_KINDS)}
          </fieldset>
        </div>
      </details>
      <div className="case-filters">
        {persons !== null && (
          <SelectField
            id="tl-filter-person"
            label={t('timeline.filters.person')}
            value={filters.person === '' ? ANY : filters.person}
            options={[
              { value: ANY, label: t('timeline.filters.anyPerson') },
              ...persons.map((p) => ({ value: p.id, label: t('persons.pseudonym', { letters: p.pseudonym }) })),
            ]}
            onChange={(person) => onChange({ ...filters, person: person === ANY ? '' : person })}
          />
        )}
        <SelectField
          id="tl-filter-tag"
          label={t('timeline.filters.tag')}
          value={filters.tag === '' ? ANY : filters.tag}
          options={[
            { value: ANY, label: t('timeline.filters.anyTag') },
            ...WARNING_BEHAVIOURS.map((b) => ({ value: b, label: t(`triage.behaviours.${b}`) })),
          ]}
          onChange={(tag) => onChange({ ...filters, tag: tag === ANY ? '' : tag })}
        />
        <TextField
          id="tl-filter-from"
          type="date"
          label={t('timeline.filters.from')}
          value={dates.from}
          onChange={setDate('from')}
          error={backwards ? t('validation.timeRange') : undefined}
        />
        <TextField
          id="tl-filter-to"
          type="date"
          label={t('timeline.filters.to')}
          value={dates.to}
          onChange={setDate('to')}
        />
      </div>
      <form className="case-filters" onSubmit={search}>
        <TextField
          id="tl-filter-q"
          label={t('timeline.filters.q')}
          hint={t('timeline.filters.qHint')}
          value={q}
          onChange={setQ}
          inputRef={words}
          maxLength={200}
        />
        <div className="form__actions">
          <button type="submit" className="button button--secondary">
            {t('timeline.filters.search')}
          </button>
          {isActive(filters) && (
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                onChange(NO_FILTERS);
                // The button goes with the filters: the keyboard stays in the form.
                words.current?.focus();
              }}
            >
              {t('timeline.filters.clear')}
            </button>
          )}
        </div>
      </form>
    </search>
  );
}
