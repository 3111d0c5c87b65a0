import { expect, type Page, test } from '@playwright/test';
import { generateSync } from 'otplib';
import { confirmStepUp, letStepUpLapse, type Person, signIn } from './support/accounts.ts';
import { switchLanguage } from './support/app.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { skipWithoutChromium } from './support/chromium.ts';
import { baseUrlOf, readSetupLink } from './support/servers.ts';

skipWithoutChromium();

/**
 * Two-factor authentication with an authenticator app, one step per test, in order, against a server of its
 * own: the administrator (signed in with the password alone) sets up the app from the profile and keeps a
 * recovery code → signing in now asks for a code: a wrong one is refused, the right one signs in, and a code of
 * the app confirms a sensitive action → a recovery code signs in once, and never again. The test computes the
 * app's codes itself from the key the page shows.
 */
test.describe.configure({ mode: 'serial' });
const baseURL = baseUrlOf('mfa');
test.use({ locale: 'en-GB', baseURL });

const ADMIN: Person = {
  email: 'mia.admin@example.org',
  name: 'Mia Admin',
  password: 'two factors keep the door firmly shut',
};

/**
 * Handed on from step to step: the app's key, the last 30-second step whose code the server took (it takes
 * each step once, and only later ones), and recovery codes as the user would keep them.
 */
const kept: { secret?: string; lastStep: number; recoveryCode?: string; replacedRecoveryCode?: string } = {
  lastStep: 0,
};

const PERIOD_SECONDS = 30;
const currentStep = () => Math.floor(Date.now() / 1000 / PERIOD_SECONDS);

/**
 * A code of the app the server has not taken yet: the current step's, or if that one was used, the next step's
 * (the server takes a code one step early); if that was used too, waits until it may be given.
 */
async function freshCode(page: Page): Promise<string> {
  const secret = kept.secret;
  if (secret === undefined) throw new Error('needs the key from the set-up');
  const step = Math.max(currentStep(), kept.lastStep + 1);
  while (step > currentStep() + 1) await page.waitForTimeout(500);
  kept.lastStep = step;
  return generateSync({ secret, epoch: step * PERIOD_SECONDS });
}

/** A code that is certainly none of the app's codes now: the current one with its last digit changed. */
function wrongCode(): string {
  const right = generateSync({ secret: kept.secret ?? '', epoch: currentStep() * PERIOD_SECONDS });
  return `${right.slice(0, 5)}${(Number(right.slice(5)) + 5) % 10}`;
}

