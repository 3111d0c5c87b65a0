import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionInfo } from '../../../contract/accounts.ts';
import type { TotpEnrolment } from '../../../contract/mfa.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { useStepUp } from '../session/StepUp.tsx';
import { startTotpEnrolment } from './mfa-api.ts';
import { RecoveryCodesView } from './RecoveryCodesView.tsx';
import { TotpEnrolmentForm } from './TotpEnrolmentForm.tsx';

type View =
  | { readonly kind: 'intro' }
  | { readonly kind: 'enrolling'; readonly enrolment: TotpEnrolment }
  | { readonly kind: 'codes'; readonly codes: readonly string[] };

/**
 * The required set-up of two-factor authentication at sign-in: why it is needed, then the same steps as on the
 * profile (app, QR code or key, first code), then the recovery codes, shown once. `onEnrolled` tells that the
 * codes are shown (the session now counts as signed in), `onDone` that the user saved them.
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

  const enrolled = (codes: readonly string[]) => {
    setView({ kind: 'codes', codes });
    onEnrolled();
  };

  return (
    <section className="card" aria-labelledby="mfa-set-up-heading">
      <h2 id="mfa-set-up-heading" ref={headingRef} tabIndex={-1} className="section-heading">
        {t('profile.mfa.heading')}
      </h2>
      {view.kind === 'intro' && (
        <>
          <p>{t('signInSetUp.why', { name: user.displayName, role: t(`roles.${user.role}`) })}</p>
          <p>{t('signInSetUp.need')}</p>
          <ErrorAlert error={start.error} />
          <p>
            <button type="button" className="button" onClick={() => start.mutate()} disabled={start.isPending}>
              {start.isPending ? t('common.working') : t('signInSetUp.start')}
            </button>
          </p>
        </>
      )}
      {view.kind === 'enrolling' && (
        <TotpEnrolmentForm enrolment={view.enrolment} onEnrolled={enrolled} onCancel={cancel} />
      )}
      {view.kind === 'codes' && <RecoveryCodesView codes={view.codes} reason="enrolled" onDone={onDone} />}
    </section>
  );
}
