import { useTranslation } from 'react-i18next';
import { SCENARIO_TEXT_MAX, SCENARIOS_MAX, type Scenario } from '../../../contract/assessments.ts';
import type { ModelDefinition } from '../../../contract/models/definition.ts';
import { SelectField } from '../../ui/SelectField.tsx';
import { useModelText } from '../models/useModelText.ts';
import { emptyScenario, scaleOf, withScenario } from './assessment-draft.ts';
import { AssessmentText, ScaleRadios } from './Controls.tsx';
import { ids } from './fields.ts';
import { focusField } from './focus-field.ts';
import { useAssessmentForm } from './form-context.ts';

/**
 * What might happen, scenario by scenario: its type, what, to whom, set off by what, how severe,
 * how soon, how likely, and the management idea (links to measures come with the measures).
 */
export function ScenariosEditor({ scenarios }: { scenarios: NonNullable<ModelDefinition['scenarios']> }) {
  const { t } = useTranslation();
  const { model, draft, update, locked, required, problemAt } = useAssessmentForm();
  const list = draft.scenarios;
  const add = () => {
    update((d) => ({ ...d, scenarios: [...d.scenarios, emptyScenario(model)] }));
    // The new scenario's first field, once it is drawn.
    window.setTimeout(() => focusField([ids.scenario(list.length, 'type')]), 0);
  };
  const remove = (index: number) => {
    update((d) => ({ ...d, scenarios: d.scenarios.filter((_, i) => i !== index) }));
    window.setTimeout(() => focusField([ids.scenarios]), 0);
  };
  const error = problemAt(ids.scenarios);
  return (
    <section className="card" aria-labelledby="as-scenarios-heading">
      <h2 id="as-scenarios-heading">{t('assessments.scenarios.heading')}</h2>
      <p>{t('assessments.scenarios.intro')}</p>
      {required.has('scenarios') && <p className="as-required">{t('assessments.scenarios.required')}</p>}
      {error && <p className="field__error">{error}</p>}
      {list.length === 0 && <p>{t('assessments.scenarios.none')}</p>}
      {list.map((scenario, index) => (
        <ScenarioFields
          // biome-ignore lint/suspicious/noArrayIndexKey: a scenario has no id; its place is how the server names it too.
          key={index}
          index={index}
          scenario={scenario}
          scales={scenarios}
          onRemove={() => remove(index)}
        />
      ))}
      {!locked && (
        <div className="form__actions">
          <button
            id={ids.scenarios}
            type="button"
            className="button button--secondary"
            onClick={add}
            disabled={list.length >= SCENARIOS_MAX}
          >
            {t('assessments.scenarios.add')}
          </button>
        </div>
      )}
    </section>
  );
}

function ScenarioFields({
  index,
  scenario,
  scales,
  onRemove,
}: {
  index: number;
  scenario: Scenario;
  scales: NonNullable<ModelDefinition['scenarios']>;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const { model, update, locked, problemAt } = useAssessmentForm();
  const text = useModelText(model);
  const set = (patch: Partial<Scenario>) => update((d) => withScenario(d, index, patch));
  const number = index + 1;
  const rating = (part: 'severity' | 'imminence' | 'likelihood') => {
    const scale = scaleOf(model, scales[part]);
    return scale === undefined ? null : (
      <ScaleRadios
        id={ids.scenario(index, part)}
        legend={t(`assessments.scenarios.${part}`)}
        scale={scale}
        value={scenario[part]}
        onChange={(value) => set({ [part]: value })}
      />
    );
  };
  const free = (part: 'description' | 'victim' | 'triggers' | 'management', rows = 3) => (
    <AssessmentText
      id={ids.scenario(index, part)}
      label={t(`assessments.scenarios.${part}`)}
      value={scenario[part]}
      maxLength={SCENARIO_TEXT_MAX}
      rows={rows}
      onChange={(value) => set({ [part]: value })}
    />
  );
  return (
    <fieldset className="model-item as-scenario" disabled={locked}>
      <legend>{t('assessments.scenarios.legend', { number })}</legend>
      <SelectField
        id={ids.scenario(index, 'type')}
        label={t('assessments.scenarios.type')}
        value={scenario.type}
        options={scales.types.map((s) => ({ value: s.key, label: text(s.label) }))}
        error={problemAt(ids.scenario(index, 'type'))}
        onChange={(type) => set({ type })}
      />
      {free('description')}
      {free('victim', 2)}
      {free('triggers', 2)}
      {rating('severity')}
      {rating('imminence')}
      {rating('likelihood')}
      {free('management')}
      {!locked && (
        <div className="form__actions">
          <button type="button" className="button button--secondary button--small" onClick={onRemove}>
            {t('assessments.scenarios.remove', { number })}
          </button>
        </div>
      )}
    </fieldset>
  );
}
