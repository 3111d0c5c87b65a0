import { useTranslation } from 'react-i18next';
import { type Outcome, RATIONALE_MAX } from '../../../contract/assessments.ts';
import type { ModelDefinition } from '../../../contract/models/definition.ts';
import { useModelText } from '../models/useModelText.ts';
import { withOverride } from './assessment-draft.ts';
import { AssessmentText } from './Controls.tsx';
import { ids } from './fields.ts';
import { useAssessmentForm } from './form-context.ts';

type Flag = NonNullable<ModelDefinition['flags']>[number];

/**
 * What the model's rules computed at the last save: the flags raised (with their severity), the
 * reviews suggested and the indicators. The rules never decide: a rater who disagrees with a flag
 * that asks for it says why.
 */
export function OutcomePanel({ outcome, dirty }: { outcome: Outcome; dirty: boolean }) {
  const { t } = useTranslation();
  const { model, draft } = useAssessmentForm();
  const text = useModelText(model);
  const flags = model.flags ?? [];
  const raised = flags.filter((f) => outcome.flags.includes(f.key));
  // An override of a flag no longer raised stays visible until it is taken back.
  const overridden = flags.filter((f) => !outcome.flags.includes(f.key) && draft.overrides[f.key] !== undefined);
  const reviews = flags.filter((f) => outcome.reviews.includes(f.key));
  return (
    <section className="card" aria-labelledby="as-outcome-heading">
      <h2 id="as-outcome-heading">{t('assessments.outcome.heading')}</h2>
      <p aria-live="polite">{t(dirty ? 'assessments.outcome.unsaved' : 'assessments.outcome.intro')}</p>
      <h3>{t('assessments.outcome.flags')}</h3>
      {raised.length === 0 && overridden.length === 0 ? (
        <p>{t('assessments.outcome.noFlags')}</p>
      ) : (
        <ul className="as-flags">
          {[...raised, ...overridden].map((f) => (
            <FlagItem key={f.key} flag={f} raised={outcome.flags.includes(f.key)} />
          ))}
        </ul>
      )}
      {reviews.length > 0 && (
        <>
          <h3>{t('assessments.outcome.reviews')}</h3>
          <ul>
            {reviews.map((f) => (
              <li key={f.key}>{text(f.label)}</li>
            ))}
          </ul>
        </>
      )}
      <Indicators outcome={outcome} />
    </section>
  );
}

function FlagItem({ flag, raised }: { flag: Flag; raised: boolean }) {
  const { t } = useTranslation();
  const { model, draft, update, locked } = useAssessmentForm();
  const text = useModelText(model);
  const reason = draft.overrides[flag.key];
  return (
    <li className={`as-flag as-flag--${flag.severity}`}>
      <p>
        <span className={`badge as-severity as-severity--${flag.severity}`}>
          {t(`assessments.severity.${flag.severity}`)}
        </span>{' '}
        {text(flag.label)}
        {!raised && <span className="muted"> {t('assessments.outcome.notRaised')}</span>}
      </p>
      {flag.overrideRationale === true && (
        <div className="as-override">
          <label className="choice">
            <input
              id={ids.overrideOn(flag.key)}
              type="checkbox"
              checked={reason !== undefined}
              disabled={locked}
              onChange={(event) => update((d) => withOverride(d, flag.key, event.target.checked ? '' : undefined))}
            />
            {t('assessments.outcome.disagree')}
          </label>
          {reason !== undefined && (
            <AssessmentText
              id={ids.override(flag.key)}
              label={t('assessments.outcome.because')}
              value={reason}
              maxLength={RATIONALE_MAX}
              rows={2}
              onChange={(v) => update((d) => withOverride(d, flag.key, v))}
            />
          )}
        </div>
      )}
    </li>
  );
}

function Indicators({ outcome }: { outcome: Outcome }) {
  const { t } = useTranslation();
  const { model } = useAssessmentForm();
  const text = useModelText(model);
  const indicators = model.indicators ?? [];
  if (indicators.length === 0) return null;
  const show = (builtin: string | undefined, value: Outcome['indicators'][string] | undefined): string => {
    if (value === undefined || value === null) return t('assessments.outcome.notComputed');
    if (typeof value === 'boolean') return t(value ? 'assessments.outcome.yes' : 'assessments.outcome.no');
    if (typeof value === 'number')
      return builtin === 'completeness'
        ? t('assessments.outcome.percent', { value: Math.round(value) })
        : String(value);
    return Array.isArray(value) ? value.join(', ') : value;
  };
  return (
    <>
      <h3>{t('assessments.outcome.indicators')}</h3>
      <dl className="facts as-indicators">
        {indicators.map((i) => (
          <div key={i.key}>
            <dt>{text(i.label)}</dt>
            <dd>{show(i.builtin, outcome.indicators[i.key])}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}
