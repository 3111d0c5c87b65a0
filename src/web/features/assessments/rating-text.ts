import { useTranslation } from 'react-i18next';
import type { ComparedRating } from '../../../contract/assessments.ts';
import type { Item, ModelDefinition } from '../../../contract/models/definition.ts';
import { useModelText } from '../models/useModelText.ts';

/**
 * An item's rating in words, as two ratings are compared (what changed, where raters differ):
 * presence or value by the model's labels, then relevance and past presence where given.
 */
export function useRatingText(model: ModelDefinition): (item: Item | undefined, r: ComparedRating) => string {
  const { t } = useTranslation();
  const text = useModelText(model);
  const valueText = (scale: string | undefined, value: ComparedRating['value']) => {
    if (value === null) return t('assessments.form.notAssessed');
    const label = (v: string) => {
      const found = model.scales.find((s) => s.key === scale)?.values.find((x) => x.key === v);
      return found === undefined ? v : text(found.label);
    };
    return Array.isArray(value)
      ? value.map(label).join(', ')
      : typeof value === 'string'
        ? label(value)
        : String(value);
  };
  return (item, r) =>
    [
      valueText(item?.scale, r.presence ?? r.value),
      r.relevance === null ? null : `${t('assessments.changes.relevance')} ${valueText(item?.relevance, r.relevance)}`,
      r.pastPresence === null ? null : `${t('assessments.changes.past')} ${valueText(item?.scale, r.pastPresence)}`,
    ]
      .filter((x) => x !== null)
      .join(', ');
}
