import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../contract/cases.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { readsDocuments } from '../cases/CaseReports.tsx';
import { caseDocumentsQuery, personsQuery } from '../cases/cases-api.ts';
import { holds } from '../cases/PersonsSection.tsx';
import { EntryForm, type EntryFormContext } from './EntryForm.tsx';
import { TimelineChart } from './TimelineChart.tsx';
import { TimelineFilters } from './TimelineFilters.tsx';
import { TimelineList } from './TimelineList.tsx';
import { type TimelineFilters as Filters, NO_FILTERS, timelineQuery } from './timeline-api.ts';

/**
 * The case's timeline (docs/timeline.md): what happened, as the team wrote it down, and what was
 * done to the case, as the server recorded it, newest first, with a chart over time. Members whose
 * scope writes the timeline add entries and edit the written ones.
 */
export function TimelineSection({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [writing, setWriting] = useState(false);
  const [saved, setSaved] = useState(0);
  const writeButton = useRef<HTMLButtonElement>(null);
  const timeline = useInfiniteQuery({ ...timelineQuery(detail.id, filters), placeholderData: keepPreviousData });
  // The pickers: only from lists the reader may read (a 404 means the section is not theirs).
  const persons = useQuery({ ...personsQuery(detail.id), enabled: holds(detail, 'persons'), retry: false });
  const documents = useQuery({ ...caseDocumentsQuery(detail.id), enabled: readsDocuments(detail), retry: false });
  const form: EntryFormContext = {
    caseId: detail.id,
    persons: persons.isSuccess ? persons.data.persons : null,
    documents: documents.isSuccess ? documents.data.documents : null,
  };
  const pages = timeline.data?.pages ?? [];
  const first = pages[0];
  const entries = pages.flatMap((p) => p.entries);
  const canWrite = first?.canWrite ?? false;
  const close = (done: boolean) => {
    setWriting(false);
    if (done) setSaved((n) => n + 1);
    window.setTimeout(() => writeButton.current?.focus(), 0);
  };

  return (
    <section className="stack" aria-labelledby="timeline-heading">
      <div className="card">
        <h2 id="timeline-heading">{t('timeline.heading')}</h2>
        <p>{t('timeline.intro')}</p>
        {saved > 0 && !writing && (
          <Alert tone="success" focusKey={saved}>
            <p>{t('timeline.new.saved')}</p>
          </Alert>
        )}
        {canWrite && !writing && (
          <div className="form__actions">
            <button
              ref={writeButton}
              type="button"
              className="button"
              onClick={() => {
                setSaved(0);
                setWriting(true);
              }}
            >
              {t('timeline.new.open')}
            </button>
          </div>
        )}
      </div>
      {writing && <EntryForm context={form} onDone={() => close(true)} onCancel={() => close(false)} />}
      <div className="card tl-browse">
        <TimelineFilters filters={filters} onChange={setFilters} persons={form.persons} />
        {first?.chart && (
          <TimelineChart
            chart={first.chart}
            from={filters.from}
            to={filters.to}
            onRange={(from, to) => setFilters((f) => ({ ...f, from, to }))}
          />
        )}
        {timeline.isPending && <p>{t('common.loading')}</p>}
        <ErrorAlert error={timeline.error} />
        {timeline.data !== undefined && (
          <TimelineList
            entries={entries}
            form={form}
            canWrite={canWrite}
            more={timeline.hasNextPage}
            loadingMore={timeline.isFetchingNextPage}
            onMore={() => void timeline.fetchNextPage()}
          />
        )}
      </div>
    </section>
  );
}
