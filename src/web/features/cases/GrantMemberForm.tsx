import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import { candidatesQuery, grantMember } from './cases-api.ts';
import { DAY_MS, dayOf, endIsValid, endOfDay } from './member-dates.ts';
import { type Scope, ScopeFields } from './ScopeFields.tsx';

const EXPERT_DAYS = 30;

/** Grants membership: who, in which role, with which scope, until when (experts always end: 30 days unless chosen). */
export function GrantMemberForm({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const candidates = useQuery(candidatesQuery(caseId));
  const [userId, setUserId] = useState('');
  const [scope, setScope] = useState<Scope>({ full: true, sections: [] });
  const [until, setUntil] = useState('');
  const [problems, setProblems] = useState<{ user?: string; scope?: string; until?: string }>({});
  const chosen = candidates.data?.candidates.find((c) => c.id === userId);
  const expert = chosen?.role === 'expert';
  const mutation = useMutation({
    mutationFn: (body: Parameters<typeof grantMember>[1]) => withStepUp(() => grantMember(caseId, body)),
    onSuccess: () => {
      setUserId('');
      setScope({ full: true, sections: [] });
      setUntil('');
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['cases', caseId] }),
  });
  const choose = (id: string) => {
    setUserId(id);
    const role = candidates.data?.candidates.find((c) => c.id === id)?.role;
    setUntil(role === 'expert' ? dayOf(new Date(Date.now() + EXPERT_DAYS * DAY_MS)) : '');
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const end = endOfDay(until);
    const found = {
      ...(userId === '' ? { user: t('cases.members.chooseUser') } : {}),
      ...(!scope.full && scope.sections.length === 0 ? { scope: t('cases.members.chooseSection') } : {}),
      ...(expert && end === null ? { until: t('cases.members.expertEnds') } : {}),
      ...(endIsValid(end) ? {} : { until: t('cases.members.untilPast') }),
    };
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    mutation.mutate({
      userId,
      role: expert ? 'expert' : 'member',
      fullScope: scope.full,
      sections: scope.full ? [] : [...scope.sections],
      expiresAt: end === null ? null : end.toISOString(),
    });
  };
  return (
    <section className="card" aria-labelledby="grant-heading">
      <h2 id="grant-heading">{t('cases.members.grantHeading')}</h2>
      <p>{t('cases.members.grantIntro')}</p>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={mutation.error} />
        {candidates.isError && <ErrorAlert error={candidates.error} />}
        <SelectField
          id="grant-user"
          label={t('cases.members.person')}
          value={userId}
          placeholder={t('cases.members.chooseUser')}
          options={(candidates.data?.candidates ?? []).map((c) => ({
            value: c.id,
            label: `${c.displayName ?? '—'} (${t(`roles.${c.role}`)}${c.expertise ? `, ${t(`expertise.${c.expertise}`)}` : ''})`,
          }))}
          onChange={choose}
          error={problems.user}
        />
        <ScopeFields id="grant-scope" scope={scope} onChange={setScope} error={problems.scope} />
        <TextField
          id="grant-until"
          type="date"
          label={t('cases.members.until')}
          hint={t(expert ? 'cases.members.untilExpertHint' : 'cases.members.untilHint')}
          value={until}
          onChange={setUntil}
          error={problems.until}
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('cases.members.grant')}
          </button>
        </div>
      </form>
    </section>
  );
}
