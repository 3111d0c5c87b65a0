import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, expect, type Page, type Request, test } from '@playwright/test';
import { confirmIfAsked, signInWithCode } from './support/accounts.ts';
import { switchLanguage } from './support/app.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import type { TeamMember } from './support/case-team.ts';
import { skipWithoutChromium } from './support/chromium.ts';
import { baseUrlOf, secretsDirOf } from './support/servers.ts';
import { TIMELINE_TEAM } from './support/timeline-team.ts';

skipWithoutChromium();

/**
 * The bell told live (docs/cases.md, "Notifications"): a member is signed in with the bell in view; a lead, in a
 * browser of their own, makes them a member of a case, and the member's bell says so within seconds, without a
 * reload and long before its one-minute poll, through the event stream of the bell; it names the case and who
 * granted it, and leads there. The lead then ends the membership: the bell says so without naming the case. At
 * last the member's session is ended elsewhere, and the stream's "ended" takes the page to the sign-in page.
 *
 * On the timeline journey's server (test/e2e/support/timeline-server.ts), with people of its own made at start:
 * the timeline journey's people never ring these bells.
 */
test.describe.configure({ mode: 'serial' });

const TEAM = { lead: TIMELINE_TEAM.granter, member: TIMELINE_TEAM.watcher } as const;

/** Well within the one-minute poll: only the stream can tell the bell this fast. */
const LIVE_MS = 5_000;

const sessions = new Map<string, { context: BrowserContext; page: Page }>();
const state: { caseId?: string; reference?: string; memberId?: string } = {};

test.beforeAll(async () => {
  const ready = path.join(secretsDirOf('timeline'), 'e2e-team-ready.txt');
  await expect.poll(() => existsSync(ready), { message: 'the server made its team', timeout: 30_000 }).toBe(true);
});

test.afterAll(async () => {
  for (const { context } of sessions.values()) await context.close();
});

const baseURL = () => baseUrlOf('timeline');

/** A browser of the person's own, signed in; `onPage` runs before the sign-in (to watch what the page asks). */
async function signedIn(browser: Browser, person: TeamMember, onPage?: (page: Page) => void): Promise<Page> {
  const known = sessions.get(person.email);
  if (known !== undefined) return known.page;
  const context = await browser.newContext({ locale: 'en-GB', baseURL: baseURL() });
  const page = await context.newPage();
  onPage?.(page);
  await page.goto('/sign-in');
  // The first load may take a while on a busy machine (the run starts many servers); signIn then waits as usual.
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible({ timeout: 30_000 });
  await signInWithCode(page, person);
  await expect(page.getByRole('link', { name: 'Cases' })).toBeVisible();
  sessions.set(person.email, { context, page });
  return page;
}

/** A request as the signed-in page would send it: our Origin and the session's CSRF token. */
async function api(page: Page, method: 'POST' | 'DELETE', url: string, data?: object) {
  const session = await (await page.request.get('/api/session')).json();
  const headers = { origin: baseURL(), 'x-csrf-token': session.csrfToken };
  return method === 'POST' ? page.request.post(url, { headers, data }) : page.request.delete(url, { headers });
}

test('the member’s bell shows a grant live, names the case and who granted it, and leads there', async ({
  browser,
}) => {
  // The member is signed in, with the bell in view and nothing unread; the page listens to the bell's stream.
  let stream: Promise<Request> | undefined;
  const member = await signedIn(browser, TEAM.member, (page) => {
    stream = page.waitForRequest((request) => new URL(request.url()).pathname === '/api/notifications/stream');
  });
  const opened = await stream;
  expect(opened?.resourceType(), 'the bell listens through an EventSource').toBe('eventsource');
  expect(opened?.method()).toBe('GET');
  const bell = member.getByRole('button', { name: 'Notifications (0 unread)' });
  await expect(bell).toBeVisible();
  await expect(bell).toHaveAttribute('aria-expanded', 'false');

  // The lead, in a browser of their own, opens a case and makes the member a member of it.
  const lead = await signedIn(browser, TEAM.lead);
  const created = await api(lead, 'POST', '/api/cases', { title: 'Messages to the front desk' });
  expect(created.status(), await created.text()).toBe(201);
  const theCase = await created.json();
  state.caseId = theCase.id;
  state.reference = theCase.reference;
  await lead.goto(`/cases/${state.caseId}`);
  await lead.getByRole('tab', { name: 'Members' }).click();
  const grant = lead.getByRole('region', { name: 'Add a member' });
  await grant.getByLabel('Person').selectOption({ label: `${TEAM.member.name} (Threat manager)` });
  // The member's bell asks again, passively (it must not keep an unattended session open), once told.
  const asked = member.waitForRequest(
    (request) => new URL(request.url()).pathname === '/api/notifications' && request.method() === 'GET',
  );
  await grant.getByRole('button', { name: 'Add member' }).click();
  const row = lead.getByRole('row', { name: new RegExp(TEAM.member.name) });
  await confirmIfAsked(lead, TEAM.lead.password, row);

  // Within seconds, without a reload, long before the one-minute poll: the count, and a polite announcement.
  const told = member.getByRole('button', { name: 'Notifications (1 unread)' });
  await expect(told).toBeVisible({ timeout: LIVE_MS });
  expect((await asked).headers()['x-tma-passive']).toBe('1');
  await expect(member.getByRole('status').filter({ hasText: '1 new notification' })).toBeAttached();
  await expect(told).not.toBeFocused();

  // Opened, the bell names the case and who granted it, and leads to the case.
  await told.click();
  await expect(told).toHaveAttribute('aria-expanded', 'true');
  const panel = member.getByRole('region', { name: 'Notifications' });
  const link = panel.getByRole('link', { name: `${TEAM.lead.name} made you a member of ${state.reference}` });
  await expect(link).toBeVisible();
  await expectNoAxeViolations(member, 'the open notifications with a grant');
  await link.click();
  await expect(member).toHaveURL(`/cases/${state.caseId}`);
  await expect(member.getByRole('heading', { level: 1 })).toHaveText(state.reference ?? '');
  await expect(panel).toHaveCount(0);

  // Read: the count goes back to none.
  await member.getByRole('button', { name: 'Notifications (1 unread)' }).click();
  await member.getByRole('button', { name: 'Mark all as read' }).click();
  const none = member.getByRole('button', { name: 'Notifications (0 unread)' });
  await expect(none).toBeFocused();
  await member.keyboard.press('Escape');
  await expect(none).toHaveAttribute('aria-expanded', 'false');
});

