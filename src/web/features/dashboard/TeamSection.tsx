import { useTranslation } from 'react-i18next';
import { AGEING_DAYS, type Dashboard } from '../../../contract/dashboard.ts';
import { CaseReferenceCell, CaseStateCells } from '../cases/CaseCells.tsx';
import { useDay } from '../intake/useDay.ts';
import { StatusChart } from './CaseCharts.tsx';
import { IdleDays } from './IdleDays.tsx';

type Team = NonNullable<Dashboard['team']>;
type ListedCase = Team['unled'][number];

/** For team leads: open cases without a lead, open cases untouched for long, and every case by status. */
export function TeamSection({ team }: { team: Team }) {
  const { t } = useTranslation();
  return (
    <section className="card dash-section" aria-labelledby="dash-team-heading">
      <h2 id="dash-team-heading">{t('dashboard.team.heading')}</h2>
      <h3 id="dash-unled-heading">{t('dashboard.team.unled')}</h3>
      {team.unled.length === 0 ? (
        <p>{t('dashboard.team.unledEmpty')}</p>
      ) : (
        <ListedCases cases={team.unled} caption={t('dashboard.team.unled')} withLead={false} />
      )}
      <h3 id="dash-ageing-heading">{t('dashboard.team.ageing')}</h3>
      {team.ageing.length === 0 ? (
        <p>{t('dashboard.team.ageingEmpty', { count: AGEING_DAYS })}</p>
      ) : (
        <>
          <p className="muted">{t('dashboard.team.ageingHint', { count: AGEING_DAYS })}</p>
          <ListedCases cases={team.ageing} caption={t('dashboard.team.ageing')} withLead />
        </>
      )}
      <h3>{t('dashboard.team.byStatus')}</h3>
      <StatusChart counts={team.byStatus} label={(numbers) => t('dashboard.team.byStatusLabel', { numbers })} all />
    </section>
  );
}

function ListedCases({
  cases,
  caption,
  withLead,
}: {
  cases: readonly ListedCase[];
  caption: string;
  withLead: boolean;
}) {
  const { t } = useTranslation();
  const day = useDay();
  return (
    <div className="table-scroll">
      <table className="table dash-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('cases.fields.reference')}</th>
            <th scope="col">{t('cases.fields.status')}</th>
            <th scope="col">{t('cases.fields.priority')}</th>
            {withLead && <th scope="col">{t('cases.fields.lead')}</th>}
            <th scope="col">{t('dashboard.fields.opened')}</th>
            <th scope="col">{t('dashboard.fields.idle')}</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((c) => (
            <tr key={c.id}>
              <CaseReferenceCell id={c.id} reference={c.reference} />
              <CaseStateCells status={c.status} priority={c.priority} />
              {withLead && (
                <td>{c.lead?.displayName ?? <span className="muted">{t('dashboard.team.noLead')}</span>}</td>
              )}
              <td>
                {day(c.openedOn)}
                <span className="table__sub">
                  {c.ageDays === 0
                    ? t('dashboard.fields.openedToday')
                    : t('dashboard.fields.ago', { count: c.ageDays })}
                </span>
              </td>
              <td>
                <IdleDays days={c.idleDays} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
