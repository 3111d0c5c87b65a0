import { useTranslation } from 'react-i18next';

/**
 * Formats a day (YYYY-MM-DD) in the UI language, as the day it is everywhere: read as UTC midnight and shown in
 * UTC, so no time zone moves it to the day before.
 */
export function useDay(): (day: string) => string {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeZone: 'UTC' });
  return (day: string) => format.format(new Date(`${day}T00:00:00Z`));
}
