import { useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Review } from '../../../contract/assessments.ts';
import type { CaseDetail } from '../../../contract/cases.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useDay } from '../intake/useDay.ts';
import { AssessmentsTable } from './AssessmentsTable.tsx';
import { assessmentsQuery } from './assessments-api.ts';
import { ItemChanges } from './ItemChanges.tsx';
import { RiskCurve } from './RiskCurve.tsx';
import { startsAssessments } from './reach.ts';
import { StartAssessmentForm } from './StartAssessmentForm.tsx';
import { useDate } from './useAssessmentText.ts';
import './assessments.css';

/**
 * The case's assessments (docs/assessments.md): the finalised ones and the reader's own drafts,
 * starting a new one, and the risk curve they draw over time with the case's incidents.
 */
export function AssessmentsSection({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const list = useQuery(assessmentsQuery(detail.id));
  const [starting, setStarting] = useState(false);
  const startButton = useRef<HTMLButtonElement>(null);
  const canStart = startsAssessments(detail);
  const stop = () => {
    setStarting(false);
    window.setTimeout(() => startButton.current?.focus(), 0);
  };
  const assessments = list.data?.assessments ?? [];
  return (
    <section className="stack" aria-labelledby="assessments-heading">
      <div className="card">
        <h2 id="assessments-heading">{t('assessments.heading')}</h2>
        <p>{t('assessments.intro')}</p>
        {list.data?.review && <ReviewNote review={list.data.review} />}
        {canStart && !starting && (
          <div className="form__actions">
            <button ref={startButton} type="button" className="button" onClick={() => setStarting(true)}>
              {t('assessments.start.open')}
            </button>
          </div>
        )}
        {list.isPending && <p>{t('common.loading')}</p>}
        <ErrorAlert error={list.error} />
        {list.isSuccess &&
          (assessments.length === 0 ? (
            <p>{t('assessments.list.empty')}</p>
          ) : (
            <AssessmentsTable caseId={detail.id} assessments={assessments} />
          ))}
      </div>
      {starting && list.isSuccess && (
        <StartAssessmentForm caseId={detail.id} assessments={assessments} onCancel={stop} />
      )}
      {list.isSuccess && (
        <div className="card">
          <RiskCurve list={list.data} />
          <ItemChanges caseId={detail.id} summaries={assessments} />
        </div>
      )}
    </section>
  );
}

/** When the case is to be assessed again: the review date the standing assessment set, and an incident that asks for it sooner. */
function ReviewNote({ review }: { review: Review }) {
  const { t } = useTranslation();
  const day = useDay();
  const date = useDate();
  const overdue = review.state === 'overdue';
  if (review.due === null && review.prompt === null) return null;
  return (
    <Alert tone={overdue || review.prompt !== null ? 'warning' : 'info'}>
      {review.due !== null && <p>{t(`assessments.review.${review.state ?? 'in_time'}`, { date: day(review.due) })}</p>}
      {review.prompt !== null && <p>{t('assessments.review.prompt', { date: date(review.prompt.recordedAt) })}</p>}
    </Alert>
  );
}
