import { useTranslation } from 'react-i18next';
import type { Domain, Item, ModelDefinition, Scale } from '../../../contract/models/definition.ts';
import { useModelText } from './useModelText.ts';

/**
 * The form raters will fill in with this model, as it will look, every control disabled: a preview to read before
 * publishing. Special-category items say so; optional items say they are off unless enabled.
 */
export function ModelPreview({ model }: { model: ModelDefinition }) {
  const { t } = useTranslation();
  const text = useModelText();
  const scales = new Map(model.scales.map((s) => [s.key, s]));
  return (
    <section className="card" aria-labelledby="model-preview-heading">
      <h2 id="model-preview-heading">{t('models.preview.heading')}</h2>
      <p>{t('models.preview.intro')}</p>
      {model.domains.map((d) => (
        <DomainPreview key={d.key} domain={d} scales={scales} level={3} />
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
            {scale !== undefined && <Choices name={`judgment-${j.key}`} scale={scale} />}
            <p className="field__hint">{t('models.preview.rationale')}</p>
          </fieldset>
        );
      })}
    </section>
  );
}

function DomainPreview({ domain, scales, level }: { domain: Domain; scales: Map<string, Scale>; level: 3 | 4 | 5 }) {
  const { t } = useTranslation();
  const text = useModelText();
  const H = `h${level}` as 'h3';
  return (
    <section aria-label={text(domain.label)}>
      <H>{text(domain.label)}</H>
      {domain.help !== undefined && <p>{text(domain.help)}</p>}
      {domain.mode !== undefined && <p className="field__hint">{t(`models.preview.mode.${domain.mode}`)}</p>}
      {(domain.items ?? []).map((item) => (
        <ItemPreview key={item.key} item={item} scales={scales} />
      ))}
      {(domain.domains ?? []).map((d) => (
        <DomainPreview key={d.key} domain={d} scales={scales} level={level === 3 ? 4 : 5} />
      ))}
    </section>
  );
}

function ItemPreview({ item, scales }: { item: Item; scales: Map<string, Scale> }) {
  const { t } = useTranslation();
  const text = useModelText();
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
        <p className="field__hint">{t('models.preview.special', { kinds: (item.dataProtection ?? []).join(', ') })}</p>
      )}
      {item.optional === true && <p className="field__hint">{t('models.preview.optional')}</p>}
      {scale !== undefined && item.kind !== 'multi_select' && <Choices name={id} scale={scale} />}
      {scale !== undefined && item.kind === 'multi_select' && <Choices name={id} scale={scale} many />}
      {relevance !== undefined && (
        <>
          <p className="field__hint">{t('models.preview.relevance')}</p>
          <Choices name={`${id}-relevance`} scale={relevance} />
        </>
      )}
      {item.kind === 'text' && <textarea className="field__input" aria-label={text(item.label)} rows={2} />}
      {item.kind === 'date' && <input className="field__input" type="date" aria-label={text(item.label)} />}
      {item.kind === 'number' && <input className="field__input" type="number" aria-label={text(item.label)} />}
      {item.kind === 'evidence' && <p className="field__hint">{t('models.preview.evidence')}</p>}
    </fieldset>
  );
}

function Choices({ name, scale, many = false }: { name: string; scale: Scale; many?: boolean }) {
  const text = useModelText();
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