async function expectOnCodePage(page: Page): Promise<void> {
  await expect(page).toHaveURL(/\/sign-in\/code(\?|$)/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Confirm your sign-in');
}

test('setup, then the administrator signs in with the password and sets up an authenticator app', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const token = new URL(await readSetupLink('mfa')).hash.slice(1);
  const setup = await page.request.post('/api/setup', {
    headers: { origin: baseURL },
    data: {
      token,
      admin: { email: ADMIN.email, displayName: ADMIN.name, password: ADMIN.password },
      teamLead: { email: 'tia.lead@example.org', displayName: 'Tia Lead' },
    },
  });
  expect(setup.status()).toBe(201);

  // Without a second factor, the password alone signs in, as before.
  await page.goto('/sign-in');
  await signIn(page, ADMIN);
  await expect(page).toHaveURL('/admin/users');
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Profile' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your profile');
  const section = page.getByRole('region', { name: 'Two-factor authentication' });
  await expect(section.getByText('Off', { exact: true })).toBeVisible();
  await expect(section.getByText('None set up: signing in needs your password only.')).toBeVisible();
  await expectNoAxeViolations(page, 'profile, two-factor off (en)');
  await switchLanguage(page, 'Deutsch');
  const abschnitt = page.getByRole('region', { name: 'Zwei-Faktor-Authentifizierung' });
  await expect(abschnitt.getByRole('button', { name: 'Authenticator-App einrichten' })).toBeVisible();
  await expectNoAxeViolations(page, 'profile, two-factor off (de)');
  await switchLanguage(page, 'English');

  // Setting up is protected: the password is asked for again once the confirmation of the sign-in lapsed.
  await letStepUpLapse(page);
  await section.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await confirmStepUp(page, ADMIN.password);
  await expect(section.getByRole('heading', { name: 'Set up an authenticator app' })).toBeFocused();
  const qr = section.getByRole('img', { name: 'QR code for TMA, to scan with your authenticator app' });
  await expect(qr).toBeVisible();
  await expect(qr).toHaveAttribute('src', /^data:image\/png;base64,/);
  const shownKey = await section.getByLabel('Key for typing in').inputValue();
  expect(shownKey).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
  kept.secret = shownKey.replaceAll(' ', '');
  await expect(section.getByRole('link', { name: 'Open in an authenticator app on this device' })).toHaveAttribute(
    'href',
    new RegExp(`^otpauth://totp/.*secret=${kept.secret}`),
  );
  await expectNoAxeViolations(page, 'profile, setting up the app (en)');

  // An empty code is refused at the field; the app's current code switches two-factor authentication on.
  const confirm = section.getByRole('button', { name: 'Confirm and switch on' });
  await confirm.click();
  await expect(section.getByLabel('Six-digit code')).toBeFocused();
  await expect(section.getByText('Please fill in this field.')).toBeVisible();
  await section.getByLabel('Six-digit code').fill(await freshCode(page));
  await confirm.click();
  await expect(section.getByRole('status').filter({ hasText: 'Two-factor authentication is on.' })).toBeFocused();

  // Ten recovery codes, shown once, to copy and keep.
  const list = section.getByRole('list', { name: 'Your recovery codes' });
  await expect(list.getByRole('listitem')).toHaveCount(10);
  const codes = (await list.getByRole('listitem').allTextContents()).map((code) => code.trim());
  for (const code of codes) expect(code).toMatch(/^[a-z0-9]{5}-?[a-z0-9]{5}$/);
  expect(new Set(codes).size).toBe(10);
  kept.recoveryCode = codes[3];
  await expect(section.getByText('These codes are shown only now: you will not see them again.')).toBeVisible();
  await section.getByRole('button', { name: 'Copy the codes' }).click();
  await expect(section.getByText('Recovery codes copied to the clipboard.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(codes.join('\n'));
  await expectNoAxeViolations(page, 'profile, recovery codes (en)');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('heading', { name: 'Ihre Wiederherstellungscodes' })).toBeVisible();
  await expectNoAxeViolations(page, 'profile, recovery codes (de)');
  await switchLanguage(page, 'English');

  await section.getByRole('button', { name: 'I have saved the codes' }).click();
  await expect(section.getByRole('heading', { name: 'Two-factor authentication' })).toBeFocused();
  await expect(list).toHaveCount(0);
  await expect(section.getByText('On', { exact: true })).toBeVisible();
  await expect(section.getByText(/^Set up on /)).toBeVisible();
  await expect(section.getByText('10 unused codes left')).toBeVisible();
  await expectNoAxeViolations(page, 'profile, two-factor on (en)');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByText('Noch 10 unbenutzte Codes')).toBeVisible();
  await expectNoAxeViolations(page, 'profile, two-factor on (de)');
});

test('signing in now asks for a code: a wrong one is refused, the right one signs in and confirms actions', async ({
  page,
}) => {
  test.setTimeout(90_000);
  expect(kept.secret, 'needs the key from the set-up').toBeDefined();
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
  await expectNoAxeViolations(page, 'code page (en)');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Anmeldung bestätigen');
  await expect(page.getByLabel('Sechsstelliger Code')).toBeVisible();
  await expectNoAxeViolations(page, 'code page (de)');
  await switchLanguage(page, 'English');

  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(field).toBeFocused();
  await expect(page.getByText('Please fill in this field.')).toBeVisible();
  await field.fill(wrongCode());
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'The code is wrong or was used already. Please wait for the next code and try again.',
  );
  await expect(page.getByRole('alert')).toBeFocused();
  await expectNoAxeViolations(page, 'code page with an error (en)');

  await field.fill(await freshCode(page));
  await page.getByRole('button', { name: 'Continue' }).click();
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
  await dialog.getByLabel('Six-digit code').fill(await freshCode(page));
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();
  await expect(section.getByText('You have new recovery codes. The old ones no longer work.')).toBeVisible();
  const list = section.getByRole('list', { name: 'Your recovery codes' });
  await expect(list.getByRole('listitem')).toHaveCount(10);
  const codes = (await list.getByRole('listitem').allTextContents()).map((code) => code.trim());
  expect(codes).not.toContain(kept.recoveryCode);
  kept.replacedRecoveryCode = kept.recoveryCode;
  kept.recoveryCode = codes[7];
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
