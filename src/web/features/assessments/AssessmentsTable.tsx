import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { AssessmentSummary } from '../../../contract/assessments.ts';
import { PriorityBadge } from '../cases/CaseBadges.tsx';
import { useDay } from '../intake/useDay.ts';
import { useModelText } from '../models/useModelText.ts';
import { useDate } from './useAssessmentText.ts';

/** The case's finalised assessments and the reader's own drafts, oldest first, as the server lists them. */
export function AssessmentsTable({
  caseId,
  assessments,
}: {
  caseId: string;
  assessments: readonly AssessmentSummary[];
}) {
  const { t } = useTranslation();
  const text = useModelText();
  const date = useDate();
  const day = useDay();
  return (
    <div className="table-scroll">
      <table className="table">
        <caption className="visually-hidden">{t('assessments.list.caption', { count: assessments.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('assessments.list.model')}</th>
            <th scope="col">{t('assessments.list.kind')}</th>
            <th scope="col">{t('assessments.list.rater')}</th>
            <th scope="col">{t('assessments.list.status')}</th>
            <th scope="col">{t('assessments.list.finalised')}</th>
            <th scope="col">{t('assessments.list.priority')}</th>
            <th scope="col">{t('assessments.list.reviewDue')}</th>
          </tr>
        </thead>
        <tbody>
          {assessments.map((a) => (
            <tr key={a.id}>
              <th scope="row">
                <Link to="/cases/$caseId/assessments/$assessmentId" params={{ caseId, assessmentId: a.id }}>
                  {t('assessments.list.modelVersion', { title: text(a.model.title), version: a.model.version })}
                </Link>
                {a.modelKind === 'external' && <span className="table__sub">{t('assessments.list.external')}</span>}
              </th>
              <td>{t(`assessments.kinds.${a.kind}`)}</td>
              <td>{a.rater === null ? '—' : (a.rater.displayName ?? t('assessments.list.someone'))}</td>
              <td>
                <span className={`badge ${a.status === 'final' ? 'badge--ok' : 'badge--neutral'}`}>
                  {t(`assessments.status.${a.status}`)}
                </span>
              </td>
              <td>{a.finalisedAt === null ? '—' : date(a.finalisedAt)}</td>
              <td>{a.status === 'final' && a.priority !== null ? <PriorityBadge priority={a.priority} /> : '—'}</td>
              <td>{a.reviewDue === null ? '—' : day(a.reviewDue)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
