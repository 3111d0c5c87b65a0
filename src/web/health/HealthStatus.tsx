import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Readiness } from '../../contract/health.ts';
import { fetchReadiness, READINESS_POLL_MS } from './readiness.ts';

type HealthState = 'checking' | 'unreachable' | Readiness['status'];

/** The server's readiness, polled, shown as a labelled indicator whose text carries the meaning. */
export function HealthStatus() {
  const { t, i18n } = useTranslation();
  const query = useQuery({
    queryKey: ['readyz'],
    queryFn: ({ signal }) => fetchReadiness(signal),
    refetchInterval: READINESS_POLL_MS,
    retry: false,
  });
  const state: HealthState =
    query.status === 'pending' ? 'checking' : query.status === 'error' ? 'unreachable' : query.data.status;
  const checkedAt = Math.max(query.dataUpdatedAt, query.errorUpdatedAt);
  const time = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'medium' }).format(checkedAt);

  return (
    <section className="card" aria-labelledby="health-heading">
      <h2 id="health-heading">{t('health.heading')}</h2>
      <div className={`health health--${state}`} role="status" data-state={state}>
        <span className="health__dot" aria-hidden="true" />
        <span className="health__text">
          <strong className="health__state">{t(`health.state.${state}`)}</strong>
          <span className="health__detail">{t(`health.detail.${state}`)}</span>
        </span>
      </div>
      {checkedAt > 0 && <p className="health__meta">{t('health.lastChecked', { time })}</p>}
    </section>
  );
}
