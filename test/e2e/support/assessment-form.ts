import { expect, type Locator, type Page } from '@playwright/test';

/**
 * The assessment form as a rater works it in the assessments journey (test/e2e/assessments.spec.ts):
 * items found by their label, rated, evidenced, judged, saved and finalised.
 */
export const ZONE = 'Europe/Berlin';
export const berlin = (options: Intl.DateTimeFormatOptions) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, ...options });
export const today = () => berlin({}).format(new Date());

export const item = (page: Page, name: RegExp) => page.getByRole('group', { name });
export const presenceOf = (page: Page, name: RegExp) =>
  item(page, name).getByRole('group', { name: 'Presence', exact: true });

export async function rate(page: Page, name: RegExp, value: string) {
  await presenceOf(page, name).getByRole('radio', { name: value, exact: true }).check();
}

/** Presses Tab until the focus is inside the target, as a keyboard user reaches it. */
export async function tabInto(page: Page, target: Locator, most = 400) {
  for (let i = 0; i < most; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el.contains(document.activeElement))) return;
  }
  throw new Error(`not reached with ${most} presses of Tab`);
}

/** Pathway present by keyboard alone: from "Not assessed" two steps along the radio group. */
export async function pathwayPresentByKeyboard(page: Page) {
  const presence = presenceOf(page, /^Pathway/);
  await presence.getByRole('radio', { name: 'Not assessed' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(presence.getByRole('radio', { name: 'Present', exact: true })).toBeChecked();
}

/** A present warning behaviour with what the rules then ask of it: the day last observed and its evidence. */
export async function evidenced(page: Page, name: RegExp) {
  const found = item(page, name);
  await found.getByLabel('Last observed on').fill(today());
  await found.getByText(/^Evidence:/).click();
  await found.getByRole('checkbox', { name: /Asked where the shift lead parks/ }).check();
}

/** Everything a screen needs to be finalised once pathway is present, with this priority. */
export async function complete(page: Page, priority: string, why: string) {
  await pathwayPresentByKeyboard(page);
  await evidenced(page, /^Pathway/);
  for (const critical of [/^Energy burst/, /^Last resort/, /^Access to weapons/]) await rate(page, critical, 'Absent');
  await page
    .getByRole('textbox', { name: 'Formulation', exact: true })
    .fill('Kränkung nach der Versetzung; die Fragen nach dem Parkplatz deuten auf Recherche.');
  await page.getByRole('button', { name: 'Add a scenario' }).click();
  const scenario = page.getByRole('group', { name: 'Scenario 1' });
  await scenario.getByLabel('Type').selectOption({ label: 'Targeted violence' });
  await scenario.getByLabel('Who could be harmed (by role or pseudonym)').fill('the shift lead');
  await judge(page, 'Priority', priority, why);
  await judge(page, 'Imminence', 'Weeks to months', 'No sign of preparation yet.');
  await judge(page, 'Potential severity', 'Serious', 'Threats against one colleague.');
}

export async function judge(page: Page, judgment: string, value: string, rationale: string) {
  const group = page.getByRole('group', { name: judgment, exact: true });
  await group.getByRole('group', { name: 'Value', exact: true }).getByRole('radio', { name: value }).check();
  await page.getByLabel(`Rationale for ${judgment}`).fill(rationale);
}

export async function saveAndFinalise(page: Page) {
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved.')).toBeVisible();
  await page.getByRole('button', { name: 'Finalise …' }).click();
  await page.getByRole('button', { name: 'Finalise now' }).click();
  await expect(page.getByText('The assessment is finalised. It no longer changes.')).toBeVisible();
}
