import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, expect, type Page, test } from '@playwright/test';
import { signInWithCode } from './support/accounts.ts';
import { switchLanguage } from './support/app.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { CASE_TEAM, type TeamMember } from './support/case-team.ts';
import { skipWithoutChromium } from './support/chromium.ts';
import { baseUrlOf, secretsDirOf } from './support/servers.ts';

skipWithoutChromium();

/**
 * The dashboard (docs/dashboard.md), the landing page of threat managers, team leads and experts.
 * A report that came by phone ten days ago is recorded now: its acknowledgement (due within 7 days)
 * is overdue. The threat manager lands on the dashboard and sees it overdue, with its deadline, the
 * count of overdue acknowledgements at the top, and the case they opened under "My cases"; the team
 * lead sees the team's part; an expert in no case sees friendly empty states.
 *
 * On a server of its own (the config's 'dashboard': the cases journey's team, made at start by
 * test/e2e/support/cases-server.ts, in a data directory of its own): the counts it checks are then
 * exactly what this journey made.
 */
test.describe.configure({ mode: 'serial' });

const baseURL = baseUrlOf('dashboard');
// The browser's days are the company's (TMA_TIME_ZONE defaults to Europe/Berlin).
const ZONE = 'Europe/Berlin';
test.use({ locale: 'en-GB', timezoneId: ZONE, baseURL });

const MANAGER = CASE_TEAM.lead;
const TITLE = 'Threats at the night shift';
const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date());
const dayFrom = (days: number) =>
  new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const shown = (day: string, language = 'en') =>
  new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));

const RECEIVED = dayFrom(-10);
const ACKNOWLEDGE_BY = dayFrom(-3);

const sessions = new Map<string, BrowserContext>();
const state: { reportId?: string; reportReference?: string; caseId?: string; caseReference?: string } = {};

async function signedIn(browser: Browser, person: TeamMember): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-GB', timezoneId: ZONE, baseURL });
  sessions.set(person.email, context);
  const page = await context.newPage();
  await page.goto('/sign-in');
  await signInWithCode(page, person);
  return page;
}

/** A request as the signed-in page would send it: our Origin and the session's CSRF token. */
async function post(page: Page, url: string, data: object) {
  const session = await (await page.request.get('/api/session')).json();
  return page.request.post(url, { headers: { origin: baseURL, 'x-csrf-token': session.csrfToken }, data });
}

const dashboardHeading = (page: Page) => page.getByRole('heading', { level: 1, name: 'Dashboard' });
const region = (page: Page, name: string | RegExp) => page.getByRole('region', { name });

test.beforeAll(async () => {
  const ready = path.join(secretsDirOf('dashboard'), 'e2e-team-ready.txt');
  await expect
    .poll(() => existsSync(ready), { message: 'the dashboard server made its team', timeout: 30_000 })
    .toBe(true);
});
test.afterAll(async () => {
  for (const context of sessions.values()) await context.close();
});

