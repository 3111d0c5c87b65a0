import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, expect, type Page } from '@playwright/test';
import { signIn, signInWithCode } from './accounts.ts';
import type { IntakePerson } from './intake-team.ts';
import { baseUrlOf, secretsDirOf } from './servers.ts';

/**
 * The browsers of the intake journey (test/e2e/intake.spec.ts): one per person, kept across its serial tests,
 * signed in once; the anonymous reporter's never signs in.
 */
export const INTAKE_URL = baseUrlOf('intake');

const sessions = new Map<string, { context: BrowserContext; page: Page }>();

export const dayOf = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
export const daysAgo = (days: number) => dayOf(new Date(Date.now() - days * 86_400_000));

async function contextFor(browser: Browser, key: string): Promise<Page> {
  const known = sessions.get(key);
  if (known !== undefined) return known.page;
  const context = await browser.newContext({ locale: 'en-GB', baseURL: INTAKE_URL });
  // The copy button writes to the clipboard.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: INTAKE_URL });
  const page = await context.newPage();
  sessions.set(key, { context, page });
  return page;
}

export async function signedIn(browser: Browser, person: IntakePerson): Promise<Page> {
  const fresh = !sessions.has(person.email);
  const page = await contextFor(browser, person.email);
  if (!fresh) return page;
  await page.goto('/sign-in');
  if (person.secret !== undefined) await signInWithCode(page, { ...person, secret: person.secret });
  else await signIn(page, person);
  await expect(page.getByRole('link', { name: 'My reports', exact: true })).toBeVisible();
  return page;
}

export const anonymous = (browser: Browser) => contextFor(browser, 'anonymous');

/** The server answers /readyz before its people are made (test/e2e/support/intake-server.ts). */
export async function intakeTeamReady(): Promise<void> {
  const ready = path.join(secretsDirOf('intake'), 'e2e-team-ready.txt');
  await expect
    .poll(() => existsSync(ready), { message: 'the intake server made its people', timeout: 30_000 })
    .toBe(true);
}

export async function closeSessions(): Promise<void> {
  for (const { context } of sessions.values()) await context.close();
  sessions.clear();
}
