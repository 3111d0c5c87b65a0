import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { DashboardReview } from '../../../contract/dashboard.ts';
import { PriorityBadge } from '../cases/CaseBadges.tsx';
import { daysBetween } from '../intake/days.ts';
import { useDay } from '../intake/useDay.ts';

/**
 * The caller's cases to assess again (docs/assessments.md, "Re-assessment"): the review date of the
 * last assessment passed or close, or an incident with warning behaviours written since. Overdue
 * first; the state is said in words, the badge's colour only repeats them.
 */
export function ReviewsSection({ reviews, today }: { reviews: readonly DashboardReview[]; today: string }) {
  const { t } = useTranslation();
  const day = useDay();
  return (
    <section className="card dash-section" aria-labelledby="dash-reviews-heading">
      <h2 id="dash-reviews-heading">{t('dashboard.reviews.heading')}</h2>
      <div className="table-scroll">
        <table className="table dash-table">
          <caption className="visually-hidden">{t('dashboard.reviews.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dashboard.reviews.fields.case')}</th>
              <th scope="col">{t('dashboard.reviews.fields.priority')}</th>
              <th scope="col">{t('dashboard.reviews.fields.due')}</th>
              <th scope="col">{t('dashboard.reviews.fields.why')}</th>
            </tr>
          </thead>
          <tbody>
            {reviews.map((r) => (
              <tr key={r.case.id} className={r.state === 'overdue' ? 'dash-row--overdue' : undefined}>
                <th scope="row">
                  <Link to="/cases/$caseId" params={{ caseId: r.case.id }} search={{ tab: 'assessments' }}>
                    {r.case.reference}
                  </Link>
                </th>
                <td>
                  <PriorityBadge priority={r.priority} />
                </td>
                <td>{r.due === null ? '—' : day(r.due)}</td>
                <td>
                  <Why review={r} today={today} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Why({ review, today }: { review: DashboardReview; today: string }) {
  const { t } = useTranslation();
  const left = review.due === null ? null : daysBetween(today, review.due);
  return (
    <>
      {review.state === 'overdue' && left !== null && (
        <span className="badge badge--error badge--strong">
          <span aria-hidden="true">⚠ </span>
          {t('dashboard.reviews.overdue', { count: -left })}
        </span>
      )}
      {review.state === 'due_soon' && left !== null && (
        <span className="badge badge--warn">
          {left <= 0 ? t('dashboard.reviews.dueToday') : t('dashboard.reviews.dueSoon', { count: left })}
        </span>
      )}
      {review.prompted && <span className="table__sub">{t('dashboard.reviews.prompted')}</span>}
    </>
  );
}
