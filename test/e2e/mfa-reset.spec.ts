import { type Browser, expect, type Page, test } from '@playwright/test';
import {
  completeMfaSetUp,
  confirmIfAsked,
  expectOnSetUpPage,
  type Person,
  shownLink,
  signIn,
  signInWithCode,
} from './support/accounts.ts';
import { switchLanguage } from './support/app.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { skipWithoutChromium } from './support/chromium.ts';
import { baseUrlOf } from './support/servers.ts';
import { setUpWithAdminApp } from './support/team.ts';

skipWithoutChromium();

/**
 * Two-factor authentication that others' roles require, or that others reset, one step per test, in order,
 * against a server of its own: setup, and the administrator sets up an authenticator app → the team lead, signed
 * in but without an app yet, reaches nothing but the set-up page → the administrator requires a new set-up of an
 * auditor's app, which the team lead approves: the auditor's sessions end and their next sign-in leads to the
 * set-up page again. The test computes the app's codes itself from the key the page shows
 * (test/e2e/support/accounts.ts).
 *
 * The administrator's own app (set-up page, codes, recovery codes, replacing the app) is test/e2e/mfa-app.spec.ts.
 * One file, one journey: setup happens once per server, and each step needs the people and app keys the steps
 * before it made.
 */
test.describe.configure({ mode: 'serial' });
const baseURL = baseUrlOf('mfaReset');
test.use({ locale: 'en-GB', baseURL });

const ADMIN: Person = {
  email: 'mia.admin@example.org',
  name: 'Mia Admin',
  password: 'two factors keep the door firmly shut',
};
const LEAD: Person = {
  email: 'tia.lead@example.org',
  name: 'Tia Lead',
  password: 'tia leads with a second factor soon',
};

const AUDITOR: Person = {
  email: 'ada.audit@example.org',
  name: 'Ada Auditor',
  password: 'ada lost her phone on the ferry',
};

/** Handed on from setup to the team lead's step: the team lead's invitation. */
const kept: { leadInvitation?: string } = {};

test('setup, then the administrator’s first sign-in sets up an authenticator app', async ({ page }) => {
  kept.leadInvitation = await setUpWithAdminApp(page, 'mfaReset', { admin: ADMIN, lead: LEAD });
});

