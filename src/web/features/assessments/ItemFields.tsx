import { useTranslation } from 'react-i18next';
import { type ItemRating, NOTE_MAX } from '../../../contract/assessments.ts';
import { type Domain, type Item, RATED_KINDS } from '../../../contract/models/definition.ts';
import { domainShown } from '../../../contract/models/validate.ts';
import { TextField } from '../../ui/TextField.tsx';
import { todayDay } from '../intake/days.ts';
import { useModelText } from '../models/useModelText.ts';
import { type ComparedFacet, changesOf, numberOf, ratingOf, scaleOf, withRating } from './assessment-draft.ts';
import { AssessmentText, ScaleChecks, ScaleRadios } from './Controls.tsx';
import { EvidencePicker } from './EvidencePicker.tsx';
import { ids } from './fields.ts';
import { useAssessmentForm } from './form-context.ts';
import { useRatingText } from './rating-text.ts';

/**
 * A domain's heading, help and items, then its nested domains a level lower. No landmark per domain.
 * Optional items not in use in this assessment are left out, and so is a nested domain of only those.
 */
export function DomainFields({ domain, level }: { domain: Domain; level: 2 | 3 | 4 }) {
  const { t } = useTranslation();
  const { model, unused } = useAssessmentForm();
  const text = useModelText(model);
  const H = `h${level}` as 'h2';
  return (
    <div className="card as-domain">
      <H>{text(domain.label)}</H>
      {domain.help !== undefined && <p>{text(domain.help)}</p>}
      {domain.mode !== undefined && <p className="field__hint">{t(`assessments.domain.mode.${domain.mode}`)}</p>}
      {(domain.items ?? [])
        .filter((item) => !unused.has(item.key))
        .map((item) => (
          <ItemFieldset key={item.key} item={item} />
        ))}
      {(domain.domains ?? [])
        .filter((d) => domainShown(d, unused))
        .map((d) => (
          <DomainFields key={d.key} domain={d} level={level === 2 ? 3 : 4} />
        ))}
    </div>
  );
}

/** One item: its rating by kind, or, for a special category outside the reader's scope, that it is withheld. */
function ItemFieldset({ item }: { item: Item }) {
  const { t } = useTranslation();
  const { model, draft, update, locked, previous, withheld } = useAssessmentForm();
  const text = useModelText(model);
  if (withheld.has(item.key))
    return (
      <div id={ids.item(item.key)} className="model-item as-item as-item--withheld">
        <p className="as-item__title">{text(item.label)}</p>
        <p>{t('assessments.item.withheld')}</p>
      </div>
    );
  const rating = ratingOf(draft, item.key);
  const set = (patch: Partial<ItemRating>) => update((d) => withRating(d, item.key, patch));
  const changes = changesOf(rating, previous, item.key);
  return (
    <fieldset
      id={ids.item(item.key)}
      className={`model-item as-item${changes.length > 0 ? ' as-item--changed' : ''}`}
      disabled={locked}
    >
      <legend>
        {text(item.label)}
        {item.critical === true && <span className="as-item__critical"> · {t('assessments.item.critical')}</span>}
      </legend>
      {item.help !== undefined && <p className="field__hint">{text(item.help)}</p>}
      {item.optional === true && <p className="field__hint">{t('assessments.item.optional')}</p>}
      {changes.length > 0 && <ChangedNote item={item} facets={changes} />}
      <DisagreementNote item={item} />
      {RATED_KINDS.has(item.kind) ? <RatedFields item={item} rating={rating} set={set} /> : null}
      {!RATED_KINDS.has(item.kind) && <ValueField item={item} rating={rating} set={set} />}
    </fieldset>
  );
}

type FieldsProps = { item: Item; rating: ItemRating; set: (patch: Partial<ItemRating>) => void };

/** Presence (now and, if asked, in the past), relevance, the day last observed, evidence and a note. */
function RatedFields({ item, rating, set }: FieldsProps) {
  const { t } = useTranslation();
  const { model, required, problemAt } = useAssessmentForm();
  const text = useModelText(model);
  const presence = scaleOf(model, item.scale);
  const relevance = scaleOf(model, item.relevance);
  const past = item.timeframes?.includes('past') === true;
  const requiredHint = (field: string) =>
    required.has(`${item.key}.${field}`) ? t('assessments.item.requiredByRule') : undefined;
  return (
    <>
      {presence !== undefined && (
        <ScaleRadios
          id={ids.facet(item.key, 'presence')}
          legend={past ? t('assessments.item.presenceNow', { scale: text(presence.label) }) : text(presence.label)}
          scale={presence}
          value={rating.presence}
          onChange={(presence) => set({ presence })}
        />
      )}
      {past && presence !== undefined && (
        <ScaleRadios
          id={ids.facet(item.key, 'pastPresence')}
          legend={t('assessments.item.pastPresence', { scale: text(presence.label) })}
          scale={presence}
          value={rating.pastPresence}
          onChange={(pastPresence) => set({ pastPresence })}
        />
      )}
      {relevance !== undefined && (
        <ScaleRadios
          id={ids.facet(item.key, 'relevance')}
          legend={text(relevance.label)}
          scale={relevance}
          value={rating.relevance}
          onChange={(value) => set({ relevance: value })}
        />
      )}
      <TextField
        id={ids.facet(item.key, 'observed')}
        type="date"
        label={t('assessments.item.observed')}
        hint={requiredHint('observed')}
        error={problemAt(ids.facet(item.key, 'observed'))}
        value={rating.observed ?? ''}
        max={todayDay()}
        min="1900-01-01"
        onChange={(day) => set({ observed: day === '' ? null : day })}
      />
      <EvidencePicker
        itemKey={item.key}
        evidence={rating.evidence}
        required={requiredHint('evidence') !== undefined}
        onChange={(evidence) => set({ evidence })}
      />
      <AssessmentText
        id={ids.facet(item.key, 'note')}
        label={t('assessments.item.note')}
        value={rating.note ?? ''}
        maxLength={NOTE_MAX}
        rows={2}
        onChange={(note) => set({ note })}
      />
    </>
  );
}

