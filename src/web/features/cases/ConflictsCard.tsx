import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import { conflictsQuery, declareConflict, liftConflict } from './cases-api.ts';

/**
 * Conflicts of interest of the case, for the lead and team leads who read it whole: who is recused,
 * who is only suspected (a namesake, or the lead or a team lead), with confirm and lift.
 */
export function ConflictsCard({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const conflicts = useQuery(conflictsQuery(caseId));
  const refresh = () => client.invalidateQueries({ queryKey: ['cases', caseId] });
  const confirm = useMutation({
    mutationFn: (c: { personId: string; userId: string }) =>
      withStepUp(() => declareConflict(caseId, c.personId, c.userId)),
    onSettled: refresh,
  });
  const lift = useMutation({
    mutationFn: (c: { personId: string; userId: string }) =>
      withStepUp(() => liftConflict(caseId, c.personId, c.userId)),
    onSettled: refresh,
  });
  const list = conflicts.data?.conflicts ?? [];
  return (
    <section className="card" aria-labelledby="conflicts-heading">
      <h2 id="conflicts-heading">{t('persons.conflicts.heading')}</h2>
      {conflicts.isError && <ErrorAlert error={conflicts.error} />}
      <ErrorAlert error={confirm.error ?? lift.error} />
      {conflicts.isSuccess && list.length === 0 && <p>{t('persons.conflicts.none')}</p>}
      {list.length > 0 && (
        <ul>
          {list.map((c) => {
            const name = c.user.displayName ?? '—';
            const line = t(`persons.conflicts.${c.status}`, {
              name,
              person: t('persons.pseudonym', { letters: c.pseudonym }),
              source: t(`persons.conflicts.sources.${c.source}`),
            });
            return (
              <li key={`${c.personId}-${c.user.id}`}>
                {line}{' '}
                {c.status === 'suspected' && (
                  <button
                    type="button"
                    className="button button--small"
                    onClick={() => confirm.mutate({ personId: c.personId, userId: c.user.id })}
                  >
                    {t('persons.conflicts.confirm')}
                    <span className="visually-hidden"> {line}</span>
                  </button>
                )}{' '}
                <button
                  type="button"
                  className="button button--secondary button--small"
                  onClick={() => lift.mutate({ personId: c.personId, userId: c.user.id })}
                >
                  {t('persons.conflicts.lift')}
                  <span className="visually-hidden"> {line}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
