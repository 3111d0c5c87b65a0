import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { AuditFilter } from '../../../contract/audit.ts';
import { ApiError } from '../../api/client.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { AuditEventsTable } from './AuditEventsTable.tsx';
import { auditEventsQuery } from './audit-api.ts';
import { ExportButton } from './ExportButton.tsx';

/**
 * A refused query: a filter the server did not accept (its checks are the last word, e.g. a range that ends before
 * it starts) is named as such, with the server's reasons; anything else as any failure.
 */
function EventsError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!(error instanceof ApiError) || error.code !== 'validation_failed') return <ErrorAlert error={error} />;
  const detail = error.problem?.detail;
  const reasons = error.problem?.errors?.map((reason) => reason.message) ?? (detail ? [detail] : []);
  return (
    <Alert tone="error" focus focusKey={error}>
      <p>{t('audit.events.badFilter')}</p>
      {reasons.length > 0 && (
        // The server's own words, in English whatever the UI language.
        <ul lang="en">
          {reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}

/** The events matching the applied filter, a page at a time ("Show more"), and their export. */
export function AuditEventsSection({ filter }: { filter: AuditFilter }) {
  const { t } = useTranslation();
  const events = useInfiniteQuery(auditEventsQuery(filter));
  const shown = events.data?.pages.flatMap((page) => page.events) ?? [];
  const filtered = Object.keys(filter).length > 0;

  return (
    <section className="card" aria-labelledby="audit-events-heading">
      <h2 id="audit-events-heading">{t('audit.events.heading')}</h2>
      <p>{filtered ? t('audit.events.introFiltered') : t('audit.events.intro')}</p>
      {events.isPending && <p>{t('common.loading')}</p>}
      {events.isError && !events.isFetchNextPageError && <EventsError error={events.error} />}
      {events.data !== undefined &&
        (shown.length === 0 ? (
          <p>{filtered ? t('audit.events.noneMatching') : t('audit.events.empty')}</p>
        ) : (
          <>
            <p className="table__muted" role="status">
              {events.hasNextPage
                ? t('audit.events.shownMore', { count: shown.length })
                : t('audit.events.shownAll', { count: shown.length })}
            </p>
            <AuditEventsTable events={shown} />
            {events.isFetchNextPageError && <ErrorAlert error={events.error} />}
            {events.hasNextPage && (
              <p>
                <button
                  type="button"
                  className="button button--secondary"
                  onClick={() => void events.fetchNextPage()}
                  disabled={events.isFetchingNextPage}
                >
                  {events.isFetchingNextPage ? t('common.loading') : t('audit.events.more')}
                </button>
              </p>
            )}
            <ExportButton filter={filter} />
          </>
        ))}
    </section>
  );
}
