import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { Heading } from '../../ui/Heading.tsx';
import { SignOutCard } from '../session/SignOutCard.tsx';
import { StepUpProvider } from '../session/StepUp.tsx';
import { SESSION_KEY } from '../session/session-api.ts';
import { useConfinedSession } from '../session/useConfinedSession.ts';
import { MfaSetUpSteps } from './MfaSetUpSteps.tsx';

export interface SignInSetUpSearch {
  readonly redirect?: string;
}

/**
 * The set-up page, for a session whose password was right and whose role requires two-factor authentication,
 * which the account does not have yet (the route lets no other session in). Once set up, and once the user
 * saved the recovery codes, on to the page asked for; if the session ends, back to the sign-in page.
 */
export function SignInSetUpPage({ search }: { search: SignInSetUpSearch }) {
  const { t } = useTranslation();
  useDocumentTitle(t('signInSetUp.title'));
  const client = useQueryClient();
  // From the confirmation on, the session counts as signed in; the page stays until the codes are saved.
  const [codesShown, setCodesShown] = useState(false);
  const session = useConfinedSession('enrol', search.redirect, codesShown);

  const done = () => {
    setCodesShown(false);
    void client.invalidateQueries({ queryKey: SESSION_KEY });
  };

  if (session === undefined || !(session.status === 'enrol' || (codesShown && session.status === 'signed-in')))
    return null;
  return (
    <section className="page page--narrow" aria-labelledby="sign-in-set-up-heading">
      <Heading id="sign-in-set-up-heading">{t('signInSetUp.heading')}</Heading>
      <StepUpProvider>
        <MfaSetUpSteps user={session.session.user} onEnrolled={() => setCodesShown(true)} onDone={done} />
      </StepUpProvider>
      {session.status === 'enrol' && <SignOutCard text={t('signInSetUp.later')} />}
    </section>
  );
}
