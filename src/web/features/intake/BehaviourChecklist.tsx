import { useTranslation } from 'react-i18next';
import { WARNING_BEHAVIOURS, type WarningBehaviour } from '../../../contract/reports.ts';
import type { Answer } from './report-draft.ts';

const ANSWERS: readonly Answer[] = ['yes', 'no', 'not_sure'];

/**
 * The eight warning behaviours (Meloy et al.) as questions a layperson can answer: yes, no or not sure, "no"
 * until changed. Only "yes" and "not sure" are sent.
 */
export function BehaviourChecklist({
  form,
  answers,
  onChange,
}: {
  form: string;
  answers: Readonly<Record<WarningBehaviour, Answer>>;
  onChange: (behaviour: WarningBehaviour, answer: Answer) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="behaviours">
      {WARNING_BEHAVIOURS.map((behaviour) => {
        const id = `${form}-behaviour-${behaviour}`;
        return (
          <fieldset key={behaviour} className="behaviour" aria-describedby={`${id}-hint`}>
            <legend>{t(`intake.behaviours.${behaviour}.title`)}</legend>
            <p className="field__hint" id={`${id}-hint`}>
              {t(`intake.behaviours.${behaviour}.hint`)}
            </p>
            <div className="behaviour__answers">
              {ANSWERS.map((answer) => (
                <label key={answer} className="choice">
                  <input
                    type="radio"
                    name={id}
                    value={answer}
                    checked={answers[behaviour] === answer}
                    onChange={() => onChange(behaviour, answer)}
                  />
                  {t(`intake.answers.${answer}`)}
                </label>
              ))}
            </div>
          </fieldset>
        );
      })}
    </div>
  );
}
