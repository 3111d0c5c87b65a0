import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFieldText } from '../../forms/useFieldText.ts';
import {
  checkRecoveryCode,
  checkTotpCode,
  type FieldProblem,
  normaliseRecoveryCode,
  normaliseTotpCode,
} from '../../forms/validation.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useSetSession } from '../session/useSession.ts';
import { answerChallenge } from './mfa-api.ts';

type Mode = 'code' | 'recovery';

/**
 * The second step of signing in: the code of the authenticator app, or (switched to) a recovery code. The answer
 * is the finished session, recorded in the cache with its new CSRF token; the page then moves on.
 */
export function SignInCodeForm({ name }: { name: string }) {
  const { t } = useTranslation();
  const text = useFieldText();
  const setSession = useSetSession();
  const inputRef = useRef<HTMLInputElement>(null);
  const [mode, setMode] = useState<Mode>('code');
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<FieldProblem | undefined>();
  const mutation = useMutation({
    mutationFn: answerChallenge,
    onSuccess: (session) => setSession.signedIn(session),
    onError: () => setValue(''),
  });
  const { reset } = mutation;

  const toggle = () => {
    setMode((current) => (current === 'code' ? 'recovery' : 'code'));
    setValue('');
    setProblem(undefined);
    reset();
    // The new field takes the focus once rendered.
    window.setTimeout(() => inputRef.current?.focus(), 0);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = mode === 'code' ? checkTotpCode(value) : checkRecoveryCode(value);
    setProblem(found);
    if (found !== undefined) {
      inputRef.current?.focus();
      return;
    }
    mutation.mutate(
      mode === 'code' ? { code: normaliseTotpCode(value) } : { recoveryCode: normaliseRecoveryCode(value) ?? value },
    );
  };

  return (
    <form className="form card" onSubmit={submit} noValidate>
      <p>{t(mode === 'code' ? 'signInCode.intro' : 'signInCode.introRecovery', { name })}</p>
      <ErrorAlert
        error={mutation.error}
        messages={{ invalid_code: t(mode === 'code' ? 'signInCode.wrongCode' : 'signInCode.wrongRecoveryCode') }}
      />
      {mode === 'code' ? (
        <TextField
          key="code"
          id="sign-in-code"
          name="code"
          inputRef={inputRef}
          autoComplete="one-time-code"
          inputMode="numeric"
          maxLength={12}
          label={t('signInCode.code')}
          hint={t('signInCode.codeHint')}
          value={value}
          onChange={setValue}
          error={text(problem)}
          required
        />
      ) : (
        <TextField
          key="recovery"
          id="sign-in-recovery-code"
          name="recoveryCode"
          inputRef={inputRef}
          autoComplete="off"
          autoCapitalize="none"
          maxLength={24}
          label={t('signInCode.recoveryCode')}
          hint={t('signInCode.recoveryCodeHint')}
          value={value}
          onChange={setValue}
          error={text(problem)}
          required
        />
      )}
      <div className="form__actions">
        <button type="submit" className="button" disabled={mutation.isPending}>
          {mutation.isPending ? t('common.working') : t('signInCode.submit')}
        </button>
        <button type="button" className="button button--secondary" onClick={toggle}>
          {t(mode === 'code' ? 'signInCode.useRecovery' : 'signInCode.useApp')}
        </button>
      </div>
    </form>
  );
}
