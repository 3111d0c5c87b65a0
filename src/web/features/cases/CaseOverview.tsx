import { useTranslation } from 'react-i18next';
import type { CaseDetail } from '../../../contract/cases.ts';
import { CaseEditForm } from './CaseEditForm.tsx';
import { CaseWorkflow } from './CaseWorkflow.tsx';

/**
 * The whole case's texts for those whose scope holds them; a member with chosen sections is told
 * which, and sees nothing else here.
 */
export function CaseOverview({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const overview = detail.overview;
  if (overview === null) {
    return (
      <section className="card" aria-labelledby="overview-heading">
        <h2 id="overview-heading">{t('cases.overview.heading')}</h2>
        <p>{t('cases.overview.partial')}</p>
      </section>
    );
  }
  return (
    <>
      <section className="card" aria-labelledby="overview-heading">
        <h2 id="overview-heading">{overview.title}</h2>
        {overview.summary === '' ? (
          <p className="table__muted">{t('cases.overview.noSummary')}</p>
        ) : (
          <p className="case-text">{overview.summary}</p>
        )}
        {overview.tags.length > 0 && (
          <ul className="case-tags" aria-label={t('cases.fields.tags')}>
            {overview.tags.map((tag) => (
              <li key={tag} className="badge badge--neutral">
                {tag}
              </li>
            ))}
          </ul>
        )}
        {detail.closureReason !== null && (
          <p>{t('cases.overview.closedBecause', { reason: t(`cases.closure.${detail.closureReason}`) })}</p>
        )}
      </section>
      {detail.access.canEdit && (
        <>
          <CaseEditForm detail={detail} />
          <CaseWorkflow detail={detail} />
        </>
      )}
    </>
  );
}
