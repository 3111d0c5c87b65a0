import { useTranslation } from 'react-i18next';
import type { TimelineEntry } from '../../../contract/timeline.ts';
import { useDay } from '../intake/useDay.ts';
import type { EntryFormContext } from './EntryForm.tsx';
import { EntryItem } from './EntryItem.tsx';

/** Entries in runs of the same day, in the order the server sends them (newest first). */
export function byDay(entries: readonly TimelineEntry[]): { day: string; entries: TimelineEntry[] }[] {
  const days: { day: string; entries: TimelineEntry[] }[] = [];
  for (const entry of entries) {
    const last = days.at(-1);
    if (last !== undefined && last.day === entry.occurredOn) last.entries.push(entry);
    else days.push({ day: entry.occurredOn, entries: [entry] });
  }
  return days;
}

/** The list, newest first, a heading per day; "load more" fetches the next page with the server's cursor. */
export function TimelineList({
  entries,
  form,
  canWrite,
  more,
  loadingMore,
  onMore,
}: {
  entries: readonly TimelineEntry[];
  form: EntryFormContext;
  canWrite: boolean;
  more: boolean;
  loadingMore: boolean;
  onMore: () => void;
}) {
  const { t } = useTranslation();
  const day = useDay();
  return (
    <section className="tl-list" aria-label={t('timeline.list.heading')}>
      <p role="status" className="muted">
        {more
          ? t('timeline.list.countMore', { count: entries.length })
          : t('timeline.list.count', { count: entries.length })}
      </p>
      {byDay(entries).map((group) => (
        <div key={group.day} className="tl-day">
          <h3 className="tl-day__heading">
            <time dateTime={group.day}>{day(group.day)}</time>
          </h3>
          <ol className="tl-entries">
            {group.entries.map((entry) => (
              <EntryItem key={entry.id} entry={entry} form={form} canWrite={canWrite} />
            ))}
          </ol>
        </div>
      ))}
      {more && (
        <div className="form__actions">
          <button type="button" className="button button--secondary" onClick={onMore} disabled={loadingMore}>
            {loadingMore ? t('common.loading') : t('timeline.list.more')}
          </button>
        </div>
      )}
    </section>
  );
}
