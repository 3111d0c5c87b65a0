import { Link, Outlet } from '@tanstack/react-router';
import { useTranslation } from 'react-i18next';
import { CONTENT_ROLES } from '../../contract/accounts.ts';
import { TRIAGE_ROLES } from '../../contract/reports.ts';
import { NotificationBell } from '../features/notifications/NotificationBell.tsx';
import { UserMenu } from '../features/session/UserMenu.tsx';
import { CONFINED_PAGES } from '../features/session/useConfinedSession.ts';
import { useSession } from '../features/session/useSession.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { useFocusOnNavigation } from './useFocusOnNavigation.ts';

/** The frame of every page: skip link, header with product name, navigation, main content, footer. */
export function AppLayout() {
  const { t } = useTranslation();
  const session = useSession();
  const user = session?.status === 'signed-in' ? session.session.user : undefined;
  useFocusOnNavigation();

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('skipLink')}
      </a>
      <header className="site-header">
        <div className="site-header__inner container">
          <p className="brand">
            <svg className="brand__mark" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
              <path d="M16 2 4 6.5v8.2C4 22.4 9.1 28.2 16 30c6.9-1.8 12-7.6 12-15.3V6.5L16 2z" />
              <path className="brand__tick" d="m11.5 15.8 3.3 3.3 6-6.2" />
            </svg>
            <span className="brand__text">
              <span className="brand__name">{t('app.name')}</span>
              <span className="brand__full-name">{t('app.fullName')}</span>
            </span>
          </p>
          <div className="site-header__tools">
            {/* Mounted anew for each user and role: its event stream belongs to one session. */}
            {user !== undefined && CONTENT_ROLES.includes(user.role) && (
              <NotificationBell key={`${user.id}:${user.role}`} />
            )}
            {session?.status === 'signed-in' && <UserMenu session={session.session} />}
            <LanguageSwitch />
          </div>
        </div>
        <nav className="site-nav" aria-label={t('nav.label')}>
          <ul className="site-nav__list container">
            <li>
              <Link to="/" className="site-nav__link" activeOptions={{ exact: true }}>
                {user !== undefined && CONTENT_ROLES.includes(user.role) ? t('dashboard.nav') : t('nav.overview')}
              </Link>
            </li>
            {user !== undefined && CONTENT_ROLES.includes(user.role) && (
              <li>
                <Link to="/cases" className="site-nav__link">
                  {t('nav.cases')}
                </Link>
              </li>
            )}
            {user !== undefined && TRIAGE_ROLES.includes(user.role) && (
              <li>
                <Link to="/triage" className="site-nav__link">
                  {t('nav.triage')}
                </Link>
              </li>
            )}
            {user !== undefined && (
              <li>
                <Link to="/reports" className="site-nav__link">
                  {t('nav.myReports')}
                </Link>
              </li>
            )}
            {user !== undefined && (user.role === 'admin' || CONTENT_ROLES.includes(user.role)) && (
              <li>
                <Link to="/models" className="site-nav__link">
                  {t('nav.models')}
                </Link>
              </li>
            )}
            {user?.role === 'admin' && (
              <li>
                <Link to="/admin/users" className="site-nav__link">
                  {t('nav.users')}
                </Link>
              </li>
            )}
            {user?.role === 'team_lead' && (
              <li>
                <Link to="/approvals" className="site-nav__link">
                  {t('nav.approvals')}
                </Link>
              </li>
            )}
            {user?.role === 'auditor' && (
              <li>
                <Link to="/audit" className="site-nav__link">
                  {t('nav.audit')}
                </Link>
              </li>
            )}
            {user !== undefined && (
              <li>
                <Link to="/profile" className="site-nav__link">
                  {t('nav.profile')}
                </Link>
              </li>
            )}
            {session?.status === 'signed-out' && (
              <li>
                <Link to="/sign-in" className="site-nav__link">
                  {t('nav.signIn')}
                </Link>
              </li>
            )}
            {user === undefined && (
              <li>
                <Link to="/report" className="site-nav__link">
                  {t('nav.report')}
                </Link>
              </li>
            )}
            {(session?.status === 'challenge' || session?.status === 'enrol') && (
              <li>
                <Link to={CONFINED_PAGES[session.status]} className="site-nav__link">
                  {t('nav.signIn')}
                </Link>
              </li>
            )}
          </ul>
        </nav>
      </header>
      <main id="main" className="site-main container" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="site-footer">
        <p className="container">{t('footer.release', { version: __TMA_VERSION__ })}</p>
      </footer>
    </div>
  );
}
