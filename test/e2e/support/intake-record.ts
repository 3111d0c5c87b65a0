import { expect, test } from '@playwright/test';
import { expectNoAxeViolations } from './axe.ts';
import { dayOf, signedIn } from './intake-sessions.ts';
import { INTAKE_TEAM } from './intake-team.ts';

/**
 * The third way in, a test of the intake journey (test/e2e/intake.spec.ts), which calls this where it belongs in
 * its order: a report that came by phone, recorded by a threat manager for the caller, who has no channel in
 * TMA, so its acknowledgement outside TMA is noted with its day.
 */
export function recordedReportTest(): void {
  test('(c) a threat manager records a phone call on the caller’s behalf and notes the acknowledgement', async ({
    browser,
  }) => {
    const page = await signedIn(browser, INTAKE_TEAM.manager);
    await page.goto('/triage');
    await page.getByRole('link', { name: 'Record a report' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Record a report' })).toBeVisible();
    await expect(page.getByLabel('Received on', { exact: true })).toHaveValue(dayOf(new Date()));
    await page.getByRole('button', { name: 'Record report' }).click();
    await expect(page.getByText('Please choose how the report came in.')).toBeVisible();
    await expect(page.getByRole('radio', { name: 'Phone' })).toBeFocused();
    await page.getByRole('radio', { name: 'Phone' }).check();
    await page.getByLabel('The reporter stayed anonymous').check();
    await expect(page.getByLabel('Name of the reporter')).toHaveCount(0);
    await page.getByLabel('The reporter stayed anonymous').uncheck();
    await page.getByLabel('Name of the reporter').fill('Carl Caller');
    await page.getByLabel('How to reach them').fill('+49 170 555 0101');
    await page.getByLabel('Relation to what happened').fill('Neighbour of the person at risk');
    await page.getByLabel('Urgent', { exact: true }).check();
    await page
      .getByLabel('What happened?', { exact: true })
      .fill('Caller heard threats through the wall, naming our colleague.');
    await expectNoAxeViolations(page, 'the record form');
    await page.getByRole('button', { name: 'Record report' }).click();

    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^R-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await expect(page.getByText('Carl Caller')).toBeVisible();
    await expect(page.getByText('Neighbour of the person at risk')).toBeVisible();
    await expect(page.getByRole('definition').filter({ hasText: 'Tom Triage' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Write to the reporter' })).toHaveCount(0);
    const acknowledge = page.getByRole('region', { name: 'Acknowledged outside TMA' });
    await expect(acknowledge.getByLabel('Acknowledged on')).toHaveValue(dayOf(new Date()));
    await acknowledge.getByRole('button', { name: 'Record the acknowledgement' }).click();
    await expect(page.getByRole('region', { name: 'Deadlines' })).toContainText('Done on');
    await expect(page.getByRole('region', { name: 'Acknowledged outside TMA' })).toHaveCount(0);
    await expectNoAxeViolations(page, 'a recorded report');

    await page.getByRole('link', { name: 'Back to triage' }).click();
    await page.getByLabel('Urgency', { exact: true }).selectOption({ label: 'Urgent' });
    await expect(page.getByRole('row', { name: /Phone/ })).toContainText('Done on');
  });
}
