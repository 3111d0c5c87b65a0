import { useQueries, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type AssessmentChanges, type AssessmentSummary, modelId } from '../../../contract/assessments.ts';
import type { ModelDefinition } from '../../../contract/models/definition.ts';
import { itemsOf } from '../../../contract/models/validate.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { modelQuery } from '../models/models-api.ts';
import { useModelText } from '../models/useModelText.ts';
import { assessmentChangesQuery } from './assessments-api.ts';
import { useRatingText } from './rating-text.ts';
import { useDate } from './useAssessmentText.ts';

/**
 * Item by item, what changed from one finalised assessment to the next, read from the server only
 * when opened (it opens every assessment). Across a model's versions only the items its migration
 * map carries are compared, and the list says so; across models nothing is.
 */
export function ItemChanges({ caseId, summaries }: { caseId: string; summaries: readonly AssessmentSummary[] }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const changes = useQuery({ ...assessmentChangesQuery(caseId), enabled: open });
  return (
    <details className="as-changes" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('assessments.changes.summary')}</summary>
      {changes.isPending && open && <p>{t('common.loading')}</p>}
      <ErrorAlert error={changes.error} />
      {changes.data !== undefined && <Pairs pairs={changes.data.pairs} summaries={summaries} />}
    </details>
  );
}

function Pairs({ pairs, summaries }: { pairs: AssessmentChanges['pairs']; summaries: readonly AssessmentSummary[] }) {
  const { t } = useTranslation();
  const date = useDate();
  const byId = new Map(summaries.map((s) => [s.id, s]));
  const pins = [...new Map(summaries.map((s) => [modelId(s.model), s.model])).values()];
  const definitions = useQueries({ queries: pins.map((p) => ({ ...modelQuery(p.key, p.version), retry: false })) });
  const models = new Map<string, ModelDefinition>();
  definitions.forEach((q, i) => {
    const pin = pins[i];
    if (q.data !== undefined && pin !== undefined) models.set(modelId(pin), q.data.definition);
  });
  if (pairs.length === 0) return <p>{t('assessments.changes.none')}</p>;
  const when = (id: string) => {
    const at = byId.get(id)?.finalisedAt;
    return at === null || at === undefined ? '—' : date(at);
  };
  return (
    <ol className="as-changes__pairs">
      {[...pairs].reverse().map((pair) => {
        const to = byId.get(pair.to);
        const model = to === undefined ? undefined : models.get(modelId(to.model));
        return (
          <li key={pair.to}>
            <p>
              <strong>{t('assessments.changes.between', { from: when(pair.from), to: when(pair.to) })}</strong>{' '}
              {!pair.comparable
                ? t('assessments.changes.notComparable')
                : t('assessments.changes.count', { count: pair.items.length })}
              {pair.comparable && pair.acrossVersions && <> {t('assessments.changes.mappedOnly')}</>}
            </p>
            {pair.items.length > 0 && model !== undefined && <ItemList items={pair.items} model={model} />}
          </li>
        );
      })}
    </ol>
  );
}

function ItemList({ items, model }: { items: AssessmentChanges['pairs'][number]['items']; model: ModelDefinition }) {
  const { t } = useTranslation();
  const text = useModelText(model);
  const rating = useRatingText(model);
  const byKey = new Map(itemsOf(model.domains).map(({ item }) => [item.key, item]));
  return (
    <ul>
      {items.map((change) => {
        const item = byKey.get(change.key);
        return (
          <li key={change.key}>
            {item === undefined ? change.key : text(item.label)}:{' '}
            {t('assessments.changes.fromTo', {
              before: rating(item, change.before),
              after: rating(item, change.after),
            })}
          </li>
        );
      })}
    </ul>
  );
}
