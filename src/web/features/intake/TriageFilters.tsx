import { useTranslation } from 'react-i18next';
import {
  REPORT_CHANNELS,
  type ReportChannel,
  TRIAGE_SORTS,
  URGENCIES,
  type Urgency,
} from '../../../contract/reports.ts';
import { SelectField } from '../../ui/SelectField.tsx';

export type TriageSort = (typeof TRIAGE_SORTS)[number];

/** Narrowing the inbox by urgency and channel, and its order. */
export function TriageFilters({
  urgency,
  channel,
  sort,
  onUrgency,
  onChannel,
  onSort,
}: {
  urgency: Urgency | 'all';
  channel: ReportChannel | 'all';
  sort: TriageSort;
  onUrgency: (urgency: Urgency | 'all') => void;
  onChannel: (channel: ReportChannel | 'all') => void;
  onSort: (sort: TriageSort) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="case-filters">
      <SelectField
        id="triage-urgency"
        label={t('triage.fields.urgency')}
        value={urgency}
        options={[
          { value: 'all', label: t('triage.filters.all') },
          ...URGENCIES.map((u) => ({ value: u, label: t(`triage.urgency.${u}`) })),
        ]}
        onChange={onUrgency}
      />
      <SelectField
        id="triage-channel"
        label={t('triage.fields.channel')}
        value={channel}
        options={[
          { value: 'all', label: t('triage.filters.all') },
          ...REPORT_CHANNELS.map((c) => ({ value: c, label: t(`triage.channels.${c}`) })),
        ]}
        onChange={onChannel}
      />
      <SelectField
        id="triage-sort"
        label={t('triage.filters.sort')}
        value={sort}
        options={TRIAGE_SORTS.map((s) => ({ value: s, label: t(`triage.sort.${s}`) }))}
        onChange={onSort}
      />
    </div>
  );
}
