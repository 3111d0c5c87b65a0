import { useTranslation } from 'react-i18next';

/** Days without a change (or since a day): "today" for none. */
export function IdleDays({ days }: { days: number }) {
  const { t } = useTranslation();
  return <>{days === 0 ? t('dashboard.fields.idleToday') : t('dashboard.fields.days', { count: days })}</>;
}
