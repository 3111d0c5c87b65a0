import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { Dashboard } from '../../../contract/dashboard.ts';
import { CaseReferenceCell, CaseStateCells } from '../cases/CaseCells.tsx';
import { PriorityChart, StatusChart } from './CaseCharts.tsx';
import { IdleDays } from './IdleDays.tsx';

/**
 * The caller's open cases, highest priority and longest untouched first (the server's order), and
 * their load by status and by priority. A title outside the caller's scope is not shown.
 */
export function MyCasesSection({ cases, load }: { cases: Dashboard['myCases']; load: Dashboard['myLoad'] }) {
  const { t } = useTranslation();
  return (
    <section className="card dash-section" aria-labelledby="dash-cases-heading">
      <h2 id="dash-cases-heading">{t('dashboard.myCases.heading')}</h2>
      {cases.length === 0 ? (
        <p>{t('dashboard.myCases.empty')}</p>
      ) : (
        <>
          <p>{t('dashboard.myCases.count', { count: cases.length })}</p>
          <div className="table-scroll">
            <table className="table dash-table">
              <caption className="visually-hidden">{t('dashboard.myCases.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('cases.fields.reference')}</th>
                  <th scope="col">{t('cases.fields.title')}</th>
                  <th scope="col">{t('cases.fields.status')}</th>
                  <th scope="col">{t('cases.fields.priority')}</th>
                  <th scope="col">{t('dashboard.myCases.role')}</th>
                  <th scope="col">{t('dashboard.fields.idle')}</th>
                </tr>
              </thead>
              <tbody>
                {cases.map((c) => (
                  <tr key={c.id}>
                    <CaseReferenceCell id={c.id} reference={c.reference} />
                    <td>
                      {c.title ?? (
                        <span className="muted">
                          <span aria-hidden="true">—</span>
                          <span className="visually-hidden">{t('dashboard.myCases.titleWithheld')}</span>
                        </span>
                      )}
                    </td>
                    <CaseStateCells status={c.status} priority={c.priority} />
                    <td>{t(`cases.roles.${c.role}`)}</td>
                    <td>
                      <IdleDays days={c.idleDays} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>{t('dashboard.myCases.loadHeading')}</h3>
          <div className="dash-charts">
            <StatusChart
              counts={load.byStatus}
              caption={t('dashboard.myCases.byStatus')}
              label={(numbers) => t('dashboard.myCases.byStatusLabel', { numbers })}
            />
            <PriorityChart
              counts={load.byPriority}
              caption={t('dashboard.myCases.byPriority')}
              label={(numbers) => t('dashboard.myCases.byPriorityLabel', { numbers })}
            />
          </div>
        </>
      )}
      <p>
        <Link to="/cases">{t('dashboard.myCases.toCases')}</Link>
      </p>
    </section>
  );
}
