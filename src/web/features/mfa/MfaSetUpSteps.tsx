import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionInfo } from '../../../contract/accounts.ts';
import type { PasskeyRegistered, TotpEnrolment } from '../../../contract/mfa.ts';
import { useStepUp } from '../session/StepUp.tsx';
import { MfaSetUpChoice } from './MfaSetUpChoice.tsx';
import { startTotpEnrolment } from './mfa-api.ts';
import { PasskeyEnrolmentForm } from './PasskeyEnrolmentForm.tsx';
import { RecoveryCodesView } from './RecoveryCodesView.tsx';
import { TotpEnrolmentForm } from './TotpEnrolmentForm.tsx';

type View =
  | { readonly kind: 'intro' }
  | { readonly kind: 'enrolling'; readonly enrolment: TotpEnrolment }
  | { readonly kind: 'passkey' }
  | { readonly kind: 'codes'; readonly codes: readonly string[]; readonly reason: 'enrolled' | 'passkey' };

/**
 * The required set-up of two-factor authentication at sign-in: why it is needed and a choice of two ways, then
 * the same steps as on the profile (an app: QR code or key, first code; a passkey: a name, the browser's prompt),
 * then the recovery codes, shown once. `onEnrolled` tells that the codes are shown (the session now counts as
 * signed in), `onDone` that the user saved them.
 */
export function MfaSetUpSteps({
  user,
  onEnrolled,
  onDone,
}: {
  user: SessionInfo['user'];
  onEnrolled: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const withStepUp = useStepUp();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const returned = useRef(false);
  const [view, setView] = useState<View>({ kind: 'intro' });
  const start = useMutation({
    mutationFn: () => withStepUp(startTotpEnrolment),
    onSuccess: (enrolment) => setView({ kind: 'enrolling', enrolment }),
  });

  // Back at the start after cancelling (its button is gone): focus the heading.
  useEffect(() => {
    if (view.kind === 'intro' && returned.current) headingRef.current?.focus();
  }, [view]);

  const cancel = () => {
    returned.current = true;
    start.reset();
    setView({ kind: 'intro' });
  };

  const enrolled = (codes: readonly string[], reason: 'enrolled' | 'passkey' = 'enrolled') => {
    setView({ kind: 'codes', codes, reason });
    onEnrolled();
  };

  const passkeyRegistered = ({ recoveryCodes }: PasskeyRegistered) => {
    if (recoveryCodes !== null) return enrolled(recoveryCodes, 'passkey');
    // No codes: the account had a second factor already (set up meanwhile elsewhere), so there is nothing to save.
    onEnrolled();
    onDone();
  };

  return (
    <section className="card" aria-labelledby="mfa-set-up-heading">
      <h2 id="mfa-set-up-heading" ref={headingRef} tabIndex={-1} className="section-heading">
        {t('profile.mfa.heading')}
      </h2>
      {view.kind === 'intro' && (
        <MfaSetUpChoice
          user={user}
          error={start.error}
          appPending={start.isPending}
          onApp={() => start.mutate()}
          onPasskey={() => setView({ kind: 'passkey' })}
        />
      )}
      {view.kind === 'enrolling' && (
        <TotpEnrolmentForm enrolment={view.enrolment} onEnrolled={(codes) => enrolled(codes)} onCancel={cancel} />
      )}
      {view.kind === 'passkey' && <PasskeyEnrolmentForm onRegistered={passkeyRegistered} onCancel={cancel} />}
      {view.kind === 'codes' && <RecoveryCodesView codes={view.codes} reason={view.reason} onDone={onDone} />}
    </section>
  );
}
