import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, createRouter, notFound, redirect } from '@tanstack/react-router';
import { CONTENT_ROLES, type Role } from '../contract/accounts.ts';
import { TRIAGE_ROLES } from '../contract/reports.ts';
import { hasDashboard, LandingPage, loadDashboard } from './features/dashboard/LandingPage.tsx';
import { SignInCodePage, type SignInCodeSearch } from './features/mfa/SignInCodePage.tsx';
import { SignInSetUpPage, type SignInSetUpSearch } from './features/mfa/SignInSetUpPage.tsx';
import { ModelPage } from './features/models/ModelPage.tsx';
import { ModelsPage } from './features/models/ModelsPage.tsx';
import { landingPath } from './features/session/landing.ts';
import { safeRedirect } from './features/session/redirect.ts';
import { SignedInLayout } from './features/session/SignedInLayout.tsx';
import { SIGN_IN_NOTICES, type SignInNotice, SignInPage, type SignInSearch } from './features/session/SignInPage.tsx';
import { sessionQuery } from './features/session/session-api.ts';
import { CONFINED_PAGES } from './features/session/useConfinedSession.ts';
import { isSsoErrorReason, SsoErrorPage, type SsoErrorSearch } from './features/sso/SsoErrorPage.tsx';
import { AppLayout } from './layout/AppLayout.tsx';
import {
  ApprovalsPage,
  AssessmentPage,
  AuditPage,
  CasePage,
  CasesPage,
  DocumentPage,
  InvitationPage,
  MyReportPage,
  MyReportsPage,
  NewReportPage,
  ProfilePage,
  ReceiptStatusPage,
  RecordReportPage,
  ReportPage,
  SetupPage,
  TriagePage,
  TriageReportPage,
  UsersPage,
} from './lazy-pages.ts';
import { ErrorPage } from './pages/ErrorPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';

export interface RouterContext {
  readonly queryClient: QueryClient;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: AppLayout,
  notFoundComponent: NotFoundPage,
  errorComponent: ErrorPage,
});

/**
 * The start page: the dashboard for a signed-in threat manager, team lead or expert
 * (features/dashboard), the overview of TMA for everyone else. Nothing waits here (the frame and its
 * skip link show at once): with the session already known, the dashboard's code starts loading on
 * the way; its data only once the page shows (each read is audited, a preload on hover is not).
 */
const homeRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: ({ context }) => {
    const state = context.queryClient.getQueryData(sessionQuery.queryKey);
    if (state?.status === 'signed-in' && hasDashboard(state.session.user.role)) void loadDashboard();
  },
  component: LandingPage,
});

const setupRoute = createRoute({ getParentRoute: () => rootRoute, path: '/setup', component: SetupPage });

const isNotice = (value: unknown): value is SignInNotice =>
  typeof value === 'string' && (SIGN_IN_NOTICES as readonly string[]).includes(value);

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (search: Record<string, unknown>): SignInSearch => ({
    ...(typeof search.redirect === 'string' ? { redirect: search.redirect } : {}),
    ...(isNotice(search.notice) ? { notice: search.notice } : {}),
  }),
  component: function SignInRoute() {
    return <SignInPage search={signInRoute.useSearch()} />;
  },
});

const redirectSearch = (search: Record<string, unknown>): SignInCodeSearch & SignInSetUpSearch =>
  typeof search.redirect === 'string' ? { redirect: search.redirect } : {};

/**
 * Only the session a confined page serves may stay on it (the code page: code due; the set-up page: two-factor
 * authentication required and missing); any other goes where it belongs.
 */
const confinedTo =
  (serves: keyof typeof CONFINED_PAGES) =>
  async ({ context, search }: { context: RouterContext; search: SignInCodeSearch }) => {
    const state = await context.queryClient.fetchQuery(sessionQuery);
    if (state.status === 'signed-out') {
      const next: SignInSearch = {
        ...(search.redirect !== undefined ? { redirect: search.redirect } : {}),
        ...(state.reason ? { notice: state.reason } : {}),
      };
      throw redirect({ to: '/sign-in', search: next, replace: true });
    }
    if (state.status === 'signed-in')
      throw redirect({ href: safeRedirect(search.redirect) ?? landingPath(state.session.user.role), replace: true });
    if (state.status !== serves)
      throw redirect({
        to: CONFINED_PAGES[state.status],
        search: search.redirect !== undefined ? { redirect: search.redirect } : {},
        replace: true,
      });
  };

