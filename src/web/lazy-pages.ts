import { lazyRouteComponent } from '@tanstack/react-router';

/**
 * Pages most visits never see (setup, one-time links, administration) load on first use, which keeps the
 * start bundle small; the router loads a page's code before it shows the page.
 */
export const SetupPage = lazyRouteComponent(() => import('./features/setup/SetupPage.tsx'), 'SetupPage');
export const InvitationPage = lazyRouteComponent(
  () => import('./features/invitations/InvitationPage.tsx'),
  'InvitationPage',
);
export const ProfilePage = lazyRouteComponent(() => import('./features/profile/ProfilePage.tsx'), 'ProfilePage');
export const UsersPage = lazyRouteComponent(() => import('./features/users/UsersPage.tsx'), 'UsersPage');
export const ApprovalsPage = lazyRouteComponent(
  () => import('./features/approvals/ApprovalsPage.tsx'),
  'ApprovalsPage',
);
export const AuditPage = lazyRouteComponent(() => import('./features/audit/AuditPage.tsx'), 'AuditPage');
export const CasesPage = lazyRouteComponent(() => import('./features/cases/CasesPage.tsx'), 'CasesPage');
export const CasePage = lazyRouteComponent(() => import('./features/cases/CasePage.tsx'), 'CasePage');
export const AssessmentPage = lazyRouteComponent(
  () => import('./features/assessments/AssessmentPage.tsx'),
  'AssessmentPage',
);
export const DocumentPage = lazyRouteComponent(() => import('./features/documents/DocumentPage.tsx'), 'DocumentPage');
export const ReportPage = lazyRouteComponent(() => import('./features/intake/ReportPage.tsx'), 'ReportPage');
export const ReceiptStatusPage = lazyRouteComponent(
  () => import('./features/intake/ReceiptStatusPage.tsx'),
  'ReceiptStatusPage',
);
export const NewReportPage = lazyRouteComponent(() => import('./features/intake/NewReportPage.tsx'), 'NewReportPage');
export const MyReportsPage = lazyRouteComponent(() => import('./features/intake/MyReportsPage.tsx'), 'MyReportsPage');
export const MyReportPage = lazyRouteComponent(() => import('./features/intake/MyReportPage.tsx'), 'MyReportPage');
export const TriagePage = lazyRouteComponent(() => import('./features/intake/TriagePage.tsx'), 'TriagePage');
export const RecordReportPage = lazyRouteComponent(
  () => import('./features/intake/RecordReportPage.tsx'),
  'RecordReportPage',
);
export const TriageReportPage = lazyRouteComponent(
  () => import('./features/intake/TriageReportPage.tsx'),
  'TriageReportPage',
);
