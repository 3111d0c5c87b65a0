import { useTranslation } from 'react-i18next';
import type { ModelDefinition } from '../../../contract/models/definition.ts';

/**
 * A model's text in the reader's language (both are always there: docs/models.md); licensed content
 * as the organisation filled it in, or its placeholder's key while it is missing.
 */
export function useModelText(
  model?: Pick<ModelDefinition, 'licensedContent'>,
): (text: { en: string; de: string } | { licensed: string }) => string {
  const { i18n } = useTranslation();
  const language = i18n.language.startsWith('de') ? 'de' : 'en';
  return (text) => {
    if (!('licensed' in text)) return text[language];
    const filled = model?.licensedContent;
    return filled !== undefined && Object.hasOwn(filled, text.licensed)
      ? (filled[text.licensed]?.[language] ?? `[${text.licensed}]`)
      : `[${text.licensed}]`;
  };
}
