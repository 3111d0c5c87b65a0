import { useTranslation } from 'react-i18next';
import type { Domain, Item, ModelDefinition, Scale } from '../../../contract/models/definition.ts';
import { useModelText } from './useModelText.ts';

/**
 * The form raters will fill in with this model, as it will look, every control disabled: a preview to read before
 * publishing. Special-category items say so; optional items say they are off unless enabled.
 */
export function ModelPreview({ model }: { model: ModelDefinition }) {
  const { t } = useTranslation();
  const text = useModelText(model);
  const scales = new Map(model.scales.map((s) => [s.key, s]));
  return (
    <section className="card" aria-labelledby="model-preview-heading">
      <h2 id="model-preview-heading">{t('models.preview.heading')}</h2>
      <p>{t('models.preview.intro')}</p>
      {model.domains.map((d) => (
        <DomainPreview key={d.key} model={model} domain={d} scales={scales} level={3} />
      ))}
      {(model.indicators ?? []).length > 0 && (
        <>
          <h3>{t('models.preview.indicators')}</h3>
          <ul>
            {(model.indicators ?? []).map((i) => (
              <li key={i.key}>
                {text(i.label)} <code>{i.expression}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {(model.flags ?? []).length > 0 && (
        <>
          <h3>{t('models.preview.flags')}</h3>
          <ul>
            {(model.flags ?? []).map((f) => (
              <li key={f.key}>
                {t(`models.severity.${f.severity}`)}: {text(f.label)}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>{t('models.preview.formulation')}</h3>
      <p>{t(`models.preview.formulationRequired.${model.formulation.required}`)}</p>
      {model.scenarios !== undefined && (
        <>
          <h3>{t('models.preview.scenarios')}</h3>
          <p>{model.scenarios.types.map((s) => text(s.label)).join(' · ')}</p>
        </>
      )}
      <h3>{t('models.preview.judgments')}</h3>
      {model.judgments.map((j) => {
        const scale = scales.get(j.scale);
        return (
          <fieldset key={j.key} className="model-item" disabled>
            <legend>{text(j.label)}</legend>
            {scale !== undefined && <Choices model={model} name={`judgment-${j.key}`} scale={scale} />}
            <p className="field__hint">{t('models.preview.rationale')}</p>
          </fieldset>
        );
      })}
    </section>
  );
}

type Props = { model: ModelDefinition; scales: Map<string, Scale> };

function DomainPreview({ model, domain, scales, level }: Props & { domain: Domain; level: 3 | 4 | 5 }) {
  const { t } = useTranslation();
  const text = useModelText(model);
  const H = `h${level}` as 'h3';
  // A heading and its items, no landmark: a long model would otherwise fill the landmarks with domains.
  return (
    <div className="model-domain">
      <H>{text(domain.label)}</H>
      {domain.help !== undefined && <p>{text(domain.help)}</p>}
      {domain.mode !== undefined && <p className="field__hint">{t(`models.preview.mode.${domain.mode}`)}</p>}
      {(domain.items ?? []).map((item) => (
        <ItemPreview key={item.key} model={model} item={item} scales={scales} />
      ))}
      {(domain.domains ?? []).map((d) => (
        <DomainPreview key={d.key} model={model} domain={d} scales={scales} level={level === 3 ? 4 : 5} />
      ))}
    </div>
  );
}

function ItemPreview({ model, item, scales }: Props & { item: Item }) {
  const { t } = useTranslation();
  const text = useModelText(model);
  const scale = item.scale === undefined ? undefined : scales.get(item.scale);
  const relevance = item.relevance === undefined ? undefined : scales.get(item.relevance);
  const id = `preview-${item.key}`;
  return (
    <fieldset className="model-item" disabled>
      <legend>
        {text(item.label)}
        {item.critical === true && ` · ${t('models.preview.critical')}`}
      </legend>
      {item.help !== undefined && <p className="field__hint">{text(item.help)}</p>}
      {(item.dataProtection ?? []).length > 0 && (
        <p className="field__hint">
          {t('models.preview.special', {
            kinds: (item.dataProtection ?? []).map((c) => t(`models.dataProtection.${c}`)).join(', '),
          })}
        </p>
      )}
      {item.optional === true && <p className="field__hint">{t('models.preview.optional')}</p>}
      {scale !== undefined && <Choices model={model} name={id} scale={scale} many={item.kind === 'multi_select'} />}
      {relevance !== undefined && (
        <fieldset className="choices">
          <legend>{t('models.preview.relevance')}</legend>
          <Choices model={model} name={`${id}-relevance`} scale={relevance} />
        </fieldset>
      )}
      {item.kind === 'text' && <textarea className="field__input" aria-label={text(item.label)} rows={2} />}
      {item.kind === 'date' && <input className="field__input" type="date" aria-label={text(item.label)} />}
      {item.kind === 'number' && <input className="field__input" type="number" aria-label={text(item.label)} />}
      {item.kind === 'evidence' && <p className="field__hint">{t('models.preview.evidence')}</p>}
    </fieldset>
  );
}

function Choices({
  model,
  name,
  scale,
  many = false,
}: {
  model: ModelDefinition;
  name: string;
  scale: Scale;
  many?: boolean;
}) {
  const text = useModelText(model);
  return (
    <div className="choices">
      {scale.values.map((v) => (
        <label key={v.key} className="choice">
          <input type={many ? 'checkbox' : 'radio'} name={name} value={v.key} />
          {text(v.label)}
        </label>
      ))}
    </div>
  );
}
