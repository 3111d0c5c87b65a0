import { useTranslation } from 'react-i18next';
import type { Scale } from '../../../contract/models/definition.ts';
import { TextArea } from '../../ui/TextArea.tsx';
import { useModelText } from '../models/useModelText.ts';
import { useAssessmentForm } from './form-context.ts';

const describedBy = (id: string, hint: string | undefined, error: string | undefined) =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

/**
 * A scale as a native radio group in a fieldset: Tab reaches the group, the arrow keys choose a
 * value, so an item is rated by keyboard alone. Items may also be "not assessed" (no value).
 */
export function ScaleRadios({
  id,
  legend,
  scale,
  value,
  onChange,
  hint,
  none = true,
}: {
  id: string;
  legend: string;
  scale: Scale;
  value: string | null | undefined;
  onChange: (value: string | null) => void;
  hint?: string | undefined;
  /** Offer "not assessed" (items); a final judgment has no such value. */
  none?: boolean;
}) {
  const { t } = useTranslation();
  const { model, problemAt } = useAssessmentForm();
  const text = useModelText(model);
  const error = problemAt(id);
  const chosen = value ?? null;
  return (
    <fieldset
      id={id}
      className={`choices as-scale${error ? ' field--invalid' : ''}`}
      aria-describedby={describedBy(id, hint, error)}
    >
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
      <div className="as-scale__options">
        {none && (
          <label className="choice">
            <input type="radio" name={id} value="" checked={chosen === null} onChange={() => onChange(null)} />
            {t('assessments.form.notAssessed')}
          </label>
        )}
        {scale.values.map((v) => (
          <label key={v.key} className="choice">
            <input type="radio" name={id} value={v.key} checked={chosen === v.key} onChange={() => onChange(v.key)} />
            {text(v.label)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** A multi-select item's values as checkboxes in a fieldset. */
export function ScaleChecks({
  id,
  legend,
  scale,
  value,
  onChange,
}: {
  id: string;
  legend: string;
  scale: Scale;
  value: readonly string[];
  onChange: (value: string[]) => void;
}) {
  const { model, problemAt } = useAssessmentForm();
  const text = useModelText(model);
  const error = problemAt(id);
  return (
    <fieldset id={id} className="choices as-scale" aria-describedby={describedBy(id, undefined, error)}>
      <legend>{legend}</legend>
      {error && (
        <p className="field__error" id={`${id}-error`}>
          {error}
        </p>
      )}
      <div className="as-scale__options">
        {scale.values.map((v) => (
          <label key={v.key} className="choice">
            <input
              type="checkbox"
              name={id}
              value={v.key}
              checked={value.includes(v.key)}
              onChange={(event) =>
                onChange(event.target.checked ? [...value, v.key] : value.filter((k) => k !== v.key))
              }
            />
            {text(v.label)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * A text of the assessment: a text area while it may change, the text itself once it may not
 * (finalised), where a disabled box would be hard to read and to copy from.
 */
export function AssessmentText({
  id,
  label,
  value,
  onChange,
  maxLength,
  hint,
  rows = 3,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  maxLength: number;
  hint?: string | undefined;
  rows?: number;
}) {
  const { t } = useTranslation();
  const { locked, problemAt } = useAssessmentForm();
  if (locked)
    return (
      <div className="field">
        <p className="field__label" id={id}>
          {label}
        </p>
        <p className="case-text">{value === '' ? t('assessments.form.empty') : value}</p>
      </div>
    );
  return (
    <TextArea
      id={id}
      label={label}
      value={value}
      onChange={onChange}
      maxLength={maxLength}
      counted={value.length > maxLength * 0.8}
      hint={hint}
      error={problemAt(id)}
      rows={rows}
    />
  );
}
