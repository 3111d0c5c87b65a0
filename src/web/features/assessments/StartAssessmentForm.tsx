import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ASSESSMENT_KINDS,
  type AssessmentKind,
  type AssessmentSummary,
  modelId,
} from '../../../contract/assessments.ts';
import { compareVersions } from '../../../contract/models/registry.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { modelQuery, modelsQuery } from '../models/models-api.ts';
import { useModelText } from '../models/useModelText.ts';
import { assessmentsKey, startAssessment } from './assessments-api.ts';
import { useDate } from './useAssessmentText.ts';

type Problems = Partial<Record<'model' | 'basis', string>>;

/**
 * Starting an assessment: a published model version (pinned for ever), its kind, and optionally a
 * finalised assessment to start from: copied on the same version, carried over by the migration
 * map from the version before. A consensus names the finalised ratings it brings together.
 */
export function StartAssessmentForm({
  caseId,
  assessments,
  onCancel,
}: {
  caseId: string;
  assessments: readonly AssessmentSummary[];
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const text = useModelText();
  const date = useDate();
  const client = useQueryClient();
  const navigate = useNavigate();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  const models = useQuery(modelsQuery);
  const [chosen, setChosen] = useState('');
  const [kind, setKind] = useState<AssessmentKind>('single');
  const [from, setFrom] = useState('');
  const [basis, setBasis] = useState<string[]>([]);
  const [problems, setProblems] = useState<Problems>({});

  const published = (models.data?.models ?? [])
    .filter((m) => m.status === 'published')
    .sort((a, b) => text(a.title).localeCompare(text(b.title)) || compareVersions(b.version, a.version));
  const pin = published.find((m) => modelId(m) === chosen);
  const definition = useQuery({ ...modelQuery(pin?.key ?? '', pin?.version ?? ''), enabled: pin !== undefined });
  const migratesFrom = definition.data?.definition.migration?.from;
  const finals = assessments.filter((a) => a.status === 'final' && a.model.key === pin?.key);
  const starts = finals.filter((a) => a.model.version === pin?.version || a.model.version === migratesFrom);
  const ratings = finals.filter((a) => a.kind === 'rater' && a.model.version === pin?.version);
  const describe = (a: AssessmentSummary) =>
    t('assessments.start.assessmentLabel', {
      kind: t(`assessments.kinds.${a.kind}`),
      rater: a.rater?.displayName ?? t('assessments.list.someone'),
      version: a.model.version,
      date: date(a.finalisedAt ?? a.startedAt),
    });

  const start = useMutation({
    mutationFn: () => {
      if (pin === undefined) throw new Error('no model chosen');
      return startAssessment(caseId, {
        model: { key: pin.key, version: pin.version },
        kind,
        // A consensus starts from its basis: the ratings its raters agree on.
        ...(kind === 'consensus' ? { basis } : from === '' ? {} : { from }),
      });
    },
    onSuccess: async (created) => {
      await client.invalidateQueries({ queryKey: assessmentsKey(caseId) });
      await navigate({
        to: '/cases/$caseId/assessments/$assessmentId',
        params: { caseId, assessmentId: created.id },
      });
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const found: Problems = {};
    if (pin === undefined) found.model = t('assessments.start.chooseModel');
    if (kind === 'consensus' && basis.length < 2) found.basis = t('assessments.start.basisTooFew');
    setProblems(found);
    const first = Object.keys(found)[0];
    if (first !== undefined) {
      const form = event.currentTarget;
      window.setTimeout(() => form.querySelector<HTMLElement>(`[name="${first}"]`)?.focus(), 0);
      return;
    }
    start.mutate();
  };

  return (
    <section className="card" aria-labelledby="as-start-heading">
      <h3 id="as-start-heading" ref={headingRef} tabIndex={-1} className="section-heading">
        {t('assessments.start.heading')}
      </h3>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={start.error} messages={{ model_retired: t('assessments.errors.model_retired') }} />
        <ErrorAlert error={models.error} />
        <SelectField
          id="as-start-model"
          name="model"
          label={t('assessments.start.model')}
          placeholder={t('assessments.start.chooseModel')}
          value={pin === undefined ? '' : chosen}
          options={published.map((m) => ({
            value: modelId(m),
            label: t(m.kind === 'external' ? 'assessments.start.modelExternal' : 'assessments.start.modelOption', {
              title: text(m.title),
              version: m.version,
            }),
          }))}
          error={problems.model}
          required
          onChange={(value) => {
            setChosen(value);
            setFrom('');
            setBasis([]);
          }}
        />
        <fieldset className="choices">
          <legend>{t('assessments.start.kind')}</legend>
          {ASSESSMENT_KINDS.map((k) => (
            <div key={k} className="choice choice--described">
              <input
                type="radio"
                id={`as-start-kind-${k}`}
                name="kind"
                value={k}
                checked={kind === k}
                onChange={() => setKind(k)}
                aria-describedby={`as-start-kind-${k}-hint`}
              />
              <div>
                <label htmlFor={`as-start-kind-${k}`}>{t(`assessments.kinds.${k}`)}</label>
                <p className="choice__hint" id={`as-start-kind-${k}-hint`}>
                  {t(`assessments.start.kindHint.${k}`)}
                </p>
              </div>
            </div>
          ))}
        </fieldset>
        {pin !== undefined && kind !== 'consensus' && (
          <SelectField
            id="as-start-from"
            name="from"
            label={t('assessments.start.from')}
            hint={t('assessments.start.fromHint')}
            value={from}
            options={[
              { value: '', label: t('assessments.start.fromNothing') },
              ...starts.map((a) => ({
                value: a.id,
                label: `${describe(a)} – ${t(
                  a.model.version === pin.version ? 'assessments.start.copied' : 'assessments.start.migrated',
                )}`,
              })),
            ]}
            onChange={setFrom}
          />
        )}
        {pin !== undefined && kind === 'consensus' && (
          <fieldset className="choices" aria-describedby={problems.basis ? 'as-start-basis-error' : undefined}>
            <legend>{t('assessments.start.basis')}</legend>
            {problems.basis && (
              <p className="field__error" id="as-start-basis-error">
                {problems.basis}
              </p>
            )}
            {ratings.length === 0 && <p className="field__hint">{t('assessments.start.noRatings')}</p>}
            {ratings.map((a) => (
              <label key={a.id} className="choice">
                <input
                  type="checkbox"
                  name="basis"
                  value={a.id}
                  checked={basis.includes(a.id)}
                  onChange={(event) =>
                    setBasis((b) => (event.target.checked ? [...b, a.id] : b.filter((id) => id !== a.id)))
                  }
                />
                {describe(a)}
              </label>
            ))}
          </fieldset>
        )}
        <div className="form__actions">
          <button type="submit" className="button" disabled={start.isPending}>
            {start.isPending ? t('common.working') : t('assessments.start.submit')}
          </button>
          <button type="button" className="button button--secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
