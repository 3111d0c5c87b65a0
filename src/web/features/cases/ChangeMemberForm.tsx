import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Member } from '../../../contract/cases.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import { changeMember } from './cases-api.ts';
import { dayOf, endIsValid, endOfDay } from './member-dates.ts';
import { type Scope, ScopeFields } from './ScopeFields.tsx';

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
  const [scope, setScope] = useState<Scope>({ full: member.fullScope, sections: member.sections });
  const [until, setUntil] = useState(member.expiresAt === null ? '' : dayOf(new Date(member.expiresAt)));
  const [problems, setProblems] = useState<{ scope?: string; until?: string }>({});
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
    const end = endOfDay(until);
    const found = {
      ...(!scope.full && scope.sections.length === 0 ? { scope: t('cases.members.chooseSection') } : {}),
      ...(expert && end === null ? { until: t('cases.members.expertEnds') } : {}),
      ...(endIsValid(end) ? {} : { until: t('cases.members.untilPast') }),
    };
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    mutation.mutate({
      expectedVersion: member.version,
      fullScope: scope.full,
      sections: scope.full ? [] : [...scope.sections],
      expiresAt: end === null ? null : end.toISOString(),
    });
  };
  return (
    <section className="card" aria-labelledby="change-member-heading">
      <h2 id="change-member-heading" ref={heading} tabIndex={-1}>
        {t('cases.members.changeHeading', { name })}
      </h2>
      <form className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={mutation.error} />
        <ScopeFields id="change-scope" scope={scope} onChange={setScope} error={problems.scope} />
        <TextField
          id="change-until"
          type="date"
          label={t('cases.members.until')}
          hint={t(expert ? 'cases.members.untilExpertHint' : 'cases.members.untilHint')}
          value={until}
          onChange={setUntil}
          error={problems.until}
        />
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
