import { Link } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '../features/session/useSession.ts';
import { HealthStatus } from '../health/HealthStatus.tsx';
import { useDocumentTitle } from '../layout/useDocumentTitle.ts';

export function HomePage() {
  const { t } = useTranslation();
  useDocumentTitle(t('home.title'));
  const session = useSession();

  return (
    <>
      <section className="intro" aria-labelledby="home-heading">
        <h1 id="home-heading" tabIndex={-1}>
          {t('home.heading')}
        </h1>
        <p className="intro__text">{t('home.intro')}</p>
        {session?.status === 'signed-in' && (
          <p className="intro__text">
            {t('home.signedIn', {
              name: session.session.user.displayName,
              role: t(`roles.${session.session.user.role}`),
            })}
          </p>
        )}
        {session?.status === 'challenge' && (
          <p className="intro__text">
            {t('home.codeDue')} <Link to="/sign-in/code">{t('signIn.toCode')}</Link>
          </p>
        )}
        {session?.status === 'enrol' && (
          <p className="intro__text">
            {t('home.setUpDue')} <Link to="/sign-in/set-up">{t('signIn.toSetUp')}</Link>
          </p>
        )}
        {session?.status === 'signed-out' && (
          <p className="intro__text">
            {t('home.signedOut')} <Link to="/sign-in">{t('nav.signIn')}</Link>
          </p>
        )}
      </section>
      <HealthStatus />
    </>
  );
}
