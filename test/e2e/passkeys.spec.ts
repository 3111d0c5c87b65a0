import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import {
  confirmIfAsked,
  expectOnCodePage,
  expectOnSetUpPage,
  letStepUpLapse,
  type Person,
  setNewPassword,
  signIn,
  signInWithCode,
} from './support/accounts.ts';
import { switchLanguage } from './support/app.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { skipWithoutChromium } from './support/chromium.ts';
import { baseUrlOf } from './support/servers.ts';
import { approveThreatManager, setUpAndInviteThreatManager } from './support/team.ts';
import {
  addVirtualAuthenticator,
  passkeysIn,
  removeVirtualAuthenticator,
  setUserVerified,
  type VirtualAuthenticator,
} from './support/webauthn.ts';

skipWithoutChromium();

/**
 * Passkeys, one step per test, in order, against a server of its own: setup → the administrator sets up an
 * authenticator app and invites a threat manager → the team lead sets up an app and approves → the threat
 * manager, in a browser of their own whose "laptop" is one of Chromium's virtual authenticators, sets a password
 * and chooses a passkey on the set-up page (recovery codes shown once) → signs in with the password and the
 * passkey as second step, then with the passkey alone → from the profile, cannot remove the last passkey, adds a
 * second one (on another "device": the first refuses to hold two of the same account), and removes the first,
 * confirming with a passkey → the administrator still signs in with password and code.
 *
 * One file, one journey: the passkeys live in the threat manager's browser, which the steps hand on.
 */
test.describe.configure({ mode: 'serial' });
const baseURL = baseUrlOf('passkeys');
test.use({ locale: 'en-GB', baseURL });

const ADMIN: Person = {
  email: 'pia.admin@example.org',
  name: 'Pia Admin',
  password: 'passkeys are keys that cannot be phished',
};
const LEAD: Person = {
  email: 'leo.lead@example.org',
  name: 'Leo Lead',
  password: 'leo approves with a second pair of eyes',
};
const MANAGER: Person = {
  email: 'kim.manager@example.org',
  name: 'Kim Manager',
  password: 'kim keeps her passkeys on the laptop',
};

const FIRST = 'Work laptop';
const SECOND = 'Home desktop';

/** Handed on from step to step: the links, and the threat manager's browser with its authenticator. */
const kept: {
  leadInvitation?: string;
  managerInvitation?: string;
  manager?: { context: BrowserContext; page: Page; laptop: VirtualAuthenticator };
} = {};

test.afterAll(async () => {
  await kept.manager?.context.close();
});

function managerBrowser() {
  const { manager } = kept;
  if (manager === undefined) throw new Error('needs the threat manager’s browser from the set-up step');
  return manager;
}

const twoFactor = (page: Page) => page.getByRole('region', { name: 'Two-factor authentication' });

test('the administrator sets up an authenticator app and invites a threat manager for approval', async ({ page }) => {
  kept.leadInvitation = await setUpAndInviteThreatManager(page, 'passkeys', {
    admin: ADMIN,
    lead: LEAD,
    manager: MANAGER,
  });
});

test('the team lead sets up an app and approves the threat manager, receiving the invitation', async ({ browser }) => {
  kept.managerInvitation = await approveThreatManager(browser, 'passkeys', LEAD, kept.leadInvitation ?? '', MANAGER);
});