test('the lead ends the membership: the bell says so live, without naming the case, in English and German', async ({
  browser,
}) => {
  const member = await signedIn(browser, TEAM.member);
  const lead = await signedIn(browser, TEAM.lead);
  const list = await (await lead.request.get(`/api/cases/${state.caseId}/members`)).json();
  const membership = list.members.find(
    (m: { user: { displayName: string } }) => m.user.displayName === TEAM.member.name,
  );
  expect(membership, JSON.stringify(list)).toBeDefined();
  state.memberId = membership.user.id;
  const stepped = await api(lead, 'POST', '/api/session/step-up', { password: TEAM.lead.password });
  expect(stepped.status()).toBe(204);
  const revoked = await api(
    lead,
    'DELETE',
    `/api/cases/${state.caseId}/members/${state.memberId}?expectedVersion=${membership.version}`,
  );
  expect(revoked.status(), await revoked.text()).toBe(204);

  const told = member.getByRole('button', { name: 'Notifications (1 unread)' });
  await expect(told).toBeVisible({ timeout: LIVE_MS });
  await expect(member.getByRole('status').filter({ hasText: '1 new notification' })).toBeAttached();
  await told.click();
  await expect(told).toHaveAttribute('aria-expanded', 'true');
  const panel = member.getByRole('region', { name: 'Notifications' });
  const item = panel.getByRole('listitem').filter({ hasText: 'Your membership of a case was ended' });
  await expect(item).toBeVisible();
  // Who ended it is said only if the server names them (for a case out of reach it currently does not).
  await expect(
    item.getByText(new RegExp(`^Your membership of a case was ended( by ${TEAM.lead.name})?$`)),
  ).toBeVisible();
  // Out of reach: no reference, no link; the grant is no longer shown either.
  await expect(item.getByRole('link')).toHaveCount(0);
  await expect(panel).not.toContainText(state.reference ?? 'none');
  await expect(panel.getByRole('listitem')).toHaveCount(1);
  await expectNoAxeViolations(member, 'the open notifications with a revocation');

  await switchLanguage(member, 'Deutsch');
  const german = member.getByRole('region', { name: 'Benachrichtigungen' });
  await expect(
    german.getByText(new RegExp(`^Ihre Mitgliedschaft in einem Fall wurde (von ${TEAM.lead.name} )?beendet$`)),
  ).toBeVisible();
  await expect(member.getByRole('button', { name: 'Benachrichtigungen (1 ungelesen)' })).toBeVisible();
  await expectNoAxeViolations(member, 'the open notifications in German');
  await switchLanguage(member, 'English');
});

test('a session ended elsewhere ends the stream, and the page goes to the sign-in page', async ({ browser }) => {
  const member = await signedIn(browser, TEAM.member);
  await member.goto('/cases');
  await expect(member.getByRole('button', { name: /^Notifications \(\d+ unread\)$/ })).toBeVisible();
  // Signed out from elsewhere (the API, not this page): the page itself asks nothing, and has its stream open.
  const signedOut = await api(member, 'DELETE', '/api/session');
  expect(signedOut.status()).toBeLessThan(300);
  // The stream checks its session at every beat (25 s) and says "ended"; the app then finds the session gone.
  await expect(member).toHaveURL(/\/sign-in\?/, { timeout: 40_000 });
  await expect(member.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await expect(member.getByRole('button', { name: /^Notifications/ })).toHaveCount(0);
});
