import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { stepUp } from './session-api.ts';

/**
 * A modal asking for the password before a sensitive action. The native <dialog> keeps focus inside, closes
 * on Escape (= cancel) and gives focus back to where it was.
 */
export function StepUpDialog({
  open,
  onConfirmed,
  onCancel,
}: {
  open: boolean;
  onConfirmed: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [password, setPassword] = useState('');
  const [empty, setEmpty] = useState(false);
  const mutation = useMutation({
    mutationFn: stepUp,
    onSuccess: () => onConfirmed(),
    onError: () => setPassword(''),
  });
  const { reset } = mutation;

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog === null) return;
    if (open && !dialog.open) {
      setPassword('');
      setEmpty(false);
      reset();
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open, reset]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setEmpty(password === '');
    if (password !== '') mutation.mutate(password);
  };

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
        <h2 id="step-up-heading">{t('stepUp.heading')}</h2>
        <p id="step-up-intro">{t('stepUp.intro')}</p>
        <ErrorAlert error={mutation.error} messages={{ invalid_credentials: t('stepUp.wrongPassword') }} />
        {open && (
          <TextField
            id="step-up-password"
            name="password"
            type="password"
            autoComplete="current-password"
            label={t('password.password')}
            value={password}
            onChange={setPassword}
            error={empty ? t('validation.required') : undefined}
            required
          />
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