test('the threat manager sets a password and chooses a passkey at the first sign-in', async ({ browser }) => {
  test.setTimeout(60_000);
  expect(kept.managerInvitation, 'needs the link from the approval').toBeDefined();
  const context = await browser.newContext({ locale: 'en-GB', baseURL });
  const page = await context.newPage();
  const laptop = await addVirtualAuthenticator(context, page);
  kept.manager = { context, page, laptop };

  await page.goto(kept.managerInvitation ?? '');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to TMA');
  await setNewPassword(page, MANAGER.password, 'Set password');
  await expect(page.getByText('Your password is set. You can sign in now.')).toBeVisible();
  await signIn(page, MANAGER);

  // Two ways, side by side: the app, or a passkey.
  await expectOnSetUpPage(page);
  const region = twoFactor(page);
  await expect(region.getByRole('heading', { name: 'An authenticator app' })).toBeVisible();
  await expect(region.getByRole('heading', { name: 'A passkey' })).toBeVisible();
  await expect(region.getByRole('button', { name: 'Set up the authenticator app' })).toBeVisible();
  await expectNoAxeViolations(page, 'set-up choice (en)');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('button', { name: 'Passkey einrichten' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Authenticator-App jetzt einrichten' })).toBeVisible();
  await expectNoAxeViolations(page, 'set-up choice (de)');
  await switchLanguage(page, 'English');

  await region.getByRole('button', { name: 'Set up a passkey' }).click();
  await expect(region.getByRole('heading', { name: 'Add a passkey' })).toBeFocused();
  const name = region.getByLabel('Name of the passkey');
  await expect(name).toHaveAttribute('maxlength', '60');
  await region.getByRole('button', { name: 'Create the passkey' }).click();
  await expect(name).toBeFocused();
  await expect(region.getByText('Please fill in this field.')).toBeVisible();
  await expectNoAxeViolations(page, 'set-up, naming the passkey (en)');

  // Should the browser's prompt fail (here: the "fingerprint" is not recognised), the page says so in words.
  await setUserVerified(laptop, false);
  await name.fill(FIRST);
  await region.getByRole('button', { name: 'Create the passkey' }).click();
  const failed = region.getByRole('alert');
  await confirmIfAsked(page, MANAGER.password, failed);
  await expect(failed).toHaveText(
    'The passkey prompt was closed or timed out, or no passkey for TMA was found. Nothing has changed; please try again.',
  );
  expect(await passkeysIn(laptop)).toBe(0);
  await setUserVerified(laptop, true);

  // The first second factor of the account: ten recovery codes, shown once, as with the app.
  await region.getByRole('button', { name: 'Create the passkey' }).click();
  const list = region.getByRole('list', { name: 'Your recovery codes' });
  await confirmIfAsked(page, MANAGER.password, list);
  await expect(list.getByRole('listitem')).toHaveCount(10);
  const codes = (await list.getByRole('listitem').allTextContents()).map((code) => code.trim());
  for (const code of codes) expect(code).toMatch(/^[a-z0-9]{5}-?[a-z0-9]{5}$/);
  MANAGER.recoveryCodes = codes;
  await expect(
    region.getByRole('status').filter({ hasText: 'From now on you sign in with your passkey' }),
  ).toBeFocused();
  await expect(region.getByText('These codes are shown only now: you will not see them again.')).toBeVisible();
  expect(await passkeysIn(laptop)).toBe(1);
  await expectNoAxeViolations(page, 'set-up, passkey recovery codes (en)');
  await expectOnSetUpPage(page);

  await region.getByRole('button', { name: 'I have saved the codes' }).click();
  await expect(page).toHaveURL('/');
  await expect(page.getByText(`You are signed in as ${MANAGER.name} (Threat manager).`)).toBeVisible();

  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Profile' }).click();
  const section = twoFactor(page);
  await expect(section.getByText('On', { exact: true })).toBeVisible();
  await expect(section.getByText('None set up: you use passkeys.')).toBeVisible();
  await expect(section.getByText('10 unused codes left')).toBeVisible();
  const row = section.getByRole('table', { name: 'Your passkeys' }).getByRole('row', { name: new RegExp(FIRST) });
  await expect(row).toContainText('Not yet');
  await expectNoAxeViolations(page, 'profile with a passkey (en)');
});

test('the passkey answers the second step after the password, and signs in alone', async () => {
  test.setTimeout(60_000);
  const { page, laptop } = managerBrowser();
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=signed_out$/);

  // After the password: the code page offers the passkey besides the code.
  await signIn(page, MANAGER);
  await expectOnCodePage(page);
  await expectNoAxeViolations(page, 'code page with the passkey option (en)');
  await page.getByRole('button', { name: 'Use a passkey' }).click();
  await expect(page).toHaveURL('/');
  await expect(page.getByRole('banner')).toContainText(MANAGER.name);
  // Signed out on the start page, which anyone may see, the browser stays there.
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('Please sign in to work with TMA.')).toBeVisible();
  await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();

  // Without e-mail address or password. A refused "fingerprint" is said in words, and nothing happens.
  await expectNoAxeViolations(page, 'sign-in with the passkey option (en)');
  await setUserVerified(laptop, false);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page.getByRole('alert')).toContainText('The passkey prompt was closed or timed out');
  await expect(page.getByRole('alert')).toBeFocused();
  await setUserVerified(laptop, true);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page).toHaveURL('/');
  await expect(page.getByRole('banner')).toContainText(MANAGER.name);
  expect((await page.request.get('/api/me/sessions')).status()).toBe(200);
});

