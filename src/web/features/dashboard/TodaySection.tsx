import { useTranslation } from 'react-i18next';
import { AGEING_DAYS, type Dashboard } from '../../../contract/dashboard.ts';
import { useDay } from '../intake/useDay.ts';
import { todaySummary } from './summary.ts';

/** At a glance, what needs the caller today: overdue deadlines first, then what is due soon and waiting. */
export function TodaySection({ dashboard }: { dashboard: Dashboard }) {
  const { t } = useTranslation();
  const day = useDay();
  const s = todaySummary(dashboard);
  // Overdue first (marked by word, sign and colour), then what is due soon and what waits.
  const lines = [
    { key: 'ack', count: s.overdueAcknowledgements, alert: true, text: 'dashboard.today.overdueAcknowledgements' },
    { key: 'feedback', count: s.overdueFeedback, alert: true, text: 'dashboard.today.overdueFeedback' },
    { key: 'more', count: s.overdueMore, alert: true, text: 'dashboard.today.overdueMore' },
    { key: 'soon', count: s.dueSoon, alert: false, text: 'dashboard.today.dueSoon' },
    { key: 'untriaged', count: s.untriaged, alert: false, text: 'dashboard.today.untriaged' },
    { key: 'unled', count: s.unled, alert: false, text: 'dashboard.today.unled' },
    { key: 'ageing', count: s.ageing, alert: false, text: 'dashboard.today.ageing' },
  ] as const;
  const shown = lines.filter((line) => line.count > 0);
  return (
    <section className="card dash-today" aria-labelledby="dash-today-heading">
      <h2 id="dash-today-heading">{t('dashboard.today.heading', { day: day(dashboard.today) })}</h2>
      {shown.length > 0 ? (
        <ul className="dash-today__list">
          {shown.map((line) => (
            <li key={line.key} className={`dash-today__item${line.alert ? ' dash-today__item--alert' : ''}`}>
              {line.alert && (
                <span className="dash-today__icon" aria-hidden="true">
                  ⚠{' '}
                </span>
              )}
              {t(line.text, { count: line.count, days: AGEING_DAYS })}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('dashboard.today.nothing')}</p>
      )}
    </section>
  );
}