/** The second step of signing in, only for a session whose code is due. */
const signInCodeRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in/code',
  validateSearch: redirectSearch,
  beforeLoad: confinedTo('challenge'),
  component: function SignInCodeRoute() {
    return <SignInCodePage search={signInCodeRoute.useSearch()} />;
  },
});

/** The required set-up of two-factor authentication at sign-in, only for a session that lacks it. */
const signInSetUpRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in/set-up',
  validateSearch: redirectSearch,
  beforeLoad: confinedTo('enrol'),
  component: function SignInSetUpRoute() {
    return <SignInSetUpPage search={signInSetUpRoute.useSearch()} />;
  },
});

/** Where a single sign-on that did not work lands (the server sends the browser here with the reason). */
const ssoErrorRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in/sso-error',
  validateSearch: (search: Record<string, unknown>): SsoErrorSearch =>
    isSsoErrorReason(search.reason) ? { reason: search.reason } : {},
  component: function SsoErrorRoute() {
    return <SsoErrorPage search={ssoErrorRoute.useSearch()} />;
  },
});

const inviteRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/invite',
  component: () => <InvitationPage purpose="invite" />,
});

const resetRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/reset',
  component: () => <InvitationPage purpose="reset" />,
});

/**
 * The anonymous channel: reporting a concern and, with the receipt, following it. No sign-in; the receipt is
 * never part of a URL.
 */
const reportRoute = createRoute({ getParentRoute: () => rootRoute, path: '/report', component: ReportPage });

const reportStatusRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/report/status',
  component: ReceiptStatusPage,
});

/**
 * Every page below needs a session: without one, the sign-in page, which then comes back here; with one whose
 * code is still due, the code page, likewise; with one that must set up two-factor authentication first, the
 * set-up page, likewise.
 */
const signedInRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'signed-in',
  beforeLoad: async ({ context, location }) => {
    const state = await context.queryClient.fetchQuery(sessionQuery);
    if (state.status === 'signed-out') {
      const search: SignInSearch = { redirect: location.href, ...(state.reason ? { notice: state.reason } : {}) };
      throw redirect({ to: '/sign-in', search, replace: true });
    }
    if (state.status === 'challenge' || state.status === 'enrol')
      throw redirect({ to: CONFINED_PAGES[state.status], search: { redirect: location.href }, replace: true });
    return { session: state.session };
  },
  component: SignedInLayout,
});

/** Pages for one role only: the others get "not found", as from the server. */
const onlyFor =
  (role: Role) =>
  ({ context }: { context: { session: { user: { role: Role } } } }) => {
    if (context.session.user.role !== role) throw notFound();
  };

const profileRoute = createRoute({ getParentRoute: () => signedInRoute, path: '/profile', component: ProfilePage });

const usersRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/admin/users',
  beforeLoad: onlyFor('admin'),
  component: UsersPage,
});

const approvalsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/approvals',
  beforeLoad: onlyFor('team_lead'),
  component: ApprovalsPage,
});

const auditRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/audit',
  beforeLoad: onlyFor('auditor'),
  component: AuditPage,
});

/** Cases: for the roles that see case content; which cases and how much is the server's decision (404 otherwise). */
const forContentRoles = ({ context }: { context: { session: { user: { role: Role } } } }) => {
  if (!CONTENT_ROLES.includes(context.session.user.role)) throw notFound();
};

const casesRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/cases',
  beforeLoad: forContentRoles,
  component: CasesPage,
});

/** The part of a case to open with, when a page of the case links back to it (its assessments). */
type CaseSearch = { tab?: 'assessments' };

const caseRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/cases/$caseId',
  beforeLoad: forContentRoles,
  validateSearch: (search: Record<string, unknown>): CaseSearch =>
    search.tab === 'assessments' ? { tab: 'assessments' } : {},
  component: function CaseRoute() {
    const { caseId } = caseRoute.useParams();
    const { tab } = caseRoute.useSearch();
    // A new case id is a new page: its tabs and forms start afresh.
    return <CasePage key={caseId} caseId={caseId} {...(tab === undefined ? {} : { tab })} />;
  },
});

/** One assessment of a case (docs/assessments.md); whether the user reaches it is the server's decision. */
const assessmentRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/cases/$caseId/assessments/$assessmentId',
  beforeLoad: forContentRoles,
  component: function AssessmentRoute() {
    const { caseId, assessmentId } = assessmentRoute.useParams();
    // Another assessment is another form: nothing typed in one may end up in the other.
    return <AssessmentPage key={assessmentId} caseId={caseId} assessmentId={assessmentId} />;
  },
});

/** Assessment models: administrators import, team leads publish, the roles that rate read (docs/models.md). */
const forModelReaders = ({ context }: { context: { session: { user: { role: Role } } } }) => {
  const role = context.session.user.role;
  if (role !== 'admin' && !CONTENT_ROLES.includes(role)) throw notFound();
};

const modelsRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/models',
  beforeLoad: forModelReaders,
  component: ModelsPage,
});

/** The version as a search parameter: client routes have no dots (features/web/web.routes.ts). */
const modelRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/models/$key',
  beforeLoad: forModelReaders,
  validateSearch: (search: Record<string, unknown>): { version: string } => ({
    version: typeof search.version === 'string' ? search.version : '',
  }),
  component: function ModelRoute() {
    const { key } = modelRoute.useParams();
    const { version } = modelRoute.useSearch();
    return <ModelPage key={`${key}@${version}`} modelKey={key} version={version} />;
  },
});

/** A signed-in user's own reports: every role may report. */
const myReportsRoute = createRoute({ getParentRoute: () => signedInRoute, path: '/reports', component: MyReportsPage });

const newReportRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/reports/new',
  component: NewReportPage,
});

const myReportRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/reports/$reportId',
  component: function MyReportRoute() {
    const { reportId } = myReportRoute.useParams();
    return <MyReportPage key={reportId} reportId={reportId} />;
  },
});

/** Triage: threat managers and team leads only (the server answers 404 to the others anyway). */
const forTriageRoles = ({ context }: { context: { session: { user: { role: Role } } } }) => {
  if (!TRIAGE_ROLES.includes(context.session.user.role)) throw notFound();
};

const triageRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/triage',
  beforeLoad: forTriageRoles,
  component: TriagePage,
});

const recordReportRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/triage/record',
  beforeLoad: forTriageRoles,
  component: RecordReportPage,
});

const triageReportRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/triage/$reportId',
  beforeLoad: forTriageRoles,
  component: function TriageReportRoute() {
    const { reportId } = triageReportRoute.useParams();
    // A new report id is a new page: its forms start afresh.
    return <TriageReportPage key={reportId} reportId={reportId} />;
  },
});

/** A document of a case or a report; whether the user may see it is the server's decision (404 otherwise). */
const documentRoute = createRoute({
  getParentRoute: () => signedInRoute,
  path: '/documents/$documentId',
  component: function DocumentRoute() {
    const { documentId } = documentRoute.useParams();
    return <DocumentPage documentId={documentId} />;
  },
});

const routeTree = rootRoute.addChildren([
  homeRoute,
  setupRoute,
  signInRoute,
  signInCodeRoute,
  signInSetUpRoute,
  ssoErrorRoute,
  inviteRoute,
  resetRoute,
  reportRoute,
  reportStatusRoute,
  signedInRoute.addChildren([
    profileRoute,
    usersRoute,
    approvalsRoute,
    auditRoute,
    casesRoute,
    caseRoute,
    assessmentRoute,
    myReportsRoute,
    newReportRoute,
    myReportRoute,
    triageRoute,
    recordReportRoute,
    triageReportRoute,
    documentRoute,
    modelsRoute,
    modelRoute,
  ]),
]);

export function createAppRouter(queryClient: QueryClient) {
  return createRouter({
    routeTree,
    context: { queryClient },
    defaultPreload: 'intent',
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