test('the profile keeps the last passkey, adds a second on another device, and removes the first', async () => {
  test.setTimeout(90_000);
  const manager = managerBrowser();
  const { page, context, laptop } = manager;
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Profile' }).click();
  const section = twoFactor(page);
  const table = section.getByRole('table', { name: 'Your passkeys' });
  await expect(table.getByRole('row', { name: new RegExp(FIRST) })).not.toContainText('Not yet');

  // The only second factor of a role that requires one stays; the step-up may be answered with the passkey.
  await letStepUpLapse(page);
  await section.getByRole('button', { name: `Remove passkey “${FIRST}”` }).click();
  const confirm = page.getByRole('dialog', { name: `Remove the passkey “${FIRST}”?` });
  await expect(confirm).toBeVisible();
  await expectNoAxeViolations(page, 'confirming the removal of a passkey (en)');
  await confirm.getByRole('button', { name: 'Remove the passkey' }).click();
  const prompt = page.getByRole('dialog', { name: 'Confirm with your password' });
  await prompt.getByRole('button', { name: 'Use a passkey instead' }).click();
  await expect(prompt).toBeHidden();
  await expect(section.getByRole('alert')).toHaveText(
    'This is your last second factor, and your role requires one. Please add another passkey or an authenticator app first, then remove this one.',
  );
  await expect(table.getByRole('row')).toHaveCount(2);

  // The laptop holds a passkey of this account already, and refuses a second one.
  await section.getByRole('button', { name: 'Add a passkey' }).click();
  await expect(section.getByRole('heading', { name: 'Add a passkey' })).toBeFocused();
  await section.getByLabel('Name of the passkey').fill(SECOND);
  await section.getByRole('button', { name: 'Create the passkey' }).click();
  const refused = section.getByRole('alert');
  await expect(prompt.or(refused).first()).toBeVisible();
  if (await prompt.isVisible()) await prompt.getByRole('button', { name: 'Use a passkey instead' }).click();
  await expect(refused).toHaveText(
    'This device or password manager holds a passkey for your account already. Please use another one, or remove the old passkey first.',
  );

  // Another device (the laptop is put away): its passkey is added, without new recovery codes.
  await removeVirtualAuthenticator(laptop);
  const desktop = await addVirtualAuthenticator(context, page, laptop.cdp);
  manager.laptop = desktop;
  await section.getByRole('button', { name: 'Create the passkey' }).click();
  const added = section.getByRole('status').filter({ hasText: `The passkey “${SECOND}” has been added.` });
  await confirmIfAsked(page, MANAGER.password, added);
  await expect(added).toBeFocused();
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(section.getByText('10 unused codes left')).toBeVisible();
  expect(await passkeysIn(desktop)).toBe(1);

  // Now the first may go, confirmed with the passkey on the desktop.
  await letStepUpLapse(page);
  await section.getByRole('button', { name: `Remove passkey “${FIRST}”` }).click();
  await confirm.getByRole('button', { name: 'Remove the passkey' }).click();
  await prompt.getByRole('button', { name: 'Use a passkey instead' }).click();
  await expect(prompt).toBeHidden();
  const removed = section.getByRole('status').filter({ hasText: `The passkey “${FIRST}” has been removed.` });
  await expect(removed).toBeFocused();
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table.getByRole('row', { name: new RegExp(SECOND) })).toBeVisible();
  await expectNoAxeViolations(page, 'profile with passkeys (en)');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('table', { name: 'Ihre Passkeys' })).toBeVisible();
  await expectNoAxeViolations(page, 'profile with passkeys (de)');
  await switchLanguage(page, 'English');

  // The desktop's passkey signs in alone.
  await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=signed_out$/);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await expect(page).toHaveURL('/');
  await expect(page.getByRole('banner')).toContainText(MANAGER.name);
});

test('the administrator still signs in with the password and a code of the app', async ({ page }) => {
  await page.goto('/admin/users');
  await signInWithCode(page, ADMIN);
  await expect(page).toHaveURL('/admin/users');
  await expect(page.getByRole('banner')).toContainText(ADMIN.name);
});