test('a team lead signed in without an app reaches nothing but the set-up page, and may sign out', async ({ page }) => {
  const link = kept.leadInvitation;
  expect(link, 'needs the invitation from setup').toBeDefined();
  const accepted = await page.request.post('/api/invitations/accept', {
    headers: { origin: baseURL },
    data: { token: new URL(link ?? '').hash.slice(1), password: LEAD.password },
  });
  expect(accepted.ok()).toBe(true);

  await page.goto('/approvals');
  await signIn(page, LEAD);
  await expectOnSetUpPage(page);
  await expect(page.getByText('Your role (Team lead) requires two-factor authentication')).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await expect(nav.getByRole('link', { name: 'Approvals' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Profile' })).toHaveCount(0);

  // Neither content nor the profile: the server refuses, and the pages lead back here.
  for (const path of ['/api/me/sessions', '/api/approvals', '/api/admin/users']) {
    const refused = await page.request.get(path);
    expect(refused.status(), path).toBe(401);
    expect((await refused.json()).code, path).toBe('mfa_enrolment_required');
  }
  for (const path of ['/profile', '/approvals', '/admin/users']) {
    await page.goto(path);
    await expectOnSetUpPage(page);
    expect(new URL(page.url()).searchParams.get('redirect')).toBe(path);
  }
  // The sign-in page and the start page say what is still due.
  await page.goto('/');
  await page.getByRole('main').getByRole('link', { name: 'Set up two-factor authentication' }).click();
  await expectOnSetUpPage(page);

  // Not now: signing out ends the half-done session; the next sign-in asks again.
  await page.getByRole('main').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=signed_out$/);
  expect((await page.request.get('/api/session')).status()).toBe(401);
  await signIn(page, LEAD);
  await completeMfaSetUp(page, LEAD);
  await expect(page).toHaveURL('/approvals');
  await expect(page.getByRole('banner')).toContainText(LEAD.name);
});

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-GB', baseURL });
  return context.newPage();
}

test('a new two-factor set-up for an auditor waits for the team lead; approved, the next sign-in sets up anew', async ({
  page,
  browser,
}) => {
  // Three people each give a code, and a code works once per 30-second step: up to a minute of waiting alone.
  test.setTimeout(120_000);
  await page.goto('/admin/users');
  await signInWithCode(page, ADMIN);
  await expect(page).toHaveURL('/admin/users');

  // An auditor, invited at once (no case content), with no app yet: there is nothing to reset.
  const invite = page.getByRole('region', { name: 'Invite a user' });
  await invite.getByLabel('E-mail address').fill(AUDITOR.email);
  await invite.getByLabel('Name').fill(AUDITOR.name);
  await invite.getByLabel('Role').selectOption('auditor');
  await invite.getByRole('button', { name: 'Invite' }).click();
  await confirmIfAsked(page, ADMIN.password, page.getByText(`${AUDITOR.name} has been invited as Auditor.`));
  const link = await shownLink(page, `Invitation link for ${AUDITOR.name}`, 'invite');
  const row = page.getByRole('row', { name: new RegExp(AUDITOR.name) });
  const resetMfa = row.getByRole('button', { name: `Reset two-factor for ${AUDITOR.name}` });
  await resetMfa.click();
  const refused = row.getByRole('alert');
  await confirmIfAsked(page, ADMIN.password, refused);
  await expect(refused).toHaveText('This user has not set up two-factor authentication.');
  await expectNoAxeViolations(page, 'users, two-factor reset refused (en)');

  // The auditor sets a password and an app, and stays signed in in a browser of their own.
  const auditor = await freshPage(browser);
  const accepted = await auditor.request.post('/api/invitations/accept', {
    headers: { origin: baseURL },
    data: { token: new URL(link).hash.slice(1), password: AUDITOR.password },
  });
  expect(accepted.ok()).toBe(true);
  await auditor.goto('/audit');
  await signIn(auditor, AUDITOR);
  await completeMfaSetUp(auditor, AUDITOR);
  await expect(auditor).toHaveURL('/audit');
  const firstSecret = AUDITOR.secret;

  // Their phone is lost: the administrator asks for a new set-up, which waits for a team lead.
  await resetMfa.click();
  await confirmIfAsked(
    page,
    ADMIN.password,
    page.getByText(`The two-factor reset for ${AUDITOR.name} awaits a team lead's approval.`),
  );
  await expect(page.getByText(/all their sessions end, and they set up a new app at their next sign-in/)).toBeVisible();
  await expect(row).toContainText('Two-factor reset awaiting approval');
  await expect(resetMfa).toBeDisabled();
  await expect(row.getByRole('button', { name: `Reset password for ${AUDITOR.name}` })).toBeDisabled();
  await expectNoAxeViolations(page, 'users, two-factor reset awaiting approval (en)');
  await switchLanguage(page, 'Deutsch');
  await expect(row).toContainText('Neue Zwei-Faktor-Einrichtung wartet auf Freigabe');
  await expect(row.getByRole('button', { name: `Zwei-Faktor zurücksetzen für ${AUDITOR.name}` })).toBeDisabled();
  await expectNoAxeViolations(page, 'users, two-factor reset awaiting approval (de)');
  await switchLanguage(page, 'English');
  expect((await auditor.request.get('/api/session')).status()).toBe(200);
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=signed_out$/);

  // The team lead sees what is asked, and by whom, and approves.
  await page.goto('/approvals');
  await signInWithCode(page, LEAD);
  await expect(page).toHaveURL('/approvals');
  const request = page.getByRole('row', { name: new RegExp(AUDITOR.name) });
  await expect(request).toContainText('Two-factor reset');
  await expect(request).toContainText(ADMIN.name);
  await expectNoAxeViolations(page, 'approvals, two-factor reset (en)');
  await switchLanguage(page, 'Deutsch');
  await expect(request).toContainText('Zwei-Faktor zurücksetzen');
  await expectNoAxeViolations(page, 'approvals, two-factor reset (de)');
  await switchLanguage(page, 'English');
  await request.getByRole('button', { name: `Approve the request for ${AUDITOR.name}` }).click();
  await confirmIfAsked(
    page,
    LEAD.password,
    page.getByText(`Approved: ${AUDITOR.name} sets up two-factor authentication again at the next sign-in.`),
  );
  await expect(page.getByRole('textbox', { name: /link/ })).toHaveCount(0);
  await expect(page.getByText('Nothing is waiting for approval.')).toBeVisible();
  await expectNoAxeViolations(page, 'approvals after approving a two-factor reset (en)');

  // The auditor's session has ended; the password leads to the set-up page, not to a code for the old app.
  expect((await auditor.request.get('/api/session')).status()).toBe(401);
  await auditor.goto('/audit');
  await signIn(auditor, AUDITOR);
  await completeMfaSetUp(auditor, AUDITOR);
  expect(AUDITOR.secret).not.toBe(firstSecret);
  await expect(auditor).toHaveURL('/audit');
  const reset = auditor
    .getByRole('table', { name: /Audit events/ })
    .getByRole('row')
    .filter({ hasText: 'mfa.reset' });
  await expect(reset).toHaveCount(1);
  await expect(reset).toContainText('Two-factor authentication reset');
  await auditor.context().close();
});
