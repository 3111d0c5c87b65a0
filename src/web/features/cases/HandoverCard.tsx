import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Handover, ReassignResult } from '../../../contract/cases.ts';
import { apiGet, apiPost } from '../../api/client.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { useStepUp } from '../session/StepUp.tsx';

const handoverQuery = queryOptions({
  queryKey: ['cases', 'handover'],
  queryFn: ({ signal }) => apiGet('/api/case-memberships/handover', Handover, { signal }),
  refetchOnWindowFocus: false,
});

/**
 * A team lead hands all case memberships of someone who left (their account locked) to one
 * successor, in one step (docs/cases.md, "Members and scopes").
 */
export function HandoverCard() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const query = useQuery(handoverQuery);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [problems, setProblems] = useState<{ from?: string; to?: string }>({});
  const mutation = useMutation({
    mutationFn: (body: { from: string; to: string }) =>
      withStepUp(() =>
        apiPost(
          `/api/users/${encodeURIComponent(body.from)}/case-memberships/reassign`,
          { toUserId: body.to },
          ReassignResult,
        ),
      ),
    onSuccess: () => {
      setFrom('');
      setTo('');
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['cases'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = {
      ...(from === '' ? { from: t('cases.handover.chooseLeaver') } : {}),
      ...(to === '' ? { to: t('cases.handover.chooseSuccessor') } : {}),
    };
    setProblems(found);
    if (Object.keys(found).length === 0) mutation.mutate({ from, to });
  };
  const leavers = query.data?.leavers ?? [];
  const done = mutation.data;
  return (
    <section className="card" aria-labelledby="handover-heading">
      <h2 id="handover-heading">{t('cases.handover.heading')}</h2>
      <p>{t('cases.handover.intro')}</p>
      {query.isError && <ErrorAlert error={query.error} />}
      {done !== undefined && (
        <Alert tone="success">
          {t('cases.handover.done', { moved: done.moved + done.merged, skipped: done.skipped })}
        </Alert>
      )}
      {query.data !== undefined && leavers.length === 0 ? (
        <p>{t('cases.handover.none')}</p>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <ErrorAlert error={mutation.error} />
          <SelectField
            id="handover-from"
            label={t('cases.handover.leaver')}
            value={from}
            placeholder={t('cases.handover.chooseLeaver')}
            options={leavers.map((l) => ({
              value: l.user.id,
              label: t('cases.handover.leaverOption', { name: l.user.displayName ?? '—', count: l.cases }),
            }))}
            onChange={setFrom}
            error={problems.from}
          />
          <SelectField
            id="handover-to"
            label={t('cases.handover.successor')}
            value={to}
            placeholder={t('cases.handover.chooseSuccessor')}
            options={(query.data?.successors ?? []).map((s) => ({
              value: s.user.id,
              label: `${s.user.displayName ?? '—'} (${t(`roles.${s.role}`)})`,
            }))}
            onChange={setTo}
            error={problems.to}
          />
          <div className="form__actions">
            <button type="submit" className="button" disabled={mutation.isPending}>
              {mutation.isPending ? t('common.working') : t('cases.handover.submit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
