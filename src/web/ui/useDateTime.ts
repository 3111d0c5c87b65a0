import { useTranslation } from 'react-i18next';

/** Formats ISO timestamps as date and time in the UI language; with `seconds`, to the second (audit trail). */
export function useDateTime({ seconds = false }: { seconds?: boolean } = {}): (iso: string) => string {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language, {
    dateStyle: 'medium',
    timeStyle: seconds ? 'medium' : 'short',
  });
  return (iso: string) => format.format(new Date(iso));
}
