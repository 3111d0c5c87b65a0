import { useTranslation } from 'react-i18next';

/**
 * Names of the trail's codes (actions, object types) in the UI language. The trail may know codes this build of
 * the app does not (a newer server): those are shown as they are.
 */
export function useCodeLabels() {
  const { i18n } = useTranslation();
  const lookup = (key: string, fallback: string) => {
    // getResource, not exists(): an action like "audit" alone would name a whole group of texts.
    const text = i18n.getResource(i18n.resolvedLanguage ?? 'en', 'translation', key);
    return typeof text === 'string' ? text : fallback;
  };
  return {
    action: (action: string) => lookup(`audit.action.${action}`, action),
    objectType: (type: string) => lookup(`audit.objectType.${type}`, type),
  };
}

/** A detail payload as compact key=value pairs: identifiers and codes only, never content. */
export function formatDetail(detail: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(detail).map(([key, value]) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return `${key}=${text ?? ''}`;
  });
}
