import { useTranslation } from 'react-i18next';
import type { CaseStatus } from '../../../contract/cases.ts';

/** Priority as a coloured badge with its words: colour helps at a glance, the words carry the meaning. */
export function PriorityBadge({ priority }: { priority: number | null }) {
  const { t } = useTranslation();
  if (priority === null) return <span className="badge badge--neutral">{t('cases.priority.none')}</span>;
  return <span className={`badge priority-${priority}`}>{t(`cases.priority.p${priority as 1 | 2 | 3 | 4}`)}</span>;
}

export function StatusBadge({ status }: { status: CaseStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`badge ${status === 'closed' ? 'badge--neutral' : 'badge--brand'}`}>
      {t(`cases.status.${status}`)}
    </span>
  );
}
