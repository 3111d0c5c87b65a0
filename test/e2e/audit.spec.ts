import { readFile } from 'node:fs/promises';
import { type Browser, expect, type Page, test } from '@playwright/test';
import {
  completeMfaSetUp,
  confirmStepUp,
  letStepUpLapse,
  type Person,
  setNewPassword,
  shownLink,
  signIn,
  signInWithCode,
} from './support/accounts.ts';
import { switchLanguage } from './support/app.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { skipWithoutChromium } from './support/chromium.ts';
import { baseUrlOf, readSetupLink } from './support/servers.ts';

skipWithoutChromium();

/**
 * The auditor's journey, one step per test, in order, against a server of its own (setup runs once per server):
 * setup → the administrator, after one wrong password, invites an auditor, and finds no audit trail for
 * themselves → the auditor starts, reads the trail, filters it, verifies the hash chain and exports it. Both
 * roles require two-factor authentication: set up at the first sign-in, a code at later ones.
 */
test.describe.configure({ mode: 'serial' });
const baseURL = baseUrlOf('auditor');
test.use({ locale: 'en-GB', baseURL });

const ADMIN: Person = {
  email: 'ari.admin@example.org',
  name: 'Ari Admin',
  password: 'the audit trail remembers every step',
};
const AUDITOR: Person = {
  email: 'uma.auditor@example.org',
  name: 'Uma Auditor',
  password: 'uma reads the trail and checks the chain',
};

/** The auditor's invitation, handed over from the administrator's step to the auditor's. */
const handedOver: { auditorInvitation?: string } = {};

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-GB', baseURL });
  return context.newPage();
}

