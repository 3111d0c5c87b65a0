import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { Dashboard } from '../../../contract/dashboard.ts';
import { useDateTime } from '../../ui/useDateTime.ts';
import { relativeParts } from './summary.ts';

/**
 * The newest timeline entries of the caller's cases: when, which case, what kind, by whom. Never a
 * word of the entry itself: that is on the case's timeline.
 */
export function ActivitySection({ activity }: { activity: Dashboard['activity'] }) {
  const { t } = useTranslation();
  const when = useWhen();
  return (
    <section className="card dash-section" aria-labelledby="dash-activity-heading">
      <h2 id="dash-activity-heading">{t('dashboard.activity.heading')}</h2>
      {activity.length === 0 ? (
        <p>{t('dashboard.activity.empty')}</p>
      ) : (
        <ol className="dash-activity">
          {activity.map((a) => (
            <li key={a.id} className="dash-activity__item">
              <span className="dash-activity__what">
                <strong>{t(`timeline.kinds.${a.kind}`)}</strong>
                {' · '}
                <Link to="/cases/$caseId" params={{ caseId: a.case.id }}>
                  {a.case.reference}
                </Link>
              </span>
              <span className="dash-activity__meta">
                {t('dashboard.activity.by', { name: a.author?.displayName ?? t('dashboard.activity.someone') })}
                {' · '}
                <time dateTime={a.at} title={when.absolute(a.at)}>
                  {when.shown(a.at)}
                </time>
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** A moment as "5 minutes ago" while recent (under a week), else its date and time, in the UI language. */
function useWhen() {
  const { i18n } = useTranslation();
  const absolute = useDateTime();
  const relative = new Intl.RelativeTimeFormat(i18n.language, { numeric: 'auto' });
  const now = new Date();
  return {
    absolute,
    shown: (at: string) => {
      const parts = relativeParts(at, now);
      return parts === null ? absolute(at) : relative.format(parts.value, parts.unit);
    },
  };
}
