import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { SelectField } from '../../ui/SelectField.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import { candidatesQuery, grantMember } from './cases-api.ts';
import { checkMembership, type Membership, MembershipFields, type MembershipProblems } from './MembershipFields.tsx';
import { DAY_MS, dayOf } from './member-dates.ts';

const EXPERT_DAYS = 30;

/** Grants membership: who, in which role, with which scope, until when (experts always end: 30 days unless chosen). */
export function GrantMemberForm({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const candidates = useQuery(candidatesQuery(caseId));
  const [userId, setUserId] = useState('');
  const fresh: Membership = { scope: { full: true, sections: [] }, until: '' };
  const [membership, setMembership] = useState<Membership>(fresh);
  const [problems, setProblems] = useState<MembershipProblems & { user?: string }>({});
  const chosen = candidates.data?.candidates.find((c) => c.id === userId);
  const expert = chosen?.role === 'expert';
  const mutation = useMutation({
    mutationFn: (body: Parameters<typeof grantMember>[1]) => withStepUp(() => grantMember(caseId, body)),
    onSuccess: () => {
      setUserId('');
      setMembership(fresh);
    },
    onSettled: () => client.invalidateQueries({ queryKey: ['cases', caseId] }),
  });
  const choose = (id: string) => {
    setUserId(id);
    const role = candidates.data?.candidates.find((c) => c.id === id)?.role;
    setMembership({
      ...membership,
      until: role === 'expert' ? dayOf(new Date(Date.now() + EXPERT_DAYS * DAY_MS)) : '',
    });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = checkMembership(t, membership, expert);
    setProblems({ ...(userId === '' ? { user: t('cases.members.chooseUser') } : {}), ...checked.problems });
    if (userId !== '' && checked.fields !== undefined)
      mutation.mutate({ userId, role: expert ? 'expert' : 'member', ...checked.fields });
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
        <MembershipFields id="grant" value={membership} onChange={setMembership} expert={expert} problems={problems} />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('cases.members.grant')}
          </button>
        </div>
      </form>
    </section>
  );
}
