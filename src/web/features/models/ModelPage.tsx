import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { compareVersions } from '../../../contract/models/registry.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import { useSignedInSession } from '../session/useSession.ts';
import { ModelDiffView } from './ModelDiffView.tsx';
import { ModelPreview } from './ModelPreview.tsx';
import { MODELS_KEY, modelQuery, modelsQuery, publishModel, retireModel } from './models-api.ts';
import { OptionalItemsCard } from './OptionalItemsCard.tsx';
import { useModelText } from './useModelText.ts';

/** One version of a model: what it is, the form raters will fill in, and for team leads publish and retire. */
export function ModelPage({ modelKey, version }: { modelKey: string; version: string }) {
  const { t } = useTranslation();
  const model = useQuery(modelQuery(modelKey, version));
  const text = useModelText(model.data?.definition);
  useDocumentTitle(model.data === undefined ? t('models.title') : `${text(model.data.title)} ${version}`);
  if (model.isPending) return <p>{t('common.loading')}</p>;
  if (model.isError) return <ErrorAlert error={model.error} />;
  const m = model.data;
  return (
    <section className="page" aria-labelledby="model-heading">
      <p>
        <Link to="/models">{t('models.back')}</Link>
      </p>
      <Heading id="model-heading">
        {text(m.title)} {m.version}
      </Heading>
      <p className="page__intro">
        {t(`models.status.${m.status}`)} · {m.key}
      </p>
      {m.definition.description !== undefined && <p>{text(m.definition.description)}</p>}
      <dl className="facts">
        <dt>{t('models.publisher')}</dt>
        <dd>{m.definition.publisher}</dd>
        <dt>{t('models.citation')}</dt>
        <dd>{m.definition.citation}</dd>
        <dt>{t('models.licence')}</dt>
        <dd>{m.definition.licence}</dd>
      </dl>
      <Actions
        modelKey={m.key}
        version={m.version}
        status={m.status}
        importedAt={m.importedAt}
        unfilled={m.unfilled.map((p) => p.key)}
      />
      {m.status !== 'draft' && <OptionalItemsCard modelKey={m.key} model={m.definition} />}
      <Compare modelKey={m.key} version={m.version} />
      <ModelPreview model={m.definition} />
    </section>
  );
}

function Actions({
  modelKey,
  version,
  status,
  importedAt,
  unfilled,
}: {
  modelKey: string;
  version: string;
  status: 'draft' | 'published' | 'retired';
  importedAt: string;
  unfilled: readonly string[];
}) {
  const { t } = useTranslation();
  const { user } = useSignedInSession();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const mutation = useMutation({
    mutationFn: (action: 'publish' | 'retire') =>
      withStepUp(() =>
        action === 'publish' ? publishModel(modelKey, version, importedAt) : retireModel(modelKey, version),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: MODELS_KEY }),
  });
  if (user.role !== 'team_lead' || status === 'retired') return null;
  const action = status === 'draft' ? 'publish' : 'retire';
  return (
    <section className="card" aria-labelledby="model-actions-heading">
      <h2 id="model-actions-heading">{t(`models.${action}.heading`)}</h2>
      <p>{t(`models.${action}.explain`)}</p>
      {status === 'draft' && unfilled.length > 0 && (
        <p>{t('models.publish.unfilled', { keys: unfilled.join(', ') })}</p>
      )}
      <ErrorAlert error={mutation.error} />
      <button
        type="button"
        className={action === 'publish' ? 'button' : 'button button--secondary'}
        onClick={() => mutation.mutate(action)}
        disabled={mutation.isPending}
      >
        {t(`models.${action}.submit`)}
      </button>
    </section>
  );
}

/** Compare this version with another of the same model. */
function Compare({ modelKey, version }: { modelKey: string; version: string }) {
  const { t } = useTranslation();
  const models = useQuery(modelsQuery);
  const others = (models.data?.models ?? []).filter((m) => m.key === modelKey && m.version !== version);
  const [other, setOther] = useState('');
  if (others.length === 0) return null;
  return (
    <section className="card" aria-labelledby="model-compare-heading">
      <h2 id="model-compare-heading">{t('models.compare.heading')}</h2>
      <SelectField
        id="model-compare"
        label={t('models.compare.with')}
        value={other}
        placeholder={t('models.compare.choose')}
        options={others.map((m) => ({ value: m.version, label: m.version }))}
        onChange={setOther}
      />
      {other !== '' && (
        <ModelDiffView modelKey={modelKey} older={older(other, version)} newer={newer(other, version)} />
      )}
    </section>
  );
}

const older = (a: string, b: string) => (compareVersions(a, b) < 0 ? a : b);
const newer = (a: string, b: string) => (compareVersions(a, b) < 0 ? b : a);
