import { useTranslation } from 'react-i18next';

/** A model's text in the reader's language (both are always there: docs/models.md). */
export function useModelText(): (text: { en: string; de: string } | { licensed: string }) => string {
  const { i18n } = useTranslation();
  const language = i18n.language.startsWith('de') ? 'de' : 'en';
  return (text) => ('licensed' in text ? `[${text.licensed}]` : text[language]);
}
