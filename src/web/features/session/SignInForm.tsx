import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionInfo } from '../../../contract/accounts.ts';
import { focusFirstInvalid } from '../../forms/focus.ts';
import { useFields } from '../../forms/useFields.ts';
import { useFieldText } from '../../forms/useFieldText.ts';
import { checkRequired, collect, type FormProblems, isValid } from '../../forms/validation.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { signIn } from './session-api.ts';
import { useSetSession } from './useSession.ts';

const FIELDS = ['email', 'password'] as const;
type Field = (typeof FIELDS)[number];

export function SignInForm({ onSignedIn }: { onSignedIn: (session: SessionInfo) => void }) {
  const { t } = useTranslation();
  const text = useFieldText();
  const formRef = useRef<HTMLFormElement>(null);
  const setSession = useSetSession();
  const { values, set } = useFields<Field>({ email: '', password: '' });
  const [problems, setProblems] = useState<FormProblems<Field>>({});
  const mutation = useMutation({
    mutationFn: signIn,
    onSuccess: (session) => {
      setSession.signedIn(session);
      onSignedIn(session);
    },
    onError: () => set('password')(''),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = collect<Field>({ email: checkRequired(values.email), password: checkRequired(values.password) });
    setProblems(found);
    if (!isValid(found)) return focusFirstInvalid(formRef.current, FIELDS, found);
    mutation.mutate({ email: values.email, password: values.password });
  };

  return (
    <form ref={formRef} className="form card" onSubmit={submit} noValidate>
      <ErrorAlert error={mutation.error} />
      <TextField
        id="sign-in-email"
        name="email"
        type="email"
        autoComplete="username"
        label={t('common.email')}
        value={values.email}
        onChange={set('email')}
        error={text(problems.email)}
        required
      />
      <TextField
        id="sign-in-password"
        name="password"
        type="password"
        autoComplete="current-password"
        label={t('password.password')}
        value={values.password}
        onChange={set('password')}
        error={text(problems.password)}
        required
      />
      <div className="form__actions">
        <button type="submit" className="button" disabled={mutation.isPending}>
          {mutation.isPending ? t('common.working') : t('signIn.submit')}
        </button>
      </div>
      <p className="form__note">{t('signIn.forgotten')}</p>
    </form>
  );
}
