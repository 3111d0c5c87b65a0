import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Member } from '../../../contract/cases.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import { changeMember } from './cases-api.ts';
import { checkMembership, type Membership, MembershipFields, type MembershipProblems } from './MembershipFields.tsx';
import { dayOf } from './member-dates.ts';

/**
 * Changes an existing member's scope or end date (the lead and team leads, with step-up). An
 * expert's membership keeps an end; a stale version (someone changed it meanwhile) keeps what was
 * chosen here and says so.
 */
export function ChangeMemberForm({ caseId, member, onDone }: { caseId: string; member: Member; onDone: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const heading = useRef<HTMLHeadingElement>(null);
  const [membership, setMembership] = useState<Membership>({
    scope: { full: member.fullScope, sections: member.sections },
    until: member.expiresAt === null ? '' : dayOf(new Date(member.expiresAt)),
  });
  const [problems, setProblems] = useState<MembershipProblems>({});
  const expert = member.role === 'expert';
  const name = member.user.displayName ?? t('cases.members.unknown');
  useEffect(() => heading.current?.focus(), []);
  const mutation = useMutation({
    mutationFn: (body: Parameters<typeof changeMember>[2]) =>
      withStepUp(() => changeMember(caseId, member.user.id, body)),
    onSuccess: onDone,
    onSettled: () => client.invalidateQueries({ queryKey: ['cases', caseId, 'members'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const checked = checkMembership(t, membership, expert);
    setProblems(checked.problems);
    if (checked.fields !== undefined) mutation.mutate({ expectedVersion: member.version, ...checked.fields });
  };
  return (
    <section className="card" aria-labelledby="change-member-heading">
      <h2 id="change-member-heading" ref={heading} tabIndex={-1}>
        {t('cases.members.changeHeading', { name })}
      </h2>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={mutation.error} />
        <MembershipFields id="change" value={membership} onChange={setMembership} expert={expert} problems={problems} />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('cases.members.saveChange')}
          </button>
          <button type="button" className="button button--secondary" onClick={onDone}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