test('setup, then the administrator signs in after one wrong password and invites an auditor', async ({ page }) => {
  // A short setup through the API (the accounts journey covers the setup page).
  const token = new URL(await readSetupLink('auditor')).hash.slice(1);
  const setup = await page.request.post('/api/setup', {
    headers: { origin: baseURL },
    data: {
      token,
      admin: { email: ADMIN.email, displayName: ADMIN.name, password: ADMIN.password },
      teamLead: { email: 'lou.lead@example.org', displayName: 'Lou Lead' },
    },
  });
  expect(setup.status()).toBe(201);

  await page.goto('/sign-in');
  await signIn(page, { email: ADMIN.email, password: 'certainly not the password' });
  await expect(page.getByRole('alert')).toHaveText('The e-mail address or the password is wrong.');
  await signIn(page, ADMIN);
  await completeMfaSetUp(page, ADMIN);
  await expect(page).toHaveURL('/admin/users');

  // An auditor sees no case content: no approval needed, the administrator gets the link at once.
  await letStepUpLapse(page);
  const invite = page.getByRole('region', { name: 'Invite a user' });
  await invite.getByLabel('E-mail address').fill(AUDITOR.email);
  await invite.getByLabel('Name').fill(AUDITOR.name);
  await invite.getByLabel('Role').selectOption('auditor');
  await invite.getByRole('button', { name: 'Invite' }).click();
  await confirmStepUp(page, ADMIN.password);
  await expect(page.getByText(`${AUDITOR.name} has been invited as Auditor.`)).toBeVisible();
  handedOver.auditorInvitation = await shownLink(page, `Invitation link for ${AUDITOR.name}`, 'invite');

  // The trail is the auditors' alone: no link for the administrator, and the page does not exist for them.
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await expect(nav.getByRole('link', { name: 'Users' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Audit trail' })).toHaveCount(0);
  await page.goto('/audit');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await expectNoAxeViolations(page, 'audit trail as administrator (en)');
  expect((await page.request.get('/api/audit/events')).status()).toBe(404);
  expect((await page.request.get('/api/audit/status')).status()).toBe(404);
});

test('the auditor sets a password, signs in and reads the trail: sign-ins, and the failed one', async ({ browser }) => {
  const link = handedOver.auditorInvitation;
  // Serial journey: the link comes from the previous test; without it this one fails rather than skips.
  expect(link, 'needs the link from the invitation').toBeDefined();
  const page = await freshPage(browser);
  await page.goto(link ?? '');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to TMA');
  await setNewPassword(page, AUDITOR.password, 'Set password');
  await expect(page.getByText('Your password is set. You can sign in now.')).toBeVisible();

  // An auditor starts at the trail, the one page only they have.
  await signIn(page, AUDITOR);
  await completeMfaSetUp(page, AUDITOR);
  await expect(page).toHaveURL('/audit');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Audit trail');
  await expect(page).toHaveTitle('Audit trail · TMA');
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await expect(nav.getByRole('link', { name: 'Audit trail' })).toHaveAttribute('aria-current', 'page');
  await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);

  const table = page.getByRole('table', { name: /Audit events/ });
  const signedIn = table.getByRole('row').filter({ hasText: 'session.signed_in' });
  await expect(signedIn.filter({ hasText: ADMIN.email })).toHaveCount(1);
  await expect(signedIn.filter({ hasText: AUDITOR.email })).toHaveCount(1);
  await expect(signedIn.first()).toContainText('Signed in');
  await expect(signedIn.first()).toContainText('Allowed');
  const failed = table.getByRole('row').filter({ hasText: 'session.sign_in_failed' });
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText('Sign-in failed');
  await expect(failed).toContainText('Failed');
  // The administrator's look at the trail was refused, and recorded.
  await expect(table.getByRole('row').filter({ hasText: 'access.denied' }).first()).toContainText(ADMIN.email);
  await expectNoAxeViolations(page, 'audit trail (en)');
  await page.context().close();
});

test('the auditor filters by action and by time, and the filter resets', async ({ page }) => {
  await page.goto('/audit');
  await signInWithCode(page, AUDITOR);
  await expect(page).toHaveURL('/audit');
  const table = page.getByRole('table', { name: /Audit events/ });
  const rows = table.locator('tbody tr');
  await expect(rows.filter({ hasText: 'session.sign_in_failed' })).toHaveCount(1);

  const filter = page.getByRole('region', { name: 'Filter events' });
  await filter.getByLabel('Action').selectOption('session.signed_in');
  await filter.getByRole('button', { name: 'Apply filter' }).click();
  await expect(page.getByText('The events matching the filter, newest first.')).toBeVisible();
  await expect(rows.filter({ hasText: 'session.sign_in_failed' })).toHaveCount(0);
  // The administrator's sign-in and the auditor's two, and nothing else.
  await expect(rows).toHaveCount(3);
  for (const row of await rows.all()) await expect(row).toContainText('session.signed_in');
  await expect(rows.filter({ hasText: ADMIN.email })).toHaveCount(1);
  await expectNoAxeViolations(page, 'audit trail filtered (en)');

  // A period that ends before it starts is refused at the field, which gets the focus.
  await filter.getByLabel('From').fill('2030-01-02T10:00');
  await filter.getByLabel('Until').fill('2030-01-02T09:00');
  await filter.getByRole('button', { name: 'Apply filter' }).click();
  await expect(filter.getByText('The period ends before it starts: "Until" must be later than "From".')).toBeVisible();
  await expect(filter.getByLabel('Until')).toBeFocused();
  await expect(filter.getByLabel('Until')).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(page, 'audit filter with an error (en)');
  // The server refuses it too, with a clear reason.
  const inverted = await page.request.get('/api/audit/events', {
    params: { from: '2030-01-02T10:00:00+01:00', to: '2030-01-02T09:00:00+01:00' },
  });
  expect(inverted.status()).toBe(400);
  expect(await inverted.text()).toContain('ends before it starts');

  // A period in the future holds nothing yet.
  await filter.getByLabel('Until').fill('2030-01-02T11:00');
  await filter.getByRole('button', { name: 'Apply filter' }).click();
  await expect(page.getByText('No events match the filter.')).toBeVisible();

  await filter.getByRole('button', { name: 'Reset filter' }).click();
  await expect(filter.getByLabel('Action')).toHaveValue('*');
  await expect(filter.getByLabel('From')).toHaveValue('');
  await expect(page.getByText('All events, newest first.')).toBeVisible();
  await expect(rows.filter({ hasText: 'session.sign_in_failed' })).toHaveCount(1);
});

test('the auditor verifies the hash chain and exports the trail as CSV, with the password', async ({ page }) => {
  // The download goes through an object URL: nothing of it may break the strict CSP.
  const violations: string[] = [];
  await page.exposeFunction('reportCspViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
      void report(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  await page.goto('/audit');
  await signInWithCode(page, AUDITOR);
  await expect(page).toHaveURL('/audit');
  const integrity = page.getByRole('region', { name: 'Integrity of the hash chain' });
  const verify = integrity.getByRole('button', { name: 'Verify now' });

  // The server chains new events within a second or so: verify until the chain covers them, and is intact.
  await expect(async () => {
    await verify.click();
    await expect(integrity.getByText('Chain intact')).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
  await expect(integrity.getByText('Chain broken')).toHaveCount(0);
  await expect(integrity.getByText(/events checked: all unchanged/)).toBeVisible();
  await expect(integrity.getByText(/^Verified on /)).toBeVisible();
  await expectNoAxeViolations(page, 'audit trail verified (en)');

  // The export is protected: once the confirmation of the sign-in lapsed, the password is asked for again.
  await letStepUpLapse(page);
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export as CSV' }).click();
  await confirmStepUp(page, AUDITOR.password);
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^tma-audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile((await download.path()) ?? '', 'utf8');
  expect(csv).toContain('session.sign_in_failed');
  expect(csv).toContain(ADMIN.email);
  await expect(page.getByText('The CSV file has been downloaded.')).toBeVisible();
  expect(violations, 'CSP violations').toEqual([]);

  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Protokoll');
  await expect(page).toHaveTitle('Protokoll · TMA');
  const pruefung = page.getByRole('region', { name: 'Prüfung der Hash-Kette' });
  await expect(pruefung.getByText('Kette unversehrt')).toBeVisible();
  await expect(pruefung.getByRole('button', { name: 'Jetzt prüfen' })).toBeVisible();
  const table = page.getByRole('table', { name: /Protokollereignisse/ });
  await expect(table.getByRole('row').filter({ hasText: 'session.sign_in_failed' })).toContainText(
    'Anmeldung fehlgeschlagen',
  );
  await expectNoAxeViolations(page, 'audit trail (de)');
});
