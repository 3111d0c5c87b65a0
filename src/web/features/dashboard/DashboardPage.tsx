import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { SessionInfo } from '../../../contract/accounts.ts';
import { useDocumentTitle } from '../../layout/useDocumentTitle.ts';
import { ErrorAlert } from '../../ui/ErrorAlert.tsx';
import { Heading } from '../../ui/Heading.tsx';
import { ActivitySection } from './ActivitySection.tsx';
import { dashboardQuery } from './dashboard-api.ts';
import { MyCasesSection } from './MyCasesSection.tsx';
import { ReportsSection } from './ReportsSection.tsx';
import { ReviewsSection } from './ReviewsSection.tsx';
import { TeamSection } from './TeamSection.tsx';
import { TodaySection } from './TodaySection.tsx';
import './dashboard.css';

/**
 * The landing page of threat managers, team leads and experts (docs/dashboard.md): what needs them
 * today, their cases and what happened in them; reports and their deadlines for the triage roles,
 * the team's cases without a lead and the ageing ones for team leads. Each part is there only when
 * the server sends it.
 */
export function DashboardPage({ user }: { user: SessionInfo['user'] }) {
  const { t } = useTranslation();
  useDocumentTitle(t('dashboard.title'));
  const dashboard = useQuery(dashboardQuery);
  const data = dashboard.data;

  return (
    <section className="page dash" aria-labelledby="dashboard-heading">
      <Heading id="dashboard-heading">{t('dashboard.heading')}</Heading>
      <p className="page__intro">{t('home.signedIn', { name: user.displayName, role: t(`roles.${user.role}`) })}</p>
      {dashboard.isPending && <p>{t('common.loading')}</p>}
      {dashboard.isError && <ErrorAlert error={dashboard.error} />}
      {data !== undefined && (
        <>
          <TodaySection dashboard={data} />
          {data.reports !== null && <ReportsSection reports={data.reports} today={data.today} />}
          {data.reviews.length > 0 && <ReviewsSection reviews={data.reviews} today={data.today} />}
          <MyCasesSection cases={data.myCases} load={data.myLoad} />
          <ActivitySection activity={data.activity} />
          {data.team !== null && <TeamSection team={data.team} />}
        </>
      )}
    </section>
  );
}
