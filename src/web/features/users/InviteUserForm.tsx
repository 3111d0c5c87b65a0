import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Expertise, Role } from '../../../contract/accounts.ts';
import { focusFirstInvalid } from '../../forms/focus.ts';
import { useFields } from '../../forms/useFields.ts';
import { useFieldText } from '../../forms/useFieldText.ts';
import { checkDisplayName, checkEmail, collect, type FormProblems, isValid } from '../../forms/validation.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import type { DoneAction } from './ActionResultNotice.tsx';
import { RoleFields } from './RoleFields.tsx';
import { inviteUser, usersQuery } from './users-api.ts';

const FIELDS = ['email', 'displayName', 'role', 'expertise'] as const;
type Field = (typeof FIELDS)[number];

export function InviteUserForm({ onDone }: { onDone: (done: DoneAction) => void }) {
  const { t } = useTranslation();
  const text = useFieldText();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const formRef = useRef<HTMLFormElement>(null);
  const { values, set, reset } = useFields<'email' | 'displayName'>({ email: '', displayName: '' });
  const [role, setRole] = useState<Role | ''>('');
  const [expertise, setExpertise] = useState<Expertise | ''>('');
  const [problems, setProblems] = useState<FormProblems<Field>>({});
  const mutation = useMutation({
    mutationFn: (request: Parameters<typeof inviteUser>[0]) => withStepUp(() => inviteUser(request)),
    onSuccess: (result) => {
      reset();
      setRole('');
      setExpertise('');
      onDone({ action: 'invite', result });
    },
    onSettled: () => client.invalidateQueries({ queryKey: usersQuery.queryKey }),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = collect<Field>({
      email: checkEmail(values.email),
      displayName: checkDisplayName(values.displayName),
      role: role === '' ? { key: 'validation.chooseRole' } : undefined,
      expertise: role === 'expert' && expertise === '' ? { key: 'validation.chooseExpertise' } : undefined,
    });
    setProblems(found);
    if (!isValid(found) || role === '') return focusFirstInvalid(formRef.current, FIELDS, found);
    mutation.mutate({
      email: values.email,
      displayName: values.displayName,
      role,
      expertise: role === 'expert' && expertise !== '' ? expertise : null,
    });
  };

  return (
    <section className="card" aria-labelledby="invite-heading">
      <h2 id="invite-heading">{t('users.invite.heading')}</h2>
      <p>{t('users.invite.intro')}</p>
      <form ref={formRef} className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={mutation.error} />
        <TextField
          id="invite-email"
          name="email"
          type="email"
          autoComplete="off"
          label={t('common.email')}
          value={values.email}
          onChange={set('email')}
          error={text(problems.email)}
          required
        />
        <TextField
          id="invite-name"
          name="displayName"
          autoComplete="off"
          label={t('common.displayName')}
          value={values.displayName}
          onChange={set('displayName')}
          error={text(problems.displayName)}
          required
        />
        <RoleFields
          idPrefix="invite"
          role={role}
          expertise={expertise}
          onRole={setRole}
          onExpertise={setExpertise}
          roleError={text(problems.role)}
          expertiseError={text(problems.expertise)}
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('users.invite.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
