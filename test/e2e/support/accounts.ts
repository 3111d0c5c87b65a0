import { type BrowserContext, expect, type Locator, type Page } from '@playwright/test';
import { generateSync } from 'otplib';
import { SERVERS } from './servers.ts';

export interface Person {
  readonly email: string;
  readonly name: string;
  readonly password: string;
  /** The key of the person's authenticator app, kept by completeMfaSetUp (every role but reporter needs one). */
  secret?: string;
  /** The recovery codes of the last set-up or renewal not used yet, kept as the person would keep them. */
  recoveryCodes?: string[];
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

/**
 * Answers the password prompt if the action asks for it (a sign-in confirms it for a few seconds only on the e2e
 * servers), then waits for the action's outcome.
 */
export async function confirmIfAsked(page: Page, password: string, outcome: Locator): Promise<void> {
  const prompt = page.getByRole('dialog', { name: 'Confirm with your password' });
  await expect(prompt.or(outcome).first()).toBeVisible();
  if (await prompt.isVisible()) await confirmStepUp(page, password);
  await expect(outcome).toBeVisible();
}

/**
 * Like confirmIfAsked, for an action whose outcome is that something goes away (a form closes on success): an
 * outcome that is already visible could not tell a prompt that is still to come.
 */
export async function confirmIfAskedUntilGone(page: Page, password: string, form: Locator): Promise<void> {
  const prompt = page.getByRole('dialog', { name: 'Confirm with your password' });
  await expect.poll(async () => (await prompt.isVisible()) || (await form.count()) === 0).toBe(true);
  if (await prompt.isVisible()) await confirmStepUp(page, password);
  await expect(form).toHaveCount(0);
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

const PERIOD_SECONDS = 30;
export const currentStep = (): number => Math.floor(Date.now() / 1000 / PERIOD_SECONDS);

/**
 * The last 30-second step whose code the server took, per key. The server takes each step once, and only steps
 * later than the last one it took; it accepts the codes of the step before and after the current one as well.
 */
const lastSteps = new Map<string, number>();

/** The step of the next code of this key that the server will take, and whether it may be given now. */
function nextStep(secret: string): { step: number; now: boolean } {
  const step = Math.max(currentStep(), (lastSteps.get(secret) ?? 0) + 1);
  return { step, now: step <= currentStep() + 1 };
}

/**
 * A code of the app the server has not taken yet: the current step's, or, if that one was used, the next step's
 * (taken one step early); if that was used too, waits until it may be given (at most one period).
 */
export async function freshCode(page: Page, person: Pick<Person, 'secret'>): Promise<string> {
  const { secret } = person;
  if (secret === undefined) throw new Error('needs the key of the set-up (completeMfaSetUp)');
  const { step } = nextStep(secret);
  while (step > currentStep() + 1) await page.waitForTimeout(250);
  lastSteps.set(secret, step);
  return generateSync({ secret, epoch: step * PERIOD_SECONDS });
}

/** A code that is certainly none of the app's codes now: the current one with its last digit changed. */
export function wrongCode(person: Pick<Person, 'secret'>): string {
  const right = generateSync({ secret: person.secret ?? '', epoch: currentStep() * PERIOD_SECONDS });
  return `${right.slice(0, 5)}${(Number(right.slice(5)) + 5) % 10}`;
}

export async function expectOnSetUpPage(page: Page): Promise<void> {
  await expect(page).toHaveURL(/\/sign-in\/set-up(\?|$)/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Set up two-factor authentication');
}

export async function expectOnCodePage(page: Page): Promise<void> {
  await expect(page).toHaveURL(/\/sign-in\/code(\?|$)/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Confirm your sign-in');
}

/**
 * Starts the set-up of the authenticator app where the browser is (the set-up page or the profile), confirming
 * the password if asked (a sign-in confirms it only for a few seconds on the e2e servers), and keeps the key shown
 * on the person. Answers the region holding the steps.
 */
export async function startAppSetUp(page: Page, person: Person, button: string, password = person.password) {
  const region = page.getByRole('region', { name: 'Two-factor authentication' });
  await region.getByRole('button', { name: button }).click();
  const prompt = page.getByRole('dialog', { name: 'Confirm with your password' });
  const steps = region.getByRole('heading', { name: 'Set up an authenticator app' });
  await expect(prompt.or(steps).first()).toBeVisible();
  if (await prompt.isVisible()) await confirmStepUp(page, password);
  await expect(steps).toBeFocused();
  const shownKey = await region.getByLabel('Key for typing in').inputValue();
  expect(shownKey).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
  person.secret = shownKey.replaceAll(' ', '');
  return region;
}

/** Confirms a started set-up with the app's code and keeps the ten recovery codes shown (English UI). */
export async function confirmAppSetUp(page: Page, person: Person): Promise<string[]> {
  const region = page.getByRole('region', { name: 'Two-factor authentication' });
  await region.getByLabel('Six-digit code').fill(await freshCode(page, person));
  await region.getByRole('button', { name: 'Confirm and switch on' }).click();
  const list = region.getByRole('list', { name: 'Your recovery codes' });
  await expect(list.getByRole('listitem')).toHaveCount(10);
  const codes = (await list.getByRole('listitem').allTextContents()).map((code) => code.trim());
  person.recoveryCodes = [...codes];
  return codes;
}

/**
 * Completes the set-up page that a first sign-in of every role but reporter leads to (English UI): sets up the
 * app (keeping its key on the person), confirms it with a code, keeps the recovery codes and says they are saved.
 * The page then goes on to the page asked for.
 */
export async function completeMfaSetUp(page: Page, person: Person, password = person.password): Promise<void> {
  await expectOnSetUpPage(page);
  await startAppSetUp(page, person, 'Set up the authenticator app', password);
  await confirmAppSetUp(page, person);
  await page.getByRole('button', { name: 'I have saved the codes' }).click();
  await expect(page).not.toHaveURL(/\/sign-in\/set-up/);
}

/**
 * Answers the code page of a sign-in (English UI) with a code of the person's app. Should every code the server
 * would take now be used already, a kept recovery code stands in rather than waiting for the next 30 seconds
 * (unless `totp` insists on the app, or no recovery code is left).
 */
export async function answerCodePage(page: Page, person: Person, { totp = false } = {}): Promise<void> {
  await expectOnCodePage(page);
  const { secret } = person;
  if (secret === undefined) throw new Error('needs the key of the set-up (completeMfaSetUp)');
  const recoveryCode = person.recoveryCodes?.[0];
  if (!totp && !nextStep(secret).now && recoveryCode !== undefined) {
    person.recoveryCodes?.shift();
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code').fill(recoveryCode);
  } else {
    await page.getByLabel('Six-digit code').fill(await freshCode(page, person));
  }
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).not.toHaveURL(/\/sign-in\/code/);
}

/** Signs in on the sign-in page the browser is on and answers the code page (English UI). */
export async function signInWithCode(page: Page, person: Person, password = person.password): Promise<void> {
  await signIn(page, { email: person.email, password });
  await answerCodePage(page, person);
}
