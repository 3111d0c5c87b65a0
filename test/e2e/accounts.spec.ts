import { type Browser, expect, type Page, test } from '@playwright/test';
import {
  answerCodePage,
  completeMfaSetUp,
  confirmStepUp,
  letStepUpLapse,
  type Person,
  sessionCookie,
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
 * The accounts journey, one step per test, in order, against the main server: setup → the first team lead's
 * invitation → the administrator invites a threat manager → a team lead approves → the threat manager starts.
 * Each person uses a browser context of their own, as they would their own computer. Every role here requires
 * two-factor authentication: each person sets up the app at their first sign-in, and enters a code at later ones.
 */
test.describe.configure({ mode: 'serial' });
test.use({ locale: 'en-GB' });

const ADMIN: Person = {
  email: 'ada.admin@example.org',
  name: 'Ada Admin',
  password: 'the administrator keeps a long passphrase',
};
const LEAD: Person = {
  email: 'lea.lead@example.org',
  name: 'Lea Lead',
  password: 'lea leads the team with calm words',
};
const MANAGER: Person = {
  email: 'tom.manager@example.org',
  name: 'Tom Manager',
  password: 'tom manages threats before breakfast',
};

/** Links handed over from one step to the next, as the people would hand them over in person. */
const handedOver: { leadInvitation?: string; managerInvitation?: string } = {};

async function freshPage(browser: Browser, locale = 'en-GB'): Promise<Page> {
  const context = await browser.newContext({ locale, baseURL: baseUrlOf('main') });
  return context.newPage();
}

test('setup creates the administrator and the first team lead, and shows the team lead’s link once', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(await readSetupLink('main'));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Set up TMA');
  await expect(page).toHaveTitle('Setup · TMA');
  await expectNoAxeViolations(page, 'setup (en)');

  // An empty form is refused field by field, and focus goes to the first field to correct.
  await page.getByRole('button', { name: 'Complete setup' }).click();
  const admin = page.getByRole('group', { name: 'Your administrator account' });
  const lead = page.getByRole('group', { name: 'The first team lead' });
  await expect(admin.getByLabel('E-mail address')).toBeFocused();
  await expect(admin.getByLabel('E-mail address')).toHaveAttribute('aria-invalid', 'true');
  await expect(admin.getByText('Please fill in this field.').first()).toBeVisible();
  await expectNoAxeViolations(page, 'setup with errors (en)');

  await admin.getByLabel('E-mail address').fill(ADMIN.email);
  await admin.getByLabel('Name').fill(ADMIN.name);
  await admin.getByLabel('Password', { exact: true }).fill('too short');
  await admin.getByLabel('Repeat the password').fill('too short');
  await lead.getByLabel('E-mail address').fill(LEAD.email);
  await lead.getByLabel('Name').fill(LEAD.name);
  await page.getByRole('button', { name: 'Complete setup' }).click();
  await expect(admin.getByLabel('Password', { exact: true })).toBeFocused();
  await expect(page.getByText('The password needs at least 15 characters; this one has 9.')).toBeVisible();

  await admin.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await admin.getByLabel('Repeat the password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Complete setup' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Setup complete');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  const link = await shownLink(page, 'One-time link for Lea Lead', 'invite');
  await page.getByRole('button', { name: 'Copy link' }).click();
  await expect(page.getByText('Link copied to the clipboard.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await expect(page.getByText(/Hand it over in person/)).toBeVisible();
  await expectNoAxeViolations(page, 'setup done (en)');
  handedOver.leadInvitation = link;

  // Setup runs once.
  await page.goto('/setup');
  await expect(page.getByText('TMA is already set up')).toBeVisible();
});

test('the team lead opens the invitation in a fresh browser, in German, and sets a password', async ({ browser }) => {
  const link = handedOver.leadInvitation;
  // Serial journey: the link comes from the previous test; without it this one fails rather than skips.
  expect(link, 'needs the link from setup').toBeDefined();
  const page = await freshPage(browser, 'de-DE');
  await page.goto(link ?? '');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Willkommen bei TMA');
  await expect(page.getByText(LEAD.email)).toBeVisible();
  await expect(page.getByText('Sie wurden zu TMA eingeladen, Lea Lead. Bitte wählen Sie Ihr Passwort.')).toBeVisible();
  await expect(page.getByText(/Mindestens 15 Zeichen; lange Passphrasen sind willkommen/)).toBeVisible();
  await expectNoAxeViolations(page, 'invitation (de)');

  // The server refuses easily guessed passwords, whatever their length.
  await page.getByLabel('Neues Passwort').fill('aaaaaaaaaaaaaaaaaaaa');
  await page.getByLabel('Passwort wiederholen').fill('aaaaaaaaaaaaaaaaaaaa');
  await page.getByRole('button', { name: 'Passwort festlegen' }).click();
  await expect(page.getByRole('alert')).toContainText('zu leicht zu erraten');
  await expect(page.getByRole('alert')).toBeFocused();

  await page.getByLabel('Neues Passwort').fill(LEAD.password);
  await page.getByLabel('Passwort wiederholen').fill(`${LEAD.password} `);
  await page.getByRole('button', { name: 'Passwort festlegen' }).click();
  await expect(page.getByText('Die beiden Passwörter stimmen nicht überein.')).toBeVisible();
  await expect(page.getByLabel('Passwort wiederholen')).toBeFocused();

  await page.getByLabel('Passwort wiederholen').fill(LEAD.password);
  await page.getByRole('button', { name: 'Passwort festlegen' }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=password_set$/);
  await expect(page.getByText('Ihr Passwort ist festgelegt. Sie können sich jetzt anmelden.')).toBeVisible();
  await expectNoAxeViolations(page, 'sign-in after invitation (de)');

  // The link worked once.
  await page.goto(link ?? '');
  await expect(page.getByText('Dieser Link ist ungültig')).toBeVisible();
  await expectNoAxeViolations(page, 'used link (de)');
  await page.context().close();
});

test('the administrator signs in, sees the team lead active, and invites a threat manager for approval', async ({
  page,
  context,
}) => {
  // A protected page sends an anonymous visitor to the sign-in page, which then leads back.
  await page.goto('/admin/users');
  await expect(page).toHaveURL(/\/sign-in\?redirect=/);
  await expect(page).toHaveTitle('Sign in · TMA');
  await expectNoAxeViolations(page, 'sign-in (en)');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Anmelden');
  await expectNoAxeViolations(page, 'sign-in (de)');
  await switchLanguage(page, 'English');

  await signIn(page, { email: ADMIN.email, password: 'not the right password at all' });
  await expect(page.getByRole('alert')).toHaveText('The e-mail address or the password is wrong.');
  await expect(page.getByRole('alert')).toBeFocused();

  await signIn(page, ADMIN);
  await completeMfaSetUp(page, ADMIN);
  await expect(page).toHaveURL('/admin/users');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Users');
  const banner = page.getByRole('banner');
  await expect(banner).toContainText(ADMIN.name);
  await expect(banner).toContainText('Administrator');
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await expect(nav.getByRole('link', { name: 'Users' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Profile' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Approvals' })).toHaveCount(0);

  const cookie = await sessionCookie(context);
  expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });

  const table = page.getByRole('table', { name: /All accounts/ });
  const leadRow = table.getByRole('row', { name: new RegExp(LEAD.name) });
  await expect(leadRow).toContainText('Team lead');
  await expect(leadRow).toContainText('Active');
  await expect(table.getByRole('row', { name: new RegExp(ADMIN.name) })).toContainText('Your own account');
  await expectNoAxeViolations(page, 'users (en)');

  // Inviting is protected: the password is asked for again, and a wrong one is refused in the dialog.
  await letStepUpLapse(page);
  const invite = page.getByRole('region', { name: 'Invite a user' });
  await invite.getByLabel('E-mail address').fill(MANAGER.email);
  await invite.getByLabel('Name').fill(MANAGER.name);
  await invite.getByLabel('Role').selectOption('threat_manager');
  await expect(invite.getByText('This role can see case content: a team lead must approve it.')).toBeVisible();
  await invite.getByRole('button', { name: 'Invite' }).click();
  const dialog = page.getByRole('dialog', { name: 'Confirm with your password' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Password', { exact: true })).toBeFocused();
  await expectNoAxeViolations(page, 'step-up dialog (en)');
  await dialog.getByLabel('Password', { exact: true }).fill('a wrong password for sure');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('The password is wrong. Please try again.');
  await confirmStepUp(page, ADMIN.password);

  await expect(
    page.getByText(`${MANAGER.name} has been invited as Threat manager: this awaits a team lead's approval.`),
  ).toBeVisible();
  await expect(page.getByText(/The approving team lead receives the one-time link/)).toBeVisible();
  // No link for the administrator: it goes to the approving team lead.
  await expect(page.getByRole('textbox', { name: /Invitation link/ })).toHaveCount(0);
  const managerRow = table.getByRole('row', { name: new RegExp(MANAGER.name) });
  await expect(managerRow).toContainText('Invited');
  await expect(managerRow).toContainText('Role awaiting approval');
  await expectNoAxeViolations(page, 'users after invitation (en)');
});

test('the team lead signs in, approves with the password, and gets the threat manager’s link', async ({ page }) => {
  await page.goto('/sign-in');
  await signIn(page, LEAD);
  await completeMfaSetUp(page, LEAD);
  await expect(page).toHaveURL('/approvals');
  await expect(page.getByRole('banner')).toContainText('Team lead');
  const row = page.getByRole('row', { name: new RegExp(MANAGER.name) });
  await expect(row).toContainText('Role: Threat manager');
  await expect(row).toContainText(ADMIN.name);
  await expectNoAxeViolations(page, 'approvals (en)');

  await letStepUpLapse(page);
  await row.getByRole('button', { name: /^Approve/ }).click();
  await confirmStepUp(page, LEAD.password);
  await expect(page.getByText(`Approved: ${MANAGER.name} gets the requested role.`)).toBeVisible();
  handedOver.managerInvitation = await shownLink(page, `Invitation link for ${MANAGER.name}`, 'invite');
  await expect(page.getByText('Nothing is waiting for approval.')).toBeVisible();
  await expectNoAxeViolations(page, 'approvals after approving (en)');

  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Freigaben');
  await expectNoAxeViolations(page, 'approvals (de)');
});

test('the threat manager sets a password in a fresh browser, signs in, and sees their sessions', async ({
  browser,
}) => {
  const link = handedOver.managerInvitation;
  expect(link, 'needs the link from the approval').toBeDefined();
  const page = await freshPage(browser);
  await page.goto(link ?? '');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome to TMA');
  await expect(page.getByText(MANAGER.email)).toBeVisible();
  await setNewPassword(page, MANAGER.password, 'Set password');
  await expect(page.getByText('Your password is set. You can sign in now.')).toBeVisible();

  await signIn(page, MANAGER);
  await completeMfaSetUp(page, MANAGER);
  await expect(page).toHaveURL('/');
  await expect(page.getByText(`You are signed in as ${MANAGER.name} (Threat manager).`)).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Approvals' })).toHaveCount(0);

  // Pages of other roles do not exist for this one.
  await page.goto('/admin/users');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');

  await nav.getByRole('link', { name: 'Profile' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your profile');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  const sessions = page.getByRole('table', { name: 'Your sessions' });
  await expect(sessions.getByRole('row', { name: /This device/ })).toHaveCount(1);
  await expect(sessions.getByRole('row', { name: /Chrome on Linux/ }).first()).toBeVisible();
  await expectNoAxeViolations(page, 'profile (en)');
  await page.context().close();
});

test('the threat manager changes the password: every session ends, and the new one works', async ({ page }) => {
  const newPassword = 'a brand new passphrase for tom';
  await page.goto('/profile');
  await signInWithCode(page, MANAGER);
  await expect(page).toHaveURL('/profile');

  await page.getByLabel('Current password').fill('not my current password');
  await page.getByLabel('New password').fill(newPassword);
  await page.getByLabel('Repeat the password').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('alert')).toHaveText('The current password is wrong.');

  await page.getByLabel('Current password').fill(MANAGER.password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page).toHaveURL(/\/sign-in\?notice=password_changed$/);
  await expect(page.getByText(/Your password has been changed and all your sessions have ended/)).toBeVisible();
  expect((await page.request.get('/api/session')).status()).toBe(401);

  await signInWithCode(page, MANAGER, newPassword);
  await expect(page.getByText(`You are signed in as ${MANAGER.name} (Threat manager).`)).toBeVisible();
});

test('the administrator locks the threat manager, whose sign-in then says so, and unlocks again', async ({
  page,
  browser,
}) => {
  await page.goto('/sign-in');
  await signInWithCode(page, ADMIN);
  const row = page.getByRole('row', { name: new RegExp(MANAGER.name) });
  await expect(row).toContainText('Active');
  await expect(row).not.toContainText('awaiting approval');
  // Locking and unlocking are grants: the password is asked for again once the confirmation lapsed.
  await letStepUpLapse(page);
  await row.getByRole('button', { name: `Lock for ${MANAGER.name}` }).click();
  await confirmStepUp(page, ADMIN.password);
  await expect(page.getByText(`${MANAGER.name}'s account is locked: they can no longer sign in.`)).toBeVisible();
  await expect(row).toContainText('Locked');

  const other = await freshPage(browser);
  await other.goto('/sign-in');
  await signIn(other, { email: MANAGER.email, password: 'a brand new passphrase for tom' });
  await expect(other.getByRole('alert')).toHaveText('This account is locked. Please contact your administrator.');
  await other.context().close();

  await letStepUpLapse(page);
  await row.getByRole('button', { name: `Unlock for ${MANAGER.name}` }).click();
  await confirmStepUp(page, ADMIN.password);
  await expect(row).toContainText('Active');
});

test('a password reset for a threat manager waits for the team lead, whose link sets a new password', async ({
  page,
  browser,
}) => {
  const currentPassword = 'a brand new passphrase for tom';
  const resetPassword = 'tom picks another calm passphrase';
  await page.goto('/sign-in');
  await signInWithCode(page, ADMIN);
  const row = page.getByRole('row', { name: new RegExp(MANAGER.name) });
  await letStepUpLapse(page);
  await row.getByRole('button', { name: `Reset password for ${MANAGER.name}` }).click();
  await confirmStepUp(page, ADMIN.password);
  await expect(row).toContainText('Reset awaiting approval');
  // The administrator gets no reset link for an account that can see case content.
  await expect(page.getByRole('textbox', { name: /Password reset link/ })).toHaveCount(0);

  const lead = await freshPage(browser);
  await lead.goto('/sign-in');
  await signInWithCode(lead, LEAD);
  const request = lead.getByRole('row', { name: new RegExp(MANAGER.name) });
  await expect(request).toContainText('Password reset');
  await letStepUpLapse(lead);
  await request.getByRole('button', { name: /^Approve/ }).click();
  await confirmStepUp(lead, LEAD.password);
  await expect(lead.getByText(`Approved: the password of ${MANAGER.name} can be reset.`)).toBeVisible();
  const link = await shownLink(lead, `Password reset link for ${MANAGER.name}`, 'reset');
  await lead.context().close();

  const tom = await freshPage(browser);
  await tom.goto('/sign-in');
  await signIn(tom, { email: MANAGER.email, password: currentPassword });
  await expect(tom.getByRole('alert')).toBeVisible();
  await tom.goto(link);
  await expect(tom.getByRole('heading', { level: 1 })).toHaveText('Set a new password');
  await expectNoAxeViolations(tom, 'password reset (en)');
  await setNewPassword(tom, resetPassword, 'Set password');
  await expect(tom.getByText('Your password is set. You can sign in now.')).toBeVisible();
  await signIn(tom, { email: MANAGER.email, password: resetPassword });
  await answerCodePage(tom, MANAGER);
  await expect(tom.getByText(`You are signed in as ${MANAGER.name} (Threat manager).`)).toBeVisible();
  await tom.context().close();
});
