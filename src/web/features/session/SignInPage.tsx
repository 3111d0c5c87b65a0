import { Link, useRouter } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import type { SessionInfo } from '../../../contract/accounts.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { SsoSignIn } from '../sso/SsoSignIn.tsx';
import { landingPath } from './landing.ts';
import { PasskeySignIn } from './PasskeySignIn.tsx';
import { safeRedirect } from './redirect.ts';
import { SignInForm } from './SignInForm.tsx';
import { CONFINED_PAGES } from './useConfinedSession.ts';
import { useSession } from './useSession.ts';

export const SIGN_IN_NOTICES = ['expired', 'signed_out', 'password_changed', 'password_set'] as const;
export type SignInNotice = (typeof SIGN_IN_NOTICES)[number];

export interface SignInSearch {
  readonly redirect?: string;
  readonly notice?: SignInNotice;
}

export function SignInPage({ search }: { search: SignInSearch }) {
  const { t } = useTranslation();
  useDocumentTitle(t('signIn.title'));
  const router = useRouter();
  const session = useSession();
  const redirect = safeRedirect(search.redirect);

  const onSignedIn = (info: SessionInfo) => {
    // With a second factor, the code page comes first; without one the role requires, the set-up page. Either
    // goes on to the page asked for. (A passkey alone is both factors: on at once.)
    if (info.mfa === 'challenge' || info.mfa === 'enrol') {
      const next = redirect === undefined ? {} : { redirect };
      void router.navigate({ to: CONFINED_PAGES[info.mfa], search: next });
      return;
    }
    router.history.push(redirect ?? landingPath(info.user.role));
  };

  return (
    <section className="page page--narrow" aria-labelledby="sign-in-heading">
      <Heading id="sign-in-heading">{t('signIn.heading')}</Heading>
      {search.notice === 'expired' && (
        <Alert tone="warning" title={t('signIn.notice.expiredTitle')}>
          <p>{t('signIn.notice.expired')}</p>
        </Alert>
      )}
      {search.notice !== undefined && search.notice !== 'expired' && (
        <Alert tone={search.notice === 'password_set' ? 'success' : 'info'}>
          <p>{t(`signIn.notice.${search.notice}`)}</p>
        </Alert>
      )}
      {session?.status === 'signed-in' && (
        <Alert tone="info">
          <p>{t('signIn.alreadySignedIn', { name: session.session.user.displayName })}</p>
          <p>
            <Link to={landingPath(session.session.user.role)}>{t('signIn.continue')}</Link>
          </p>
        </Alert>
      )}
      {session?.status === 'challenge' && (
        <Alert tone="info">
          <p>{t('signIn.codeDue', { name: session.session.user.displayName })}</p>
          <p>
            <Link to="/sign-in/code" search={redirect === undefined ? {} : { redirect }}>
              {t('signIn.toCode')}
            </Link>
          </p>
        </Alert>
      )}
      {session?.status === 'enrol' && (
        <Alert tone="info">
          <p>{t('signIn.setUpDue', { name: session.session.user.displayName })}</p>
          <p>
            <Link to="/sign-in/set-up" search={redirect === undefined ? {} : { redirect }}>
              {t('signIn.toSetUp')}
            </Link>
          </p>
        </Alert>
      )}
      {(session === undefined || session.status === 'signed-out') && (
        <>
          <SignInForm onSignedIn={onSignedIn} />
          <PasskeySignIn onSignedIn={onSignedIn} />
          <SsoSignIn />
          <section className="card" aria-labelledby="report-concern-heading">
            <h2 id="report-concern-heading">{t('signIn.report.heading')}</h2>
            <p>{t('signIn.report.intro')}</p>
            <p className="page__next">
              <Link to="/report">{t('signIn.report.link')}</Link>
            </p>
          </section>
        </>
      )}
    </section>
  );
}
