import { useTranslation } from 'react-i18next';
import { CASE_STATUSES, type CaseStatus } from '../../../contract/cases.ts';
import { type Bar, RowChart } from './Charts.tsx';

type Priority = 1 | 2 | 3 | 4;

/** Cases by status, in the order of the workflow; with `all`, every status (also those without a case). */
export function StatusChart({
  counts,
  caption,
  label,
  all = false,
}: {
  counts: readonly { status: CaseStatus; count: number }[];
  caption?: string;
  /** The chart's text alternative, given its numbers ("Intake: 2, Assessment: 1"). */
  label: (numbers: string) => string;
  all?: boolean;
}) {
  const { t } = useTranslation();
  const bars: Bar[] = CASE_STATUSES.map((status) => ({
    key: status,
    label: t(`cases.status.${status}`),
    value: counts.find((c) => c.status === status)?.count ?? 0,
    tone: status === 'closed' ? 'neutral' : undefined,
  })).filter((bar) => all || bar.value > 0);
  return <CaseChart bars={bars} caption={caption} label={label} />;
}

/** Cases by priority, the most urgent first, those without a priority last. */
export function PriorityChart({
  counts,
  caption,
  label,
}: {
  counts: readonly { priority: number | null; count: number }[];
  caption?: string;
  label: (numbers: string) => string;
}) {
  const { t } = useTranslation();
  const levels: (Priority | null)[] = [4, 3, 2, 1, null];
  const bars: Bar[] = levels
    .map((priority) => ({
      key: String(priority),
      label: priority === null ? t('dashboard.charts.noPriority') : t('dashboard.charts.priority', { priority }),
      value: counts.find((c) => c.priority === priority)?.count ?? 0,
      tone: priority === null ? 'neutral' : `p${priority}`,
    }))
    .filter((bar) => bar.value > 0);
  return <CaseChart bars={bars} caption={caption} label={label} />;
}

function CaseChart({
  bars,
  caption,
  label,
}: {
  bars: readonly Bar[];
  caption?: string;
  label: (numbers: string) => string;
}) {
  const { t } = useTranslation();
  const numbers = bars.map((b) => `${b.label}: ${b.value}`).join(', ');
  return (
    <figure className="dash-chart">
      {caption !== undefined && <figcaption className="dash-chart__caption">{caption}</figcaption>}
      {bars.length === 0 ? (
        <p className="muted">{t('dashboard.charts.none')}</p>
      ) : (
        <RowChart bars={bars} label={label(numbers)} />
      )}
    </figure>
  );
}
