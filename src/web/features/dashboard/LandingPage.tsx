import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { CONTENT_ROLES, type Role } from '../../../contract/accounts.ts';
import { HomePage } from '../../pages/HomePage.tsx';
import { sessionQuery } from '../session/session-api.ts';

/** The dashboard's code loads on first use: those who never see it (signed out, other roles) never fetch it. */
export const loadDashboard = () => import('./DashboardPage.tsx');
const DashboardPage = lazy(() => loadDashboard().then((m) => ({ default: m.DashboardPage })));

/** Whose start page ("/") is the dashboard: the roles with case content. */
export const hasDashboard = (role: Role): boolean => CONTENT_ROLES.includes(role);

/**
 * The start page: for a signed-in threat manager, team lead or expert the dashboard; for everyone
 * else (signed out, or a role without case content) the overview of TMA, as before. Until the
 * session is known, neither (no overview flashing by on the way to the dashboard); if it cannot be
 * asked for, the overview, whose health status says why. Signing out on the dashboard leaves the
 * browser here, on the overview, which anyone may see.
 */
export function LandingPage() {
  const { t } = useTranslation();
  const session = useQuery(sessionQuery);
  if (session.isPending) return <p>{t('common.loading')}</p>;
  const user = session.data?.status === 'signed-in' ? session.data.session.user : undefined;
  if (user === undefined || !hasDashboard(user.role)) return <HomePage />;
  return (
    <Suspense fallback={<p>{t('common.loading')}</p>}>
      <DashboardPage key={user.id} user={user} />
    </Suspense>
  );
}
