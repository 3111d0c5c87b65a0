import { useTranslation } from 'react-i18next';
import { BLOCKERS } from '../../../contract/assessments.ts';
import type { ModelDefinition } from '../../../contract/models/definition.ts';
import { itemsOf } from '../../../contract/models/validate.ts';
import { useModelText } from '../models/useModelText.ts';
import { parseField } from './fields.ts';

type Blocker = { readonly field: string; readonly code: string };

const isBlocker = (code: string): code is (typeof BLOCKERS)[number] => (BLOCKERS as readonly string[]).includes(code);

/**
 * The server's fields and problems in words: "Pathway: presence – not rated yet". The model's own
 * labels name items, judgments and flags; a field the page cannot place is shown as it came.
 */
export function useFieldText(model: ModelDefinition | undefined) {
  const { t } = useTranslation();
  const text = useModelText(model);
  const items = new Map(model === undefined ? [] : itemsOf(model.domains).map(({ item }) => [item.key, item]));
  const judgment = (key: string) => {
    const found = model?.judgments.find((j) => j.key === key);
    return found === undefined ? key : text(found.label);
  };
  const field = (name: string): string => {
    const ref = parseField(name);
    switch (ref.area) {
      case 'item': {
        const item = items.get(ref.key);
        return t(`assessments.fields.facet.${ref.facet}`, { item: item === undefined ? ref.key : text(item.label) });
      }
      case 'formulation':
        return t('assessments.fields.formulation');
      case 'scenarios':
        return ref.index === undefined
          ? t('assessments.fields.scenarios')
          : t('assessments.fields.scenario', { number: ref.index + 1 });
      case 'judgment':
        return t(`assessments.fields.${ref.part === 'value' ? 'judgment' : 'rationale'}`, {
          judgment: judgment(ref.key),
        });
      case 'dissent':
        return t('assessments.fields.dissent', { judgment: judgment(ref.key), number: ref.index + 1 });
      case 'override': {
        const flag = model?.flags?.find((f) => f.key === ref.key);
        return t('assessments.fields.override', { flag: flag === undefined ? ref.key : text(flag.label) });
      }
      case 'withheld':
        return t('assessments.fields.withheld');
      case 'other':
        return ref.field;
    }
  };
  const blocker = (b: Blocker): string =>
    isBlocker(b.code)
      ? t(`assessments.blockers.${b.code}`, { field: field(b.field) })
      : t('assessments.blockers.other', { field: field(b.field) });
  return { field, blocker };
}

/** A moment as its day in the UI language and the browser's time zone (a list has no room for the time). */
export function useDate(): (iso: string) => string {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' });
  return (iso) => format.format(new Date(iso));
}
