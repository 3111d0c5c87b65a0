import { expect, test } from '@playwright/test';
import {
  answerCodePage,
  confirmAppSetUp,
  confirmStepUp,
  expectOnCodePage,
  expectOnSetUpPage,
  freshCode,
  letStepUpLapse,
  type Person,
  signIn,
  startAppSetUp,
  wrongCode,
} from './support/accounts.ts';
import { switchLanguage } from './support/app.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { skipWithoutChromium } from './support/chromium.ts';
import { baseUrlOf, SERVERS } from './support/servers.ts';
import { runSetup } from './support/team.ts';

skipWithoutChromium();

/**
 * Two-factor authentication with an authenticator app, the administrator's own, one step per test, in order,
 * against a server of its own. Every role but reporter requires it: the administrator's first sign-in leads to
 * the set-up page, which sets up the app and hands out the recovery codes → signing in now asks for a code: a
 * wrong one is refused, the right one signs in, and a code of the app confirms a sensitive action (new recovery
 * codes, from the profile) → a recovery code signs in once, and never again → the profile replaces the app. The
 * test computes the app's codes itself from the key the page shows (test/e2e/support/accounts.ts).
 *
 * The set-up required of a team lead and the approved reset of another's app are test/e2e/mfa-reset.spec.ts, on
 * a server of its own. One file, one journey: setup happens once per server, and each step needs the app key and
 * recovery codes the steps before it made.
 */
test.describe.configure({ mode: 'serial' });
const baseURL = baseUrlOf('mfa');
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

/** Handed on from step to step: recovery codes as the user would keep them. */
const kept: { recoveryCode?: string; replacedRecoveryCode?: string } = {};

test('the administrator’s first sign-in requires setting up an authenticator app, then goes on', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  // Setup through the API: the administrator and the team lead (whose journey is test/e2e/mfa-reset.spec.ts).
  await runSetup(page, 'mfa', { admin: ADMIN, lead: LEAD });

  // The password alone is not enough for an administrator: the set-up page comes first.
  await page.goto('/admin/users');
  await signIn(page, ADMIN);
  const signedInAt = Date.now();
  await expectOnSetUpPage(page);
  await expect(page).toHaveTitle('Two-factor set-up · TMA');
  expect(new URL(page.url()).searchParams.get('redirect')).toBe('/admin/users');
  await expect(page.getByText('Your role (Administrator) requires two-factor authentication')).toBeVisible();
  await expect(page.getByRole('banner')).not.toContainText(ADMIN.name);

  // Until it is set up, the session reaches nothing else, and pages lead back to the set-up page.
  for (const path of ['/api/admin/users', '/api/me/sessions']) {
    const confined = await page.request.get(path);
    expect(confined.status(), path).toBe(401);
    expect((await confined.json()).code, path).toBe('mfa_enrolment_required');
  }
  await page.goto('/profile');
  await expectOnSetUpPage(page);
  expect(new URL(page.url()).searchParams.get('redirect')).toBe('/profile');
  await page.goto('/sign-in/code');
  await expectOnSetUpPage(page);
  await page.goto('/sign-in/set-up?redirect=%2Fprofile');
  await expectNoAxeViolations(page, 'set-up page (en)');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Zwei-Faktor-Authentifizierung einrichten');
  await expect(page.getByRole('button', { name: 'Authenticator-App jetzt einrichten' })).toBeVisible();
  await expectNoAxeViolations(page, 'set-up page (de)');
  await switchLanguage(page, 'English');

  // Starting is protected: once the confirmation of the sign-in lapsed, the password is asked for again (no
  // app to offer a code from yet).
  await page.waitForTimeout(Math.max(0, signedInAt + SERVERS.mfa.stepUpSeconds * 1000 + 500 - Date.now()));
  const region = page.getByRole('region', { name: 'Two-factor authentication' });
  await region.getByRole('button', { name: 'Set up the authenticator app' }).click();
  const prompt = page.getByRole('dialog', { name: 'Confirm with your password' });
  await expect(prompt).toBeVisible();
  await expect(prompt.getByRole('button', { name: 'Use a code from your authenticator app' })).toHaveCount(0);
  await confirmStepUp(page, ADMIN.password);
  await expect(region.getByRole('heading', { name: 'Set up an authenticator app' })).toBeFocused();
  const shownKey = await region.getByLabel('Key for typing in').inputValue();
  expect(shownKey).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
  ADMIN.secret = shownKey.replaceAll(' ', '');
  const qr = region.getByRole('img', { name: 'QR code for TMA, to scan with your authenticator app' });
  await expect(qr).toHaveAttribute('src', /^data:image\/png;base64,/);
  await expect(region.getByRole('link', { name: 'Open in an authenticator app on this device' })).toHaveAttribute(
    'href',
    new RegExp(`^otpauth://totp/.*secret=${ADMIN.secret}`),
  );
  await expectNoAxeViolations(page, 'set-up page, setting up the app (en)');

  // An empty code is refused at the field, a wrong one by the server; the app's current code switches it on.
  const confirm = region.getByRole('button', { name: 'Confirm and switch on' });
  await confirm.click();
  await expect(region.getByLabel('Six-digit code')).toBeFocused();
  await expect(region.getByText('Please fill in this field.')).toBeVisible();
  await region.getByLabel('Six-digit code').fill(wrongCode(ADMIN));
  await confirm.click();
  await expect(region.getByRole('alert')).toContainText('The code is wrong.');
  const codes = await confirmAppSetUp(page, ADMIN);
  await expect(region.getByRole('status').filter({ hasText: 'Two-factor authentication is on.' })).toBeFocused();

  // Ten recovery codes, shown once, to copy and keep; the page waits until the user has saved them.
  for (const code of codes) expect(code).toMatch(/^[a-z0-9]{5}-?[a-z0-9]{5}$/);
  expect(new Set(codes).size).toBe(10);
  kept.recoveryCode = codes[3];
  await expect(region.getByText('These codes are shown only now: you will not see them again.')).toBeVisible();
  await region.getByRole('button', { name: 'Copy the codes' }).click();
  await expect(region.getByText('Recovery codes copied to the clipboard.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join('\n'));
  await expectNoAxeViolations(page, 'set-up page, recovery codes (en)');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('heading', { name: 'Ihre Wiederherstellungscodes' })).toBeVisible();
  await expectNoAxeViolations(page, 'set-up page, recovery codes (de)');
  await switchLanguage(page, 'English');
  await expectOnSetUpPage(page);

  // Saved: on to the page asked for, now signed in with both factors.
  await region.getByRole('button', { name: 'I have saved the codes' }).click();
  await expect(page).toHaveURL('/profile');
  await expect(page.getByRole('banner')).toContainText(ADMIN.name);
  const section = page.getByRole('region', { name: 'Two-factor authentication' });
  await expect(section.getByText('On', { exact: true })).toBeVisible();
  await expect(section.getByText(/^Set up on /)).toBeVisible();
  await expect(section.getByText('10 unused codes left')).toBeVisible();
  await expect(section.getByText('Your role requires two-factor authentication, so it stays on.')).toBeVisible();
  expect((await page.request.get('/api/me/sessions')).status()).toBe(200);
  await expectNoAxeViolations(page, 'profile, two-factor on (en)');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByText('Noch 10 unbenutzte Codes')).toBeVisible();
  await expectNoAxeViolations(page, 'profile, two-factor on (de)');
});

