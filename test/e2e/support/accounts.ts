import { type BrowserContext, expect, type Page } from '@playwright/test';
import { SERVERS } from './servers.ts';

export interface Person {
  readonly email: string;
  readonly name: string;
  readonly password: string;
}

/** Signs in on the sign-in page the browser is on (English UI). */
export async function signIn(page: Page, person: Pick<Person, 'email' | 'password'>): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
  await page.getByLabel('E-mail address').fill(person.email);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Types a new password twice (English UI) and submits the form with the given button. */
export async function setNewPassword(page: Page, password: string, submit: string): Promise<void> {
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('Repeat the password').fill(password);
  await page.getByRole('button', { name: submit }).click();
}

/** Answers the password prompt of a sensitive action (English UI). */
export async function confirmStepUp(page: Page, password: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Confirm with your password' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Password', { exact: true }).fill(password);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();
}

/** The one-time link shown in the read-only field with the given label, checked to be a link of that kind. */
export async function shownLink(page: Page, label: string, kind: 'invite' | 'reset'): Promise<string> {
  const field = page.getByLabel(label, { exact: true });
  await expect(field).toHaveValue(new RegExp(`/${kind}#[A-Za-z0-9_-]{43}$`));
  return field.inputValue();
}

export async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((cookie) => cookie.name === '__Host-tma');
}

/**
 * Lets the password confirmation of the sign-in lapse (the main e2e server keeps it for a few seconds, not five
 * minutes), so that the next sensitive action meets the real step-up prompt of the real server.
 */
export async function letStepUpLapse(page: Page): Promise<void> {
  await page.waitForTimeout(SERVERS.main.stepUpSeconds * 1000 + 500);
}
