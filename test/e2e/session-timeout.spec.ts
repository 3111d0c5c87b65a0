import { expect, test } from '@playwright/test';
import { completeMfaSetUp, type Person, sessionCookie, signIn, signInWithCode } from './support/accounts.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { skipWithoutChromium } from './support/chromium.ts';
import { baseUrlOf, readSetupLink, SERVERS } from './support/servers.ts';

skipWithoutChromium();

/** Against the second server, whose sessions end after 4 idle seconds. */
const baseURL = baseUrlOf('timeout');
test.use({ locale: 'en-GB', baseURL });

const ADMIN: Person = {
  email: 'ida.admin@example.org',
  name: 'Ida Admin',
  password: 'idle sessions end after a while',
};

test('an idle session times out with a clear message; signing out ends the session on the server', async ({
  page,
  context,
}) => {
  // A short setup through the API (the journey spec covers the setup page).
  const token = new URL(await readSetupLink('timeout')).hash.slice(1);
  const setup = await page.request.post('/api/setup', {
    headers: { origin: baseURL },
    data: {
      token,
      admin: { email: ADMIN.email, displayName: ADMIN.name, password: ADMIN.password },
      teamLead: { email: 'ira.lead@example.org', displayName: 'Ira Lead' },
    },
  });
  expect(setup.status()).toBe(201);

  // The administrator's role requires two-factor authentication: set up at this first sign-in.
  await page.goto('/sign-in');
  await signIn(page, ADMIN);
  await completeMfaSetUp(page, ADMIN);
  await expect(page).toHaveURL('/admin/users');

  // The session cookie: host-only, HTTPS only, invisible to scripts, never sent from other sites.
  const cookie = await sessionCookie(context);
  expect(cookie, 'session cookie __Host-tma').toBeDefined();
  expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict', path: '/', domain: 'localhost' });
  expect(await page.evaluate(() => document.cookie)).toBe('');

  // Idle past the timeout, then go on to another page.
  await page.waitForTimeout((SERVERS.timeout.idleSeconds + 2) * 1000);
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Profile' }).click();
  await expect(page).toHaveURL(/\/sign-in\?/);
  await expect(page.getByText('Your session timed out', { exact: true })).toBeVisible();
  await expect(page.getByText(/you were signed out after a period of inactivity/)).toBeVisible();
  await expectNoAxeViolations(page, 'sign-in after timeout (en)');

  // Signing in again leads back to where the user was (hovering the link may already have found the session
  // gone, while still on the users page) or was going.
  const back = new URL(page.url()).searchParams.get('redirect');
  expect(['/profile', '/admin/users']).toContain(back);
  await signInWithCode(page, ADMIN);
  await expect(page).toHaveURL(back ?? '');
  const before = await sessionCookie(context);
  expect(before).toBeDefined();

  const signOut = page.waitForResponse(
    (response) => response.url() === `${baseURL}/api/session` && response.request().method() === 'DELETE',
  );
  await page.getByRole('button', { name: 'Sign out' }).click();
  expect((await signOut).status(), 'DELETE /api/session').toBe(204);
  await expect(page).toHaveURL('/sign-in?notice=signed_out');
  await expect(page.getByText('You have signed out.')).toBeVisible();
  expect(await sessionCookie(context)).toBeUndefined();

  // The old cookie, replayed, is refused: the session ended on the server, not just in this browser. (A session
  // that had merely timed out would answer session_expired.)
  if (before !== undefined) await context.addCookies([before]);
  const replay = await page.request.get('/api/session');
  expect(replay.status()).toBe(401);
  expect((await replay.json()).code).toBe('unauthenticated');
});
