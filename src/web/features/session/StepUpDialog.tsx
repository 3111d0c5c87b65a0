import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFieldText } from '../../forms/useFieldText.ts';
import { checkRequired, checkTotpCode, type FieldProblem, normaliseTotpCode } from '../../forms/validation.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { startSsoStepUp } from '../sso/sso-api.ts';
import { type StepUpProof, stepUp, stepUpWithPasskey } from './session-api.ts';

type Method = 'password' | 'code';

/** The user's second factors, offered as alternatives to the password. */
export interface StepUpAlternatives {
  /** An authenticator app: its code may stand in for the password. */
  readonly code: boolean;
  /** One or more passkeys: the browser's prompt may stand in for the password. */
  readonly passkey: boolean;
  /** Linked to single sign-on: the provider's name, where a fresh sign-in there may stand in for the password. */
  readonly sso: string | null;
}

/**
 * A modal asking for the password before a sensitive action, or, for a user with an authenticator app, one of
 * its codes instead, or, for a user with passkeys, one of them (no field: the browser asks). The native <dialog>
 * keeps focus inside, closes on Escape (= cancel) and gives focus back to where it was.
 */
export function StepUpDialog({
  open,
  alternatives,
  onConfirmed,
  onCancel,
}: {
  open: boolean;
  alternatives: StepUpAlternatives;
  onConfirmed: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const text = useFieldText();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [method, setMethod] = useState<Method>('password');
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<FieldProblem | undefined>();
  // Leaves the page for the provider, which sends the browser back here; the action is then done again.
  const atProvider = useMutation({ mutationFn: startSsoStepUp });
  const mutation = useMutation({
    mutationFn: (proof: StepUpProof | 'passkey') => (proof === 'passkey' ? stepUpWithPasskey() : stepUp(proof)),
    onSuccess: () => onConfirmed(),
    onError: () => setValue(''),
  });
  const { reset } = mutation;

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog === null) return;
    if (open && !dialog.open) {
      setMethod('password');
      setValue('');
      setProblem(undefined);
      reset();
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open, reset]);

  const switchMethod = () => {
    setMethod((current) => (current === 'password' ? 'code' : 'password'));
    setValue('');
    setProblem(undefined);
    reset();
    // The new field takes the focus once rendered.
    window.setTimeout(() => inputRef.current?.focus(), 0);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = method === 'password' ? (value === '' ? checkRequired(value) : undefined) : checkTotpCode(value);
    setProblem(found);
    if (found !== undefined) inputRef.current?.focus();
    else mutation.mutate(method === 'password' ? { password: value } : { code: normaliseTotpCode(value) });
  };

  const wrong = method === 'password' ? t('stepUp.wrongPassword') : t('stepUp.wrongCode');
  const messages = { invalid_credentials: wrong, invalid_code: wrong, invalid_passkey: t('stepUp.wrongPasskey') };
  return (
    <dialog
      ref={dialogRef}
      className="dialog"
      aria-labelledby="step-up-heading"
      aria-describedby="step-up-intro"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <form className="form" onSubmit={submit} noValidate>
        <h2 id="step-up-heading">{method === 'password' ? t('stepUp.heading') : t('stepUp.headingCode')}</h2>
        <p id="step-up-intro">{method === 'password' ? t('stepUp.intro') : t('stepUp.introCode')}</p>
        <ErrorAlert error={mutation.error ?? atProvider.error} messages={messages} />
        {open && method === 'password' && (
          <TextField
            key="password"
            id="step-up-password"
            name="password"
            type="password"
            autoComplete="current-password"
            inputRef={inputRef}
            label={t('password.password')}
            value={value}
            onChange={setValue}
            error={text(problem)}
            required
          />
        )}
        {open && method === 'code' && (
          <TextField
            key="code"
            id="step-up-code"
            name="code"
            autoComplete="one-time-code"
            inputMode="numeric"
            maxLength={12}
            inputRef={inputRef}
            label={t('stepUp.code')}
            value={value}
            onChange={setValue}
            error={text(problem)}
            required
          />
        )}
        {(alternatives.code || alternatives.passkey || alternatives.sso !== null) && (
          <p className="form__note form__actions">
            {alternatives.sso !== null && (
              <button
                type="button"
                className="button button--secondary button--small"
                title={t('sso.stepUpHint', { provider: alternatives.sso })}
                onClick={() => atProvider.mutate()}
                disabled={atProvider.isPending}
              >
                {t('sso.stepUp', { provider: alternatives.sso })}
              </button>
            )}
            {alternatives.passkey && (
              <button
                type="button"
                className="button button--secondary button--small"
                onClick={() => mutation.mutate('passkey')}
                disabled={mutation.isPending}
              >
                {mutation.isPending && mutation.variables === 'passkey' ? t('common.working') : t('stepUp.usePasskey')}
              </button>
            )}
            {alternatives.code && (
              <button type="button" className="button button--secondary button--small" onClick={switchMethod}>
                {method === 'password' ? t('stepUp.useCode') : t('stepUp.usePassword')}
              </button>
            )}
          </p>
        )}
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {t('stepUp.confirm')}
          </button>
          <button type="button" className="button button--secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
