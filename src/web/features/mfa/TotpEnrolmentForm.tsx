import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TotpEnrolment } from '../../../contract/mfa.ts';
import { useFieldText } from '../../forms/useFieldText.ts';
import { checkTotpCode, type FieldProblem, normaliseTotpCode } from '../../forms/validation.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { TextField } from '../../ui/TextField.tsx';
import { useDateTime } from '../../ui/useDateTime.ts';
import { useStepUp } from '../session/StepUp.tsx';
import { confirmTotpEnrolment, mfaStatusQuery } from './mfa-api.ts';
import { QrCodeImage } from './QrCodeImage.tsx';
import { SecretKeyBox } from './SecretKeyBox.tsx';

/**
 * A started enrolment, step by step: get an app, scan the QR code (or type the key), confirm with the code the
 * app then shows. Confirming switches two-factor authentication on and hands over the recovery codes.
 */
export function TotpEnrolmentForm({
  enrolment,
  onEnrolled,
  onCancel,
}: {
  enrolment: TotpEnrolment;
  onEnrolled: (recoveryCodes: readonly string[]) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const text = useFieldText();
  const dateTime = useDateTime();
  const withStepUp = useStepUp();
  const client = useQueryClient();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<FieldProblem | undefined>();
  const mutation = useMutation({
    mutationFn: (value: string) => withStepUp(() => confirmTotpEnrolment(value)),
    onSuccess: ({ recoveryCodes }) => {
      // The status may have been fetched before (the step-up prompt asks it which factors to offer).
      void client.invalidateQueries({ queryKey: mfaStatusQuery.queryKey });
      onEnrolled(recoveryCodes);
    },
    onError: () => setCode(''),
  });

  // The button that started this is gone: start reading here.
  useEffect(() => headingRef.current?.focus(), []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = checkTotpCode(code);
    setProblem(found);
    if (found !== undefined) inputRef.current?.focus();
    else mutation.mutate(normaliseTotpCode(code));
  };

  return (
    <div className="mfa-enrol">
      <h3 id="totp-enrol-heading" ref={headingRef} tabIndex={-1} className="section-heading">
        {t('profile.mfa.enrol.heading')}
      </h3>
      <ol className="mfa-steps">
        <li>
          <p>{t('profile.mfa.enrol.step1')}</p>
        </li>
        <li>
          <p>{t('profile.mfa.enrol.step2')}</p>
          <QrCodeImage text={enrolment.uri} alt={t('profile.mfa.enrol.qrAlt')} />
          <p>
            <a href={enrolment.uri}>{t('profile.mfa.enrol.openApp')}</a>
          </p>
          <p>{t('profile.mfa.enrol.manual')}</p>
          <SecretKeyBox secret={enrolment.secret} />
        </li>
        <li>
          <form className="form" onSubmit={submit} noValidate>
            <p>{t('profile.mfa.enrol.step3')}</p>
            <ErrorAlert
              error={mutation.error}
              messages={{
                invalid_code: t('profile.mfa.enrol.wrongCode'),
                enrolment_expired: t('profile.mfa.enrol.expired'),
                enrolment_replaced: t('profile.mfa.enrol.replaced'),
              }}
            />
            <TextField
              id="totp-confirm-code"
              name="code"
              autoComplete="one-time-code"
              inputMode="numeric"
              maxLength={12}
              inputRef={inputRef}
              label={t('profile.mfa.code')}
              hint={t('profile.mfa.enrol.expires', { time: dateTime(enrolment.expiresAt) })}
              value={code}
              onChange={setCode}
              error={text(problem)}
              required
            />
            <div className="form__actions">
              <button type="submit" className="button" disabled={mutation.isPending}>
                {mutation.isPending ? t('common.working') : t('profile.mfa.enrol.submit')}
              </button>
              <button type="button" className="button button--secondary" onClick={onCancel}>
                {t('common.cancel')}
              </button>
            </div>
          </form>
        </li>
      </ol>
    </div>
  );
}
