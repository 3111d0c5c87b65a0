import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TotpEnrolment } from '../../../contract/mfa.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import { SESSION_KEY } from '../session/session-api.ts';
import { useSession } from '../session/useSession.ts';
import { MfaStatusFacts } from './MfaStatusFacts.tsx';
import { mfaStatusQuery, renewRecoveryCodes, startTotpEnrolment } from './mfa-api.ts';
import { RecoveryCodesView } from './RecoveryCodesView.tsx';
import { TotpEnrolmentForm } from './TotpEnrolmentForm.tsx';

type View =
  | { readonly kind: 'status' }
  | { readonly kind: 'enrolling'; readonly enrolment: TotpEnrolment }
  | { readonly kind: 'codes'; readonly codes: readonly string[]; readonly reason: 'enrolled' | 'renewed' };

/**
 * The profile's section on two-factor authentication: its status; setting up an authenticator app (which may be
 * cancelled until confirmed); new recovery codes. Both start with a step-up when the server asks for one.
 */
export function TwoFactorSection() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const withStepUp = useStepUp();
  const status = useQuery(mfaStatusQuery);
  // Every role but reporter must keep a second factor (the server sends the others to set one up first). Read
  // without insisting on a signed-in session: a failed request may just have turned it into a confined one.
  const session = useSession();
  const required = session !== undefined && session.status !== 'signed-out' && session.session.user.role !== 'reporter';
  const headingRef = useRef<HTMLHeadingElement>(null);
  const returned = useRef(false);
  const [view, setView] = useState<View>({ kind: 'status' });
  const refresh = () => client.invalidateQueries({ queryKey: mfaStatusQuery.queryKey });
  const start = useMutation({
    mutationFn: () => withStepUp(startTotpEnrolment),
    onSuccess: (enrolment) => setView({ kind: 'enrolling', enrolment }),
  });
  const renew = useMutation({
    mutationFn: () => withStepUp(renewRecoveryCodes),
    onSuccess: ({ recoveryCodes }) => setView({ kind: 'codes', codes: recoveryCodes, reason: 'renewed' }),
    onSettled: refresh,
  });

  // Back at the status from a view whose buttons are gone: focus the section's heading.
  useEffect(() => {
    if (view.kind === 'status' && returned.current) headingRef.current?.focus();
  }, [view]);

  const backToStatus = () => {
    returned.current = true;
    start.reset();
    renew.reset();
    setView({ kind: 'status' });
  };

  const enrolled = (codes: readonly string[]) => {
    setView({ kind: 'codes', codes, reason: 'enrolled' });
    void refresh();
    // This session now counts as having given its second factor (the step-up prompt then offers the code).
    void client.invalidateQueries({ queryKey: SESSION_KEY });
  };

  return (
    <section className="card" aria-labelledby="mfa-heading">
      <h2 id="mfa-heading" ref={headingRef} tabIndex={-1} className="section-heading">
        {t('profile.mfa.heading')}
      </h2>
      {view.kind === 'enrolling' && (
        <TotpEnrolmentForm enrolment={view.enrolment} onEnrolled={enrolled} onCancel={backToStatus} />
      )}
      {view.kind === 'codes' && <RecoveryCodesView codes={view.codes} reason={view.reason} onDone={backToStatus} />}
      {view.kind === 'status' && (
        <>
          <p>{t('profile.mfa.intro')}</p>
          {status.isPending && <p>{t('common.loading')}</p>}
          {status.isError && <ErrorAlert error={status.error} />}
          <ErrorAlert error={start.error ?? renew.error} />
          {status.isSuccess && <MfaStatusFacts status={status.data} />}
          {status.isSuccess && !status.data.totp.enrolled && (
            <p>
              <button type="button" className="button" onClick={() => start.mutate()} disabled={start.isPending}>
                {start.isPending ? t('common.working') : t('profile.mfa.setUp')}
              </button>
            </p>
          )}
          {status.isSuccess && status.data.totp.enrolled && (
            <>
              {required && <p>{t('profile.mfa.required')}</p>}
              <p className="mfa-note">
                <span id="mfa-renew-hint">{t('profile.mfa.renewHint')}</span>{' '}
                <span id="mfa-replace-hint">{t('profile.mfa.replaceHint')}</span>
              </p>
              <p className="form__actions">
                <button
                  type="button"
                  className="button button--secondary"
                  aria-describedby="mfa-renew-hint"
                  onClick={() => renew.mutate()}
                  disabled={renew.isPending}
                >
                  {renew.isPending ? t('common.working') : t('profile.mfa.renew')}
                </button>
                <button
                  type="button"
                  className="button button--secondary"
                  aria-describedby="mfa-replace-hint"
                  onClick={() => start.mutate()}
                  disabled={start.isPending}
                >
                  {start.isPending ? t('common.working') : t('profile.mfa.replace')}
                </button>
              </p>
            </>
          )}
        </>
      )}
    </section>
  );
}
