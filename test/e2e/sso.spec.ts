import { type Browser, expect, type Page, test } from '@playwright/test';
import { completeMfaSetUp, type Person, setNewPassword, signIn } from './support/accounts.ts';
import { switchLanguage } from './support/app.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { skipWithoutChromium } from './support/chromium.ts';
import { baseUrlOf } from './support/servers.ts';
import { IDP } from './support/sso.ts';
import { approveThreatManager, setUpAndInviteThreatManager } from './support/team.ts';

skipWithoutChromium();

/**
 * Single sign-on through a real OpenID provider (test/e2e/support/idp-server.ts), one step per test, in order,
 * against a server of its own: setup → the administrator invites a threat manager, the team lead approves → the
 * threat manager sets a password and an app, then links the account to the provider from the profile → signs in
 * through the provider, which asserts multi-factor authentication (acr), so TMA asks no code → signs out at TMA
 * and at the provider → a reporter unknown to TMA signs in through the provider and gets a reporter account →
 * someone the provider turns away lands on the error page.
 *
 * The browser visits the provider's test certificate, which it has no reason to trust (ignoreHTTPSErrors); TMA's
 * server does verify it, against the CA the provider made at start.
 */
test.describe.configure({ mode: 'serial' });
const baseURL = baseUrlOf('sso');
test.use({ locale: 'en-GB', baseURL, ignoreHTTPSErrors: true });

const ADMIN: Person = { email: 'ada.admin@example.org', name: 'Ada Admin', password: 'single sign-on is one door' };
const LEAD: Person = { email: 'lou.lead@example.org', name: 'Lou Lead', password: 'lou looks twice at every grant' };
const MANAGER: Person = {
  email: 'tom.manager@example.org',
  name: 'Tom Manager',
  password: 'tom signs in at the company door',
};

const kept: { managerInvitation?: string; manager?: Page } = {};

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-GB', baseURL, ignoreHTTPSErrors: true });
  return context.newPage();
}

/**
 * Signs in as `login` on the provider's login page, then waits to be back at TMA. The provider always asks here:
 * each journey step starts without a session at the provider (TMA's sign-out clears the site data of "localhost",
 * which on the test machine is the provider's host too).
 */
async function atProvider(page: Page, login: string): Promise<void> {
  await expect(page.getByLabel('Login')).toBeVisible();
  expect(new URL(page.url()).origin).toBe(IDP.issuer);
  await page.getByLabel('Login').fill(login);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.origin === baseURL);
}

const ssoButton = (page: Page) => page.getByRole('button', { name: `Sign in with ${IDP.label}` });

test('the administrator invites a threat manager, the team lead approves', async ({ page, browser }) => {
  test.setTimeout(60_000);
  const people = { admin: ADMIN, lead: LEAD, manager: MANAGER };
  const leadInvitation = await setUpAndInviteThreatManager(page, 'sso', people);
  kept.managerInvitation = await approveThreatManager(browser, 'sso', LEAD, leadInvitation, MANAGER);
});

test('the threat manager links the account to the provider from the profile', async ({ browser }) => {
  test.setTimeout(60_000);
  const page = await freshPage(browser);
  kept.manager = page;
  await page.goto(kept.managerInvitation ?? '');
  await setNewPassword(page, MANAGER.password, 'Set password');
  await signIn(page, MANAGER);
  await completeMfaSetUp(page, MANAGER);
  await expect(page).toHaveURL('/');

  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Profile' }).click();
  const section = page.getByRole('region', { name: 'Single sign-on' });
  await expect(section).toContainText(`Your account is not linked to ${IDP.label}`);
  await expectNoAxeViolations(page, 'profile with single sign-on (en)');
  await section.getByRole('button', { name: `Link to ${IDP.label}` }).click();
  const prompt = page.getByRole('dialog', { name: 'Confirm with your password' });
  await expect(prompt.or(page.getByLabel('Login')).first()).toBeVisible();
  if (await prompt.isVisible()) {
    await prompt.getByLabel('Password', { exact: true }).fill(MANAGER.password);
    await prompt.getByRole('button', { name: 'Confirm' }).click();
  }
  await atProvider(page, 'tom');
  await expect(page).toHaveURL('/profile');
  await expect(page.getByRole('region', { name: 'Single sign-on' })).toContainText(
    `Your account is linked to ${IDP.label}`,
  );
});

test('through the provider, which asserts multi-factor authentication, TMA asks no code; sign-out ends both', async () => {
  const page = kept.manager;
  if (page === undefined) throw new Error('needs the threat manager’s browser');
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();

  await ssoButton(page).click();
  await atProvider(page, 'tom');
  await expect(page).toHaveURL('/');
  await expect(page.getByText(`You are signed in as ${MANAGER.name} (Threat manager).`)).toBeVisible();
  expect((await page.request.get('/api/me/sessions')).status()).toBe(200);

  // The session came through the provider: signing out ends it there too, and the provider sends the browser back.
  const endSession = page.waitForRequest((request) => request.url().startsWith(`${IDP.issuer}/session/end`));
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await endSession;
  await page.waitForURL((url) => url.origin === baseURL && url.pathname === '/sign-in');
  expect((await page.request.get('/api/session')).status()).toBe(401);
  await page.context().close();
});

test('a reporter new to TMA signs in through the provider and gets a reporter account', async ({ browser }) => {
  const page = await freshPage(browser);
  await page.goto('/sign-in');
  await expect(ssoButton(page)).toBeVisible();
  await expectNoAxeViolations(page, 'sign-in with single sign-on (en)');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('button', { name: `Mit ${IDP.label} anmelden` })).toBeVisible();
  await expectNoAxeViolations(page, 'sign-in with single sign-on (de)');
  await switchLanguage(page, 'English');

  await ssoButton(page).click();
  await atProvider(page, 'rita');
  await expect(page.getByRole('banner')).toContainText('Rita Reporter');
  await expect(page.getByText('You are signed in as Rita Reporter (Reporter).')).toBeVisible();
  await page.context().close();
});

test('someone the provider turns away lands on a page that says so', async ({ browser }) => {
  const page = await freshPage(browser);
  await page.goto('/sign-in');
  await ssoButton(page).click();
  await atProvider(page, 'somebody-unknown');
  await expect(page).toHaveURL('/sign-in/sso-error?reason=cancelled');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Single sign-on did not work');
  await expectNoAxeViolations(page, 'single sign-on error (en)');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(
    'Die Anmeldung über Single Sign-on hat nicht geklappt',
  );
  await expectNoAxeViolations(page, 'single sign-on error (de)');
  await page.context().close();
});