test('the threat manager lands on the dashboard; a report ten days old shows its acknowledgement overdue', async ({
  browser,
}) => {
  const page = await signedIn(browser, MANAGER);
  await expect(page).toHaveURL('/');
  await expect(dashboardHeading(page)).toBeVisible();
  await expect(page).toHaveTitle('Dashboard · TMA');
  await expect(page.getByText(`You are signed in as ${MANAGER.name} (Threat manager).`)).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await expect(nav.getByRole('link', { name: 'Dashboard' })).toHaveAttribute('aria-current', 'page');
  // Nothing yet: every part says so in words.
  await expect(region(page, /^Today, /)).toContainText('Nothing is overdue or due soon');
  await expect(region(page, 'Reports and deadlines')).toContainText('No report waits');
  await expect(region(page, 'My cases')).toContainText('You are not a member of any open case');
  await expect(region(page, 'Recent activity')).toContainText('Nothing has happened in your cases yet.');
  await expectNoAxeViolations(page, 'the empty dashboard (en)');

  // A phone call ten days ago, recorded only now; and a case the manager opens, with a priority.
  const recorded = await post(page, '/api/triage/reports', {
    idempotencyKey: randomUUID(),
    channel: 'phone',
    receivedOn: RECEIVED,
    reporter: { name: 'Carl Caller', contact: '+49 170 555 0101', relation: 'Neighbour' },
    urgency: 'urgent',
    whatHappened: 'Caller heard threats against a colleague on the night shift.',
  });
  expect(recorded.status(), await recorded.text()).toBe(201);
  const report = await recorded.json();
  expect(report.acknowledgeBy).toBe(ACKNOWLEDGE_BY);
  state.reportId = report.id;
  state.reportReference = report.reference;
  const opened = await post(page, '/api/cases', { title: TITLE });
  expect(opened.status(), await opened.text()).toBe(201);
  const created = await opened.json();
  state.caseId = created.id;
  state.caseReference = created.reference;
  const prioritised = await post(page, `/api/cases/${created.id}/priority`, {
    expectedVersion: created.version,
    priority: 3,
    reason: 'Threats named a person.',
  });
  expect(prioritised.status(), await prioritised.text()).toBe(200);

  await page.goto('/');
  await expect(dashboardHeading(page)).toBeVisible();
  // At the top, at a glance: one overdue acknowledgement, one report waiting for triage.
  const todayPart = region(page, `Today, ${shown(today)}`);
  // (The warning sign before the overdue line only repeats its words.)
  await expect(todayPart.getByRole('listitem')).toHaveText([
    /^⚠\s*1 overdue acknowledgement$/,
    '1 report waiting for triage',
  ]);

  // The report, overdue in words (not only in colour), with its acknowledgement deadline.
  const reports = region(page, 'Reports and deadlines');
  await expect(reports.getByRole('definition')).toHaveText(['1', '⚠1']);
  const row = reports.getByRole('row', { name: new RegExp(state.reportReference ?? 'no report') });
  await expect(row).toContainText('Urgent');
  await expect(row).toContainText(shown(RECEIVED));
  await expect(row).toContainText('Acknowledgement');
  await expect(row).toContainText(`due by ${shown(ACKNOWLEDGE_BY)}`);
  await expect(row).toContainText('Overdue');
  await expect(row).toContainText('3 days late');
  const weekly = reports.getByRole('img', { name: /^Reports received per week over the last 12 weeks: 1 in all/ });
  await expect(weekly).toBeVisible();
  // The chart's numbers as a table, opened with the keyboard.
  await reports.getByText('Show the numbers as a table').focus();
  await page.keyboard.press('Enter');
  await expect(reports.getByRole('table', { name: 'Reports received per week' })).toBeVisible();

  // The case the manager opened, with its status, priority and the manager's role.
  const cases = region(page, 'My cases');
  await expect(cases).toContainText('You are a member of 1 open case.');
  const caseRow = cases.getByRole('row', { name: new RegExp(state.caseReference ?? 'no case') });
  await expect(caseRow).toContainText(TITLE);
  await expect(caseRow).toContainText('Intake');
  await expect(caseRow).toContainText('3 · high, active management');
  await expect(caseRow).toContainText('Lead');
  await expect(caseRow).toContainText('Changed today');
  await expect(cases.getByRole('img', { name: 'My open cases by status: Intake: 1.' })).toBeVisible();
  await expect(cases.getByRole('img', { name: 'My open cases by priority: Priority 3: 1.' })).toBeVisible();

  // What happened in the case: the kinds by name, never a word of the entries.
  const activity = region(page, 'Recent activity');
  await expect(activity.getByRole('listitem').filter({ hasText: 'Case opened' })).toContainText(
    `${state.caseReference}`,
  );
  await expect(activity.getByRole('listitem').filter({ hasText: 'Priority changed' })).toContainText(
    `by ${MANAGER.name}`,
  );
  await expect(page.getByRole('region', { name: 'Team' })).toHaveCount(0);
  await expectNoAxeViolations(page, 'the dashboard with an overdue report (en)');

  // The report's link leads to its triage page.
  await row.getByRole('link', { name: state.reportReference }).click();
  await expect(page).toHaveURL(`/triage/${state.reportId}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(state.reportReference ?? '');
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Dashboard' }).click();
  await expect(dashboardHeading(page)).toBeFocused();

  // In German.
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Arbeitsübersicht');
  await expect(page).toHaveTitle('Arbeitsübersicht · TMA');
  await expect(region(page, `Heute, ${shown(today, 'de')}`)).toContainText('1 überfällige Eingangsbestätigung');
  const germanRow = region(page, 'Meldungen und Fristen').getByRole('row', {
    name: new RegExp(state.reportReference ?? 'no report'),
  });
  await expect(germanRow).toContainText('Überfällig');
  await expect(germanRow).toContainText(`fällig bis ${shown(ACKNOWLEDGE_BY, 'de')}`);
  await expect(region(page, 'Meine Fälle').getByRole('row', { name: new RegExp(TITLE) })).toContainText('Eingang');
  await expectNoAxeViolations(page, 'the dashboard with an overdue report (de)');
  await switchLanguage(page, 'English');
});

test('the team lead sees the reports and the team’s part: every case has a lead, none is ageing', async ({
  browser,
}) => {
  const page = await signedIn(browser, CASE_TEAM.teamLead);
  // A team lead still starts on the approvals (features/session/landing.ts); the dashboard is a link away.
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Dashboard' }).click();
  await expect(dashboardHeading(page)).toBeVisible();
  await expect(region(page, `Today, ${shown(today)}`)).toContainText('1 overdue acknowledgement');
  const row = region(page, 'Reports and deadlines').getByRole('row', {
    name: new RegExp(state.reportReference ?? 'no report'),
  });
  await expect(row).toContainText('Overdue');
  const team = region(page, 'Team');
  await expect(team.getByRole('heading', { level: 3 })).toHaveText([
    'Cases without a lead',
    'Ageing cases',
    'All cases by status',
  ]);
  await expect(team).toContainText('Every open case has a lead.');
  await expect(team).toContainText('No open case has gone 30 days without a change.');
  await expect(
    team.getByRole('img', {
      name: 'All cases of the team by status: Intake: 1, Assessment: 0, Management: 0, Monitoring: 0, Closed: 0.',
    }),
  ).toBeVisible();
  await expect(region(page, 'My cases')).toContainText('You are not a member of any open case');
  await expectNoAxeViolations(page, 'the team lead’s dashboard (en)');
});

test('an expert in no case lands on a dashboard without reports, with friendly empty states', async ({ browser }) => {
  const page = await signedIn(browser, CASE_TEAM.expert);
  await expect(page).toHaveURL('/');
  await expect(dashboardHeading(page)).toBeVisible();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText([
    `Today, ${shown(today)}`,
    'My cases',
    'Recent activity',
  ]);
  await expect(region(page, `Today, ${shown(today)}`)).toContainText('Nothing is overdue or due soon');
  await expect(region(page, 'My cases')).toContainText('You are not a member of any open case');
  await expectNoAxeViolations(page, 'the expert’s dashboard (en)');
});
