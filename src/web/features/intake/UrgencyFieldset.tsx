import { useTranslation } from 'react-i18next';
import { URGENCIES, type Urgency } from '../../../contract/reports.ts';
import { DangerNowAlert } from './DangerNowAlert.tsx';
import { fieldId } from './report-draft.ts';

/** How urgent: asked first, because "someone is in danger right now" must lead to the emergency number at once. */
export function UrgencyFieldset({
  form,
  value,
  onChange,
  error,
}: {
  form: string;
  value: Urgency | '';
  onChange: (urgency: Urgency) => void;
  error: string | undefined;
}) {
  const { t } = useTranslation();
  const id = fieldId(form, 'urgency');
  return (
    <>
      <fieldset className="choices" aria-describedby={error ? `${id}-error` : undefined}>
        <legend>{t('intake.urgency.legend')}</legend>
        {error && (
          <p className="field__error" id={`${id}-error`}>
            {error}
          </p>
        )}
        {URGENCIES.map((urgency, i) => (
          <div key={urgency} className="choice choice--described">
            <input
              type="radio"
              id={i === 0 ? id : `${id}-${urgency}`}
              name={id}
              value={urgency}
              checked={value === urgency}
              onChange={() => onChange(urgency)}
              aria-describedby={`${id}-${urgency}-hint`}
            />
            <div>
              <label htmlFor={i === 0 ? id : `${id}-${urgency}`}>{t(`intake.urgency.${urgency}`)}</label>
              <p className="choice__hint" id={`${id}-${urgency}-hint`}>
                {t(`intake.urgency.${urgency}Hint`)}
              </p>
            </div>
          </div>
        ))}
      </fieldset>
      {value === 'danger_now' && <DangerNowAlert />}
    </>
  );
}