/** A stage, a choice of several, a text, a day, a number, or a report to attach. */
function ValueField({ item, rating, set }: FieldsProps) {
  const { t } = useTranslation();
  const { model, problemAt } = useAssessmentForm();
  const text = useModelText(model);
  const id = ids.facet(item.key, 'value');
  const scale = scaleOf(model, item.scale);
  const value = rating.value;
  switch (item.kind) {
    case 'stage':
      return scale === undefined ? null : (
        <ScaleRadios
          id={id}
          legend={text(scale.label)}
          scale={scale}
          value={typeof value === 'string' ? value : null}
          onChange={(v) => set({ value: v })}
        />
      );
    case 'multi_select':
      return scale === undefined ? null : (
        <ScaleChecks
          id={id}
          legend={text(scale.label)}
          scale={scale}
          value={Array.isArray(value) ? value : []}
          onChange={(v) => set({ value: v.length === 0 ? null : v })}
        />
      );
    case 'text':
      return (
        <AssessmentText
          id={id}
          label={t('assessments.item.text')}
          value={typeof value === 'string' ? value : ''}
          maxLength={NOTE_MAX}
          onChange={(v) => set({ value: v === '' ? null : v })}
        />
      );
    case 'date':
      return (
        <TextField
          id={id}
          type="date"
          label={t('assessments.item.date')}
          value={typeof value === 'string' ? value : ''}
          error={problemAt(id)}
          min="1900-01-01"
          onChange={(v) => set({ value: v === '' ? null : v })}
        />
      );
    case 'number':
      return <NumberField id={id} value={typeof value === 'number' ? value : null} set={set} />;
    case 'evidence':
      return (
        <EvidencePicker
          itemKey={item.key}
          evidence={rating.evidence}
          required={false}
          onChange={(evidence) => set({ evidence })}
        />
      );
    default:
      return null;
  }
}

function NumberField({ id, value, set }: { id: string; value: number | null; set: FieldsProps['set'] }) {
  const { t } = useTranslation();
  const { problemAt } = useAssessmentForm();
  const error = problemAt(id);
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label className="field__label" htmlFor={id}>
        {t('assessments.item.number')}
      </label>
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
      <input
        id={id}
        className="field__input as-number"
        type="number"
        inputMode="decimal"
        defaultValue={value ?? ''}
        aria-describedby={error ? `${id}-error` : undefined}
        aria-invalid={error ? true : undefined}
        onChange={(event) => set({ value: numberOf(event.target.value) })}
      />
    </div>
  );
}

/** What differs from the assessment this one started from: a marker and the earlier values in words. */
function ChangedNote({ item, facets }: { item: Item; facets: readonly ComparedFacet[] }) {
  const { t } = useTranslation();
  const { model, previous } = useAssessmentForm();
  const text = useModelText(model);
  const before = previous?.[item.key] ?? {};
  const labelOf = (scaleKey: string | undefined, key: string) => {
    const v = scaleOf(model, scaleKey)?.values.find((x) => x.key === key);
    return v === undefined ? key : text(v.label);
  };
  const was = (facet: ComparedFacet): string => {
    const value = before[facet];
    if (value === undefined || value === null || value === '') return t('assessments.form.notAssessed');
    if (Array.isArray(value)) return value.map((k) => labelOf(item.scale, k)).join(', ');
    if (typeof value === 'number') return String(value);
    if (facet === 'relevance') return labelOf(item.relevance, value);
    return item.kind === 'text' || item.kind === 'date' ? value : labelOf(item.scale, value);
  };
  return (
    <p className="as-changed">
      <span className="badge badge--warn">{t('assessments.changed.badge')}</span>{' '}
      {t('assessments.changed.was', {
        values: facets.map((f) => t(`assessments.changed.facet.${f}`, { value: was(f) })).join('; '),
      })}
    </p>
  );
}

/** A consensus: how each rater rated an item they did not agree on, for the conference to settle. */
function DisagreementNote({ item }: { item: Item }) {
  const { t } = useTranslation();
  const { model, disagreements } = useAssessmentForm();
  const rating = useRatingText(model);
  const ratings = disagreements.get(item.key);
  if (ratings === undefined) return null;
  return (
    <div className="as-item__disagreement">
      <p>
        <strong>{t('assessments.disagreement.heading')}</strong>
      </p>
      <ul>
        {ratings.map((r, i) => (
          <li key={r.rater?.id ?? i}>
            {r.rater?.displayName ?? t('assessments.list.someone')}: {rating(item, r.rating)}
          </li>
        ))}
      </ul>
    </div>
  );
}
