import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type ReportChannel,
  TRIAGE_STATUSES,
  type TriageQuery,
  type TriageStatus,
  type Urgency,
} from '../../../contract/reports.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { Tabs } from '../../ui/Tabs.tsx';
import { TriageFilters, type TriageSort } from './TriageFilters.tsx';
import { TriageTable } from './TriageTable.tsx';
import { triageListQuery } from './triage-api.ts';

const PAGE = 50;

/** The triage inbox of threat managers and team leads: new reports first, and those in a case or closed. */
export function TriagePage() {
  const { t } = useTranslation();
  useDocumentTitle(t('triage.title'));
  const [status, setStatus] = useState<TriageStatus>('new');
  const [urgency, setUrgency] = useState<Urgency | 'all'>('all');
  const [channel, setChannel] = useState<ReportChannel | 'all'>('all');
  const [sort, setSort] = useState<TriageSort>('urgency');
  const [offset, setOffset] = useState(0);
  const filter: TriageQuery = {
    status,
    ...(urgency === 'all' ? {} : { urgency }),
    ...(channel === 'all' ? {} : { channel }),
    sort,
    limit: PAGE,
    offset,
  };
  const list = useQuery({ ...triageListQuery(filter), placeholderData: keepPreviousData });
  const total = list.data?.total ?? 0;
  // Every change of the filter starts at the first page.
  const fromStart =
    <T,>(set: (value: T) => void) =>
    (value: T) => {
      setOffset(0);
      set(value);
    };

  return (
    <section className="page" aria-labelledby="triage-heading">
      <Heading id="triage-heading">{t('triage.heading')}</Heading>
      <p className="page__intro">{t('triage.intro')}</p>
      <p className="page__next">
        <Link to="/triage/record" className="button">
          {t('triage.record')}
        </Link>
      </p>
      <section className="card" aria-labelledby="triage-list-heading">
        <h2 id="triage-list-heading">{t('triage.list.heading')}</h2>
        <TriageFilters
          urgency={urgency}
          channel={channel}
          sort={sort}
          onUrgency={fromStart(setUrgency)}
          onChannel={fromStart(setChannel)}
          onSort={fromStart(setSort)}
        />
        <Tabs
          id="triage-status"
          label={t('triage.list.statusTabs')}
          tabs={TRIAGE_STATUSES.map((key) => ({ key, label: t(`triage.statuses.${key}`) }))}
          selected={status}
          onSelect={fromStart(setStatus)}
        >
          {list.isPending && <p>{t('common.loading')}</p>}
          {list.isError && <ErrorAlert error={list.error} />}
          {list.data !== undefined && (
            <>
              <p role="status">{t('triage.list.count', { count: total })}</p>
              {list.data.reports.length === 0 ? (
                <p>{t('triage.list.empty')}</p>
              ) : (
                <TriageTable reports={list.data.reports} />
              )}
              {total > PAGE && (
                <div className="form__actions">
                  <button
                    type="button"
                    className="button button--secondary"
                    disabled={offset === 0}
                    onClick={() => setOffset(Math.max(0, offset - PAGE))}
                  >
                    {t('triage.list.previous')}
                  </button>
                  <span className="muted">
                    {t('triage.list.range', { from: offset + 1, to: Math.min(offset + PAGE, total), total })}
                  </span>
                  <button
                    type="button"
                    className="button button--secondary"
                    disabled={offset + PAGE >= total}
                    onClick={() => setOffset(offset + PAGE)}
                  >
                    {t('triage.list.next')}
                  </button>
                </div>
              )}
            </>
          )}
        </Tabs>
      </section>
    </section>
  );
}
