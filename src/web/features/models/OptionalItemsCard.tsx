import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ModelDefinition } from '../../../contract/models/definition.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import { useSignedInSession } from '../session/useSession.ts';
import { optionalItemsQuery, setOptionalItems } from './models-api.ts';
import { nextOptionalItems, type OptionalItem, optionalItemsOf } from './optional-items.ts';
import { useModelText } from './useModelText.ts';

/**
 * A published version's optional items (docs/models.md): off until a team lead switches them on,
 * for the assessments started from then on. Team leads switch them (after step-up); everyone
 * else reads which are in use.
 */
export function OptionalItemsCard({ modelKey, model }: { modelKey: string; model: ModelDefinition }) {
  const { t } = useTranslation();
  const { user } = useSignedInSession();
  const items = optionalItemsOf(model);
  const inUse = useQuery({ ...optionalItemsQuery(modelKey), enabled: items.length > 0 });
  const [savedAt, setSavedAt] = useState<number | null>(null);
  if (items.length === 0) return null;
  return (
    <section className="card" aria-labelledby="model-optional-heading">
      <h2 id="model-optional-heading">{t('models.optional.heading')}</h2>
      <p>{t('models.optional.explain')}</p>
      {savedAt !== null && (
        <Alert tone="success" focus focusKey={savedAt}>
          <p>{t('models.optional.saved')}</p>
        </Alert>
      )}
      {inUse.isPending && <p>{t('common.loading')}</p>}
      {inUse.isError && <ErrorAlert error={inUse.error} />}
      {inUse.isSuccess &&
        (user.role === 'team_lead' ? (
          <OptionalItemsForm
            // A new answer of the server (after a save) starts the choice afresh from it.
            key={inUse.data.items.join(' ')}
            modelKey={modelKey}
            model={model}
            items={items}
            inUse={inUse.data.items}
            onChange={() => setSavedAt(null)}
            onSaved={() => setSavedAt(Date.now())}
          />
        ) : (
          <OptionalItemsList model={model} items={items} inUse={inUse.data.items} />
        ))}
    </section>
  );
}

/** Where an item sits and what special categories it touches, in words. */
function useDetails(model: ModelDefinition): (entry: OptionalItem) => string {
  const { t } = useTranslation();
  const text = useModelText(model);
  return ({ item, domains }) => {
    const parts = [t('models.optional.domain', { domain: domains.map((d) => text(d.label)).join(' › ') })];
    const categories = item.dataProtection ?? [];
    if (categories.length > 0)
      parts.push(
        t('models.optional.categories', {
          count: categories.length,
          categories: categories.map((c) => t(`models.dataProtection.${c}`)).join(', '),
        }),
      );
    return parts.join(' · ');
  };
}

function OptionalItemsForm({
  modelKey,
  model,
  items,
  inUse,
  onChange,
  onSaved,
}: {
  modelKey: string;
  model: ModelDefinition;
  items: readonly OptionalItem[];
  inUse: readonly string[];
  onChange: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const text = useModelText(model);
  const details = useDetails(model);
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set(inUse));
  const query = optionalItemsQuery(modelKey);
  const mutation = useMutation({
    mutationFn: (next: string[]) => withStepUp(() => setOptionalItems(modelKey, next, inUse)),
    // The card keeps the notice: the server's new set draws this form afresh.
    onSuccess: (saved) => {
      onSaved();
      client.setQueryData(query.queryKey, saved);
      void client.invalidateQueries({ queryKey: query.queryKey });
    },
  });
  const toggle = (key: string, on: boolean) => {
    onChange();
    setChosen((set) => {
      const next = new Set(set);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate(
      nextOptionalItems(
        inUse,
        items.map(({ item }) => item.key),
        chosen,
      ),
    );
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <ErrorAlert
        error={mutation.error}
        messages={{ unknown_optional_item: t('models.optional.errors.unknown_optional_item') }}
      />
      <fieldset className="choices">
        <legend>{t('models.optional.legend')}</legend>
        {items.map((entry) => {
          const id = `model-optional-${entry.item.key}`;
          return (
            <div key={entry.item.key} className="choice choice--described">
              <input
                type="checkbox"
                id={id}
                checked={chosen.has(entry.item.key)}
                onChange={(event) => toggle(entry.item.key, event.target.checked)}
                aria-describedby={`${id}-hint`}
              />
              <div>
                <label htmlFor={id}>{text(entry.item.label)}</label>
                <p className="choice__hint" id={`${id}-hint`}>
                  {details(entry)}
                </p>
              </div>
            </div>
          );
        })}
      </fieldset>
      <div className="form__actions">
        <button type="submit" className="button" disabled={mutation.isPending}>
          {mutation.isPending ? t('common.working') : t('models.optional.save')}
        </button>
      </div>
    </form>
  );
}

/** For everyone but team leads: which optional items are in use and which are off. */
function OptionalItemsList({
  model,
  items,
  inUse,
}: {
  model: ModelDefinition;
  items: readonly OptionalItem[];
  inUse: readonly string[];
}) {
  const { t } = useTranslation();
  const text = useModelText(model);
  const details = useDetails(model);
  const on = new Set(inUse);
  return (
    <>
      <ul>
        {items.map((entry) => (
          <li key={entry.item.key}>
            <strong>{text(entry.item.label)}</strong>
            {': '}
            {t(on.has(entry.item.key) ? 'models.optional.inUse' : 'models.optional.off')}
            <p className="choice__hint">{details(entry)}</p>
          </li>
        ))}
      </ul>
      <p className="field__hint">{t('models.optional.onlyLead')}</p>
    </>
  );
}
