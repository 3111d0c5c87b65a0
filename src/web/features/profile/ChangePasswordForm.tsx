import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { focusFirstInvalid } from '../../forms/focus.ts';
import { NewPasswordFields } from '../../forms/NewPasswordFields.tsx';
import { useFields } from '../../forms/useFields.ts';
import { useFieldText } from '../../forms/useFieldText.ts';
import {
  checkConfirmation,
  checkNewPassword,
  checkRequired,
  collect,
  type FormProblems,
  isValid,
} from '../../forms/validation.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useSetSession } from '../session/useSession.ts';
import { changePassword } from './profile-api.ts';

const FIELDS = ['currentPassword', 'newPassword', 'confirmation'] as const;
type Field = (typeof FIELDS)[number];

/** Changing the password ends every session of the user, this one too: then the sign-in page says so. */
export function ChangePasswordForm({ email }: { email: string }) {
  const { t } = useTranslation();
  const text = useFieldText();
  const formRef = useRef<HTMLFormElement>(null);
  const setSession = useSetSession();
  const { values, set } = useFields<Field>({ currentPassword: '', newPassword: '', confirmation: '' });
  const [problems, setProblems] = useState<FormProblems<Field>>({});
  const mutation = useMutation({
    mutationFn: changePassword,
    onSuccess: () => setSession.signedOut('password_changed'),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = collect<Field>({
      currentPassword: checkRequired(values.currentPassword),
      newPassword: checkNewPassword(values.newPassword),
      confirmation: checkConfirmation(values.newPassword, values.confirmation),
    });
    setProblems(found);
    if (!isValid(found)) return focusFirstInvalid(formRef.current, FIELDS, found);
    mutation.mutate({ currentPassword: values.currentPassword, newPassword: values.newPassword });
  };

  return (
    <section className="card" aria-labelledby="change-password-heading">
      <h2 id="change-password-heading">{t('profile.password.heading')}</h2>
      <p>{t('profile.password.intro')}</p>
      <form ref={formRef} className="form" onSubmit={submit} noValidate>
        <ErrorAlert error={mutation.error} messages={{ invalid_credentials: t('profile.password.wrongCurrent') }} />
        <input type="text" hidden readOnly name="username" autoComplete="username" value={email} />
        <TextField
          id="profile-current-password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          label={t('password.current')}
          value={values.currentPassword}
          onChange={set('currentPassword')}
          error={text(problems.currentPassword)}
          required
        />
        <NewPasswordFields
          idPrefix="profile-new"
          names={{ password: 'newPassword', confirmation: 'confirmation' }}
          password={values.newPassword}
          confirmation={values.confirmation}
          onPassword={set('newPassword')}
          onConfirmation={set('confirmation')}
          passwordError={text(problems.newPassword)}
          confirmationError={text(problems.confirmation)}
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('profile.password.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
