import { expect, type Locator, type Page, type Request, test } from '@playwright/test';
import { AUTHOR, jpegWithGps } from '../../../src/server/documents/inspect/test-fixtures.ts';
import { signedIn } from './intake-sessions.ts';
import { INTAKE_TEAM } from './intake-team.ts';

/**
 * The files of the intake journey (test/e2e/intake.spec.ts), and its check that the anonymous pages leave a
 * signed-in session alone. A photo whose EXIF names its author and camera and holds a GPS position, as a phone
 * would take it: what the server must strip before it stores it.
 */
export async function photo(name: string) {
  return { name, mimeType: 'image/jpeg', buffer: await jpegWithGps(96, 64) };
}

export const textFile = (name: string, text: string) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });

/** The result the page shows for one of the files sent after the report. */
export const uploadResult = (page: Page, name: string) =>
  page.getByRole('region', { name: 'Your files' }).getByRole('listitem').filter({ hasText: name });

type FilePayload = { name: string; mimeType: string; buffer: Buffer };

/** Adds a file with a report's "Add a file" form and waits for what it says of it. */
export async function addFile(form: Locator, file: FilePayload, says: string): Promise<void> {
  await form.getByLabel('File', { exact: true }).setInputFiles(file);
  await form.getByRole('button', { name: 'Add file' }).click();
  await expect(form.getByText(says)).toBeVisible();
}

/**
 * A photo of the report's files, as the team's Files section lists it: stored without its author or camera, it
 * opens on its document page with the preview. Leaves the page where it was.
 */
export async function openPhoto(page: Page, name: string): Promise<void> {
  const row = page.getByRole('region', { name: 'Files' }).getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('JPEG');
  await expect(row).toContainText('Removed before storing');
  const href = (await row.getByRole('link', { name: /^Download/ }).getAttribute('href')) ?? '';
  const stored = await (await page.request.get(href)).body();
  expect([stored.includes(AUTHOR), stored.includes('TestCam')]).toEqual([false, false]);
  await row.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('img', { name: `${name}, version 1` })).toBeVisible();
  await page.goBack();
}

/**
 * Signed in as an employee, the anonymous form and the status page: every API request there goes to the
 * anonymous channel or is marked passive, so that nothing dates the session's activity next to the anonymous
 * report (docs/intake.md). Its report is a new anonymous one: the journey calls this after the tests that count
 * the inbox.
 */
export function sessionLeftAloneTest(): void {
  test('signed in, the anonymous pages mark every request to the rest of the API passive', async ({ browser }) => {
    const page = await signedIn(browser, INTAKE_TEAM.employee);
    const dating: string[] = [];
    const passive: string[] = [];
    const watch = (request: Request) => {
      const { pathname } = new URL(request.url());
      if (!pathname.startsWith('/api/') || pathname.startsWith('/api/anonymous/')) return;
      (request.headers()['x-tma-passive'] === '1' ? passive : dating).push(`${request.method()} ${pathname}`);
    };
    page.on('request', watch);
    await page.goto('/report');
    // The page knows the session (it offers the form under one's name instead): it was asked, passively.
    await expect(page.getByText('You are signed in, but this form is anonymous', { exact: false })).toBeVisible();
    await page.getByLabel('Not urgent, but worrying').check();
    await page.getByLabel('What happened?', { exact: true }).fill('Posters about a colleague appeared in the hall.');
    await page.getByLabel('Add files').setInputFiles(await photo('Flur.jpg'));
    await page.getByLabel('I have read this notice and want to send the report.').check();
    await page.getByRole('button', { name: 'Send report' }).click();
    await expect(page.getByRole('heading', { level: 1, name: /keep your receipt code/ })).toBeFocused();
    await expect(uploadResult(page, 'Flur.jpg')).toContainText('Stored');
    const code = ((await page.locator('.receipt__code').textContent()) ?? '').trim();

    // A window coming back to the front asks for the session again once it is stale: passive as well.
    await expect
      .poll(
        async () => {
          await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange', { bubbles: true })));
          return passive.filter((r) => r === 'GET /api/session').length;
        },
        { timeout: 20_000, intervals: [1_000] },
      )
      .toBeGreaterThan(1);

    await page.getByRole('link', { name: 'Check a report with its receipt code' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Check a report' })).toBeVisible();
    await page.getByLabel('Receipt code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Open report' }).click();
    await expect(page.getByRole('region', { name: 'Files you added' })).toContainText('Flur.jpg');
    await page.getByRole('button', { name: 'Close and forget the code' }).click();
    page.off('request', watch);
    expect(dating).toEqual([]);
    expect(passive).toContain('GET /api/session');
  });
}
