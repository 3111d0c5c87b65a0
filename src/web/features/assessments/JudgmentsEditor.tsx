import { useTranslation } from 'react-i18next';
import { type Dissent, RATIONALE_MAX } from '../../../contract/assessments.ts';
import type { UserRef } from '../../../contract/cases.ts';
import type { ModelDefinition } from '../../../contract/models/definition.ts';
import { SelectField } from '../../ui/SelectField.tsx';
import { useModelText } from '../models/useModelText.ts';
import { judgmentOf, scaleOf, withDissent, withJudgment } from './assessment-draft.ts';
import { AssessmentText, ScaleRadios } from './Controls.tsx';
import { ids } from './fields.ts';
import { focusField } from './focus-field.ts';
import { useAssessmentForm } from './form-context.ts';

type Judgment = ModelDefinition['judgments'][number];

/**
 * The final judgments, each a value and its reasons (always required). A consensus also records,
 * per judgment, every rater of its basis who does not agree: their value and why.
 */
export function JudgmentsEditor({ raters }: { raters: readonly UserRef[] | null }) {
  const { t } = useTranslation();
  const { model } = useAssessmentForm();
  return (
    <section className="card" aria-labelledby="as-judgments-heading">
      <h2 id="as-judgments-heading">{t('assessments.judgments.heading')}</h2>
      <p>{t(raters === null ? 'assessments.judgments.intro' : 'assessments.judgments.introConsensus')}</p>
      {model.judgments.map((j) => (
        <JudgmentFields key={j.key} judgment={j} raters={raters} />
      ))}
    </section>
  );
}

function JudgmentFields({ judgment, raters }: { judgment: Judgment; raters: readonly UserRef[] | null }) {
  const { t } = useTranslation();
  const { model, draft, update, locked } = useAssessmentForm();
  const text = useModelText(model);
  const scale = scaleOf(model, judgment.scale);
  const value = judgmentOf(draft, judgment.key);
  const label = text(judgment.label);
  return (
    <fieldset className="model-item as-judgment" disabled={locked}>
      <legend>{label}</legend>
      {scale !== undefined && (
        <ScaleRadios
          id={ids.judgment(judgment.key)}
          legend={t('assessments.judgments.value')}
          scale={scale}
          none={false}
          value={value.value}
          onChange={(v) => update((d) => withJudgment(d, judgment.key, { value: v }))}
        />
      )}
      <AssessmentText
        id={ids.rationale(judgment.key)}
        label={t('assessments.judgments.rationale', { judgment: label })}
        hint={t('assessments.judgments.rationaleHint')}
        value={value.rationale}
        maxLength={RATIONALE_MAX}
        onChange={(rationale) => update((d) => withJudgment(d, judgment.key, { rationale }))}
      />
      {raters !== null && <Dissents judgment={judgment} label={label} dissents={value.dissents} raters={raters} />}
    </fieldset>
  );
}

function Dissents({
  judgment,
  label,
  dissents,
  raters,
}: {
  judgment: Judgment;
  label: string;
  dissents: readonly Dissent[];
  raters: readonly UserRef[];
}) {
  const { t } = useTranslation();
  const { model, update, locked, problemAt } = useAssessmentForm();
  const text = useModelText(model);
  const scale = scaleOf(model, judgment.scale);
  const key = judgment.key;
  const nameOf = (id: string) => raters.find((r) => r.id === id)?.displayName ?? t('assessments.list.someone');
  const taken = new Set(dissents.map((d) => d.rater));
  const free = raters.filter((r) => !taken.has(r.id));
  const add = () => {
    const rater = free[0];
    const first = scale?.values[0];
    if (rater === undefined || first === undefined) return;
    update((d) => withJudgment(d, key, { dissents: [...dissents, { rater: rater.id, value: first.key, reason: '' }] }));
    window.setTimeout(() => focusField([ids.dissent(key, dissents.length, 'rater')]), 0);
  };
  const remove = (index: number) => {
    update((d) => withJudgment(d, key, { dissents: dissents.filter((_, i) => i !== index) }));
    window.setTimeout(() => focusField([`${ids.judgment(key)}-dissent-add`, ids.rationale(key)]), 0);
  };
  return (
    <fieldset className="choices as-dissents">
      <legend>{t('assessments.dissents.legend', { judgment: label })}</legend>
      {dissents.length === 0 && <p className="field__hint">{t('assessments.dissents.none')}</p>}
      {dissents.map((dissent, index) => (
        <fieldset
          // biome-ignore lint/suspicious/noArrayIndexKey: a dissent has no id; its place is how the server names it too.
          key={index}
          className="as-dissent"
        >
          <legend>{t('assessments.dissents.item', { number: index + 1, name: nameOf(dissent.rater) })}</legend>
          <SelectField
            id={ids.dissent(key, index, 'rater')}
            label={t('assessments.dissents.rater')}
            value={dissent.rater}
            options={raters
              .filter((r) => r.id === dissent.rater || !taken.has(r.id))
              .map((r) => ({ value: r.id, label: r.displayName ?? t('assessments.list.someone') }))}
            error={problemAt(ids.dissent(key, index, 'rater'))}
            onChange={(rater) => update((d) => withDissent(d, key, index, { rater }))}
          />
          <SelectField
            id={ids.dissent(key, index, 'value')}
            label={t('assessments.dissents.value')}
            value={dissent.value}
            options={(scale?.values ?? []).map((v) => ({ value: v.key, label: text(v.label) }))}
            error={problemAt(ids.dissent(key, index, 'value'))}
            onChange={(value) => update((d) => withDissent(d, key, index, { value }))}
          />
          <AssessmentText
            id={ids.dissent(key, index, 'reason')}
            label={t('assessments.dissents.reason')}
            value={dissent.reason}
            maxLength={RATIONALE_MAX}
            rows={2}
            onChange={(reason) => update((d) => withDissent(d, key, index, { reason }))}
          />
          {!locked && (
            <button type="button" className="button button--secondary button--small" onClick={() => remove(index)}>
              {t('assessments.dissents.remove', { number: index + 1 })}
            </button>
          )}
        </fieldset>
      ))}
      {!locked && (
        <div className="form__actions">
          <button
            id={`${ids.judgment(key)}-dissent-add`}
            type="button"
            className="button button--secondary button--small"
            onClick={add}
            disabled={free.length === 0}
          >
            {t('assessments.dissents.add', { judgment: label })}
          </button>
        </div>
      )}
    </fieldset>
  );
}
