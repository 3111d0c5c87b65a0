import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PasskeyRegistered, TotpEnrolment } from '../../../contract/mfa.ts';
import { Alert } from '../../ui/Alert.tsx';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import { SESSION_KEY } from '../session/session-api.ts';
import { useSession } from '../session/useSession.ts';
import { MfaStatusFacts } from './MfaStatusFacts.tsx';
import { mfaStatusQuery, renewRecoveryCodes, startTotpEnrolment } from './mfa-api.ts';
import { PasskeyEnrolmentForm } from './PasskeyEnrolmentForm.tsx';
import { PasskeysPart } from './PasskeysPart.tsx';
import { type RecoveryCodesReason, RecoveryCodesView } from './RecoveryCodesView.tsx';
import { TotpEnrolmentForm } from './TotpEnrolmentForm.tsx';

type View =
  | { readonly kind: 'status' }
  | { readonly kind: 'enrolling'; readonly enrolment: TotpEnrolment }
  | { readonly kind: 'addingPasskey' }
  | { readonly kind: 'codes'; readonly codes: readonly string[]; readonly reason: RecoveryCodesReason };

/**
 * The profile's section on two-factor authentication: its status; setting up an authenticator app (which may be
 * cancelled until confirmed); new recovery codes; the passkeys, to add and remove. Each starts with a step-up
 * when the server asks for one.
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
  /** What just happened to a passkey, said (and focused) at the status; it takes the focus from the heading. */
  const [notice, setNotice] = useState<string | null>(null);
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

  const backToStatus = (news: string | null = null) => {
    returned.current = news === null;
    setNotice(news);
    start.reset();
    renew.reset();
    setView({ kind: 'status' });
  };

  const enrolled = (codes: readonly string[], reason: RecoveryCodesReason = 'enrolled') => {
    setView({ kind: 'codes', codes, reason });
    void refresh();
    // This session now counts as having given its second factor (the step-up prompt then offers the code).
    void client.invalidateQueries({ queryKey: SESSION_KEY });
  };

  const passkeyAdded = ({ passkey, recoveryCodes }: PasskeyRegistered) => {
    if (recoveryCodes !== null) return enrolled(recoveryCodes, 'passkey');
    void refresh();
    backToStatus(t('profile.passkeys.added', { name: passkey.name }));
  };

  const secondFactor = status.isSuccess && (status.data.totp.enrolled || status.data.passkeys.length > 0);

  return (
    <section className="card mfa-section" aria-labelledby="mfa-heading">
      <h2 id="mfa-heading" ref={headingRef} tabIndex={-1} className="section-heading">
        {t('profile.mfa.heading')}
      </h2>
      {view.kind === 'enrolling' && (
        <TotpEnrolmentForm
          enrolment={view.enrolment}
          onEnrolled={(codes) => enrolled(codes)}
          onCancel={() => backToStatus()}
        />
      )}
      {view.kind === 'addingPasskey' && (
        <PasskeyEnrolmentForm onRegistered={passkeyAdded} onCancel={() => backToStatus()} />
      )}
      {view.kind === 'codes' && (
        <RecoveryCodesView codes={view.codes} reason={view.reason} onDone={() => backToStatus()} />
      )}
      {view.kind === 'status' && (
        <>
          <p>{t('profile.mfa.intro')}</p>
          {notice !== null && (
            <Alert tone="success" focus focusKey={notice}>
              <p>{notice}</p>
            </Alert>
          )}
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
          {secondFactor && required && <p>{t('profile.mfa.required')}</p>}
          {secondFactor && status.isSuccess && (
            <>
              <p className="mfa-note">
                <span id="mfa-renew-hint">{t('profile.mfa.renewHint')}</span>
                {status.data.totp.enrolled && (
                  <>
                    {' '}
                    <span id="mfa-replace-hint">{t('profile.mfa.replaceHint')}</span>
                  </>
                )}
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
                {status.data.totp.enrolled && (
                  <button
                    type="button"
                    className="button button--secondary"
                    aria-describedby="mfa-replace-hint"
                    onClick={() => start.mutate()}
                    disabled={start.isPending}
                  >
                    {start.isPending ? t('common.working') : t('profile.mfa.replace')}
                  </button>
                )}
              </p>
            </>
          )}
          {status.isSuccess && (
            <PasskeysPart
              passkeys={status.data.passkeys}
              onAdd={() => {
                setNotice(null);
                setView({ kind: 'addingPasskey' });
              }}
              onNotice={setNotice}
            />
          )}
        </>
      )}
    </section>
  );
}