test('signing in now asks for a code: a wrong one is refused, the right one signs in and confirms actions', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await page.goto('/profile');
  await signIn(page, ADMIN);
  await expectOnCodePage(page);
  await expect(page).toHaveTitle('Sign-in code · TMA');
  const field = page.getByLabel('Six-digit code');
  await expect(field).toHaveAttribute('autocomplete', 'one-time-code');
  await expect(field).toHaveAttribute('inputmode', 'numeric');
  await expect(page.getByRole('banner')).not.toContainText(ADMIN.name);

  // Until the code is given, the session reaches nothing else, and pages lead back to the code page.
  const confined = await page.request.get('/api/admin/users');
  expect(confined.status()).toBe(401);
  expect((await confined.json()).code).toBe('mfa_required');
  await page.goto('/admin/users');
  await expectOnCodePage(page);
  await page.goto('/sign-in/set-up');
  await expectOnCodePage(page);
  await expectNoAxeViolations(page, 'code page (en)');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Anmeldung bestätigen');
  await expect(page.getByLabel('Sechsstelliger Code')).toBeVisible();
  await expectNoAxeViolations(page, 'code page (de)');
  await switchLanguage(page, 'English');

  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(field).toBeFocused();
  await expect(page.getByText('Please fill in this field.')).toBeVisible();
  await field.fill(wrongCode(ADMIN));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'The code is wrong or was used already. Please wait for the next code and try again.',
  );
  await expect(page.getByRole('alert')).toBeFocused();
  await expectNoAxeViolations(page, 'code page with an error (en)');

  await answerCodePage(page, ADMIN, { totp: true });
  await expect(page).toHaveURL('/admin/users');
  await expect(page.getByRole('banner')).toContainText(ADMIN.name);

  // A sensitive action may be confirmed with a code of the app instead of the password.
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Profile' }).click();
  const section = page.getByRole('region', { name: 'Two-factor authentication' });
  await expect(section.getByText('10 unused codes left')).toBeVisible();
  await letStepUpLapse(page);
  await section.getByRole('button', { name: 'New recovery codes' }).click();
  const asked = page.getByRole('dialog', { name: 'Confirm with your password' });
  await expect(asked).toBeVisible();
  await asked.getByRole('button', { name: 'Use a code from your authenticator app' }).click();
  const dialog = page.getByRole('dialog', { name: 'Confirm with your authenticator app' });
  await expect(dialog.getByLabel('Six-digit code')).toBeFocused();
  await expectNoAxeViolations(page, 'step-up with a code (en)');
  await dialog.getByLabel('Six-digit code').fill(await freshCode(page, ADMIN));
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();
  await expect(section.getByText('You have new recovery codes. The old ones no longer work.')).toBeVisible();
  const list = section.getByRole('list', { name: 'Your recovery codes' });
  await expect(list.getByRole('listitem')).toHaveCount(10);
  const codes = (await list.getByRole('listitem').allTextContents()).map((code) => code.trim());
  expect(codes).not.toContain(kept.recoveryCode);
  kept.replacedRecoveryCode = kept.recoveryCode;
  kept.recoveryCode = codes[7];
  ADMIN.recoveryCodes = codes.filter((code) => code !== kept.recoveryCode);
  await section.getByRole('button', { name: 'I have saved the codes' }).click();
  await expect(section.getByText('10 unused codes left')).toBeVisible();

  // Signed in again elsewhere in this browser (here through the API, which shares the cookie), the browser's
  // session waits for its code: the page's next request meets "mfa_required" and leads to the code page, which
  // then leads back.
  const { csrfToken } = await (await page.request.get('/api/session')).json();
  const again = await page.request.post('/api/session', {
    headers: { origin: baseURL, 'x-csrf-token': csrfToken },
    data: { email: ADMIN.email, password: ADMIN.password },
  });
  expect(again.status()).toBe(200);
  expect((await again.json()).mfa).toBe('challenge');
  await section.getByRole('button', { name: 'New recovery codes' }).click();
  await expectOnCodePage(page);
  expect(new URL(page.url()).searchParams.get('redirect')).toBe('/profile');
});

