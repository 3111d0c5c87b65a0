import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { TriageDetail } from '../../../contract/reports.ts';
import { ReporterText } from './ReporterText.tsx';
import { useDay } from './useDay.ts';

/** Who reported (unless hidden for the reader's scope), how, and who recorded it; where the report stands. */
export function TriageFacts({ detail }: { detail: TriageDetail }) {
  const { t } = useTranslation();
  const day = useDay();
  return (
    <dl className="case-facts">
      <div>
        <dt>{t('triage.fields.channel')}</dt>
        <dd>{t(`triage.channels.${detail.channel}`)}</dd>
      </div>
      <div>
        <dt>{t('triage.fields.received')}</dt>
        <dd>
          {day(detail.receivedOn)} (
          {detail.ageDays === 0 ? t('triage.list.ageToday') : t('triage.list.age', { count: detail.ageDays })})
        </dd>
      </div>
      <div>
        <dt>{t('triage.detail.reporter')}</dt>
        <dd>{detail.identitiesHidden ? t('cases.reports.hidden') : <ReporterText report={detail} />}</dd>
      </div>
      {detail.recordedBy !== null && (
        <div>
          <dt>{t('triage.detail.recordedBy')}</dt>
          <dd>{detail.recordedBy.displayName ?? t('triage.detail.formerUser')}</dd>
        </div>
      )}
      <div>
        <dt>{t('triage.fields.status')}</dt>
        <dd>{t(`triage.statuses.${detail.status}`)}</dd>
      </div>
      {detail.case !== null && (
        <div>
          <dt>{t('triage.detail.case')}</dt>
          <dd>
            <Link to="/cases/$caseId" params={{ caseId: detail.case.id }}>
              {detail.case.reference}
            </Link>
          </dd>
        </div>
      )}
      {detail.outcome !== null && (
        <div>
          <dt>{t('triage.fields.outcome')}</dt>
          <dd>
            {t(`triage.outcomes.${detail.outcome}`)}
            {detail.outcomeReason !== null && <span className="table__sub case-text">{detail.outcomeReason}</span>}
          </dd>
        </div>
      )}
    </dl>
  );
}
