import { useTranslation } from 'react-i18next';
import type { Urgency } from '../../../contract/reports.ts';

const TONE: Record<Urgency, string> = {
  danger_now: 'badge--error badge--strong',
  urgent: 'badge--warn',
  normal: 'badge--neutral',
};

/** Urgency as a badge: "danger now" stands out most, and the words carry the meaning, not the colour. */
export function UrgencyBadge({ urgency }: { urgency: Urgency }) {
  const { t } = useTranslation();
  return <span className={`badge ${TONE[urgency]}`}>{t(`triage.urgency.${urgency}`)}</span>;
}