test('a recovery code signs in once instead of the app; replaced and used ones are refused', async ({ page }) => {
  const { recoveryCode, replacedRecoveryCode } = kept;
  expect(recoveryCode, 'needs a recovery code from the earlier steps').toBeDefined();
  await page.goto('/sign-in');
  await signIn(page, ADMIN);
  await expectOnCodePage(page);
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  const field = page.getByLabel('Recovery code');
  await expect(field).toBeFocused();
  await expectNoAxeViolations(page, 'code page, recovery code (en)');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByLabel('Wiederherstellungscode')).toBeVisible();
  await expectNoAxeViolations(page, 'code page, recovery code (de)');
  await switchLanguage(page, 'English');

  // The codes of before the renewal no longer work.
  await field.fill(replacedRecoveryCode ?? '');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toHaveText('The recovery code is wrong or was used already.');

  // Typed in capitals, as read off a printout: still the same code.
  await field.fill((recoveryCode ?? '').toUpperCase());
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL('/admin/users');
  // The code page is for sessions whose code is due: this one goes on to the page asked for.
  await page.goto('/sign-in/code?redirect=%2Fprofile');
  await expect(page).toHaveURL('/profile');
  await expect(
    page.getByRole('region', { name: 'Two-factor authentication' }).getByText('9 unused codes left'),
  ).toBeVisible();
  // So is the set-up page: this account has its app.
  await page.goto('/sign-in/set-up');
  await expect(page).toHaveURL('/admin/users');
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=signed_out$/);

  // The same recovery code a second time: refused.
  await signIn(page, ADMIN);
  await expectOnCodePage(page);
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(recoveryCode ?? '');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toHaveText('The recovery code is wrong or was used already.');

  // Signing out from the code page ends the half-done session.
  await page.getByRole('main').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=signed_out$/);
  await expect(page.getByText('You have signed out.')).toBeVisible();
  expect((await page.request.get('/api/session')).status()).toBe(401);
  await page.goto('/sign-in/code');
  await expect(page).toHaveURL('/sign-in');
});

test('the profile replaces the authenticator app: the new one signs in, the old one no longer', async ({ page }) => {
  const oldApp: Person = { ...ADMIN };
  await page.goto('/profile');
  await signIn(page, ADMIN);
  await answerCodePage(page, ADMIN);
  await expect(page).toHaveURL('/profile');

  const section = await startAppSetUp(page, ADMIN, 'Set up a new authenticator app');
  expect(ADMIN.secret).not.toBe(oldApp.secret);
  await expect(section.getByRole('button', { name: 'Cancel' })).toBeVisible();
  await confirmAppSetUp(page, ADMIN);
  await section.getByRole('button', { name: 'I have saved the codes' }).click();
  await expect(section.getByRole('heading', { name: 'Two-factor authentication' })).toBeFocused();
  await expect(section.getByText('10 unused codes left')).toBeVisible();
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=signed_out$/);

  await signIn(page, ADMIN);
  await expectOnCodePage(page);
  await page.getByLabel('Six-digit code').fill(wrongCode(oldApp));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toContainText('The code is wrong');
  await answerCodePage(page, ADMIN, { totp: true });
  await expect(page).toHaveURL('/admin/users');
});
