import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PasskeyRegistered } from '../../../contract/mfa.ts';
import { useFieldText } from '../../forms/useFieldText.ts';
import { checkRequired, type FieldProblem } from '../../forms/validation.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import { addPasskey, mfaStatusQuery } from './mfa-api.ts';

/** The contract's limit (PasskeyName): the field stops there rather than have the server refuse. */
const NAME_MAX = 60;

/**
 * Adding a passkey: a name to tell it from the user's others, then the browser's own prompt (fingerprint, face,
 * device PIN or security key). The answer may bring recovery codes, when it is the account's first second factor.
 */
export function PasskeyEnrolmentForm({
  onRegistered,
  onCancel,
}: {
  onRegistered: (registered: PasskeyRegistered) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const text = useFieldText();
  const withStepUp = useStepUp();
  const client = useQueryClient();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<FieldProblem | undefined>();
  const mutation = useMutation({
    mutationFn: (value: string) => addPasskey(value, withStepUp),
    onSuccess: (registered) => {
      // The status may have been fetched before (the step-up prompt asks it which factors to offer).
      void client.invalidateQueries({ queryKey: mfaStatusQuery.queryKey });
      onRegistered(registered);
    },
  });

  // The button that started this is gone: start reading here.
  useEffect(() => headingRef.current?.focus(), []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = checkRequired(name);
    setProblem(found);
    if (found !== undefined) inputRef.current?.focus();
    else mutation.mutate(name.trim());
  };

  return (
    <div className="mfa-enrol">
      <h3 id="passkey-enrol-heading" ref={headingRef} tabIndex={-1} className="section-heading">
        {t('profile.passkeys.enrol.heading')}
      </h3>
      <form className="form" onSubmit={submit} noValidate>
        <p>{t('profile.passkeys.enrol.intro')}</p>
        <ErrorAlert error={mutation.error} messages={{ invalid_passkey: t('profile.passkeys.enrol.refused') }} />
        <TextField
          id="passkey-name"
          name="passkeyName"
          autoComplete="off"
          maxLength={NAME_MAX}
          inputRef={inputRef}
          label={t('profile.passkeys.enrol.name')}
          hint={t('profile.passkeys.enrol.nameHint', { max: NAME_MAX })}
          value={name}
          onChange={setName}
          error={text(problem)}
          required
        />
        <div className="form__actions">
          <button type="submit" className="button" disabled={mutation.isPending}>
            {mutation.isPending ? t('common.working') : t('profile.passkeys.enrol.submit')}
          </button>
          <button type="button" className="button button--secondary" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
