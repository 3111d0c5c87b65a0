import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type APIRequestContext, type BrowserContext, expect, type Locator, type Page, test } from '@playwright/test';
import sharp from 'sharp';
import { docxWithAuthor } from '../../src/server/documents/inspect/test-fixtures.ts';
import { completeMfaSetUp, type Person, signIn } from './support/accounts.ts';
import { switchLanguage } from './support/app.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { skipWithoutChromium } from './support/chromium.ts';
import { pdfOfPages, scannedPdf } from './support/pdf-fixtures.ts';
import { baseUrlOf, secretsDirOf } from './support/servers.ts';
import { runSetup } from './support/team.ts';

skipWithoutChromium();

/**
 * The documents journey, on a server of its own whose stand-in owner rule lets team leads reach
 * one case's documents (test/e2e/support/documents-server.ts): the team lead uploads a PDF (then
 * a second version), a photo and a text file, and looks at them in the app. Previews are drawn
 * from bytes the app fetched with the session; the browser never opens a file's URL itself.
 */
test.describe.configure({ mode: 'serial' });
const baseURL = baseUrlOf('documents');
test.use({ locale: 'en-GB', baseURL });

const ADMIN: Person = {
  email: 'ada.admin@example.org',
  name: 'Ada Admin',
  password: 'documents need a careful keeper',
};
const LEAD: Person = {
  email: 'lea.lead@example.org',
  name: 'Lea Lead',
  password: 'lea reads the file before the meeting',
};

async function upload(
  request: APIRequestContext,
  url: string,
  fields: Record<string, string>,
  file: { name: string; mimeType: string; buffer: Buffer },
): Promise<string> {
  const session = await (await request.get('/api/session')).json();
  const res = await request.post(url, {
    headers: { origin: baseURL, 'x-csrf-token': session.csrfToken },
    multipart: { ...fields, file },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).id;
}

/** Every request for a file's bytes, with how the browser made it. */
function contentRequests(page: Page): { url: string; type: string }[] {
  const seen: { url: string; type: string }[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/content')) seen.push({ url: r.url(), type: r.resourceType() });
  });
  return seen;
}

const ids: { pdf?: string; photo?: string; text?: string; scan?: string } = {};

/** How many pixels of a canvas are clearly blue (the PDF's box) or red (the scanned image). */
function pixelsLike(canvas: Locator, colour: 'blue' | 'red'): Promise<number> {
  return canvas.evaluate((element: HTMLCanvasElement, wanted) => {
    const { data } = element.getContext('2d')?.getImageData(0, 0, element.width, element.height) ?? { data: [] };
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
      if (wanted === 'blue' ? b > 100 && r < 60 : r > 150 && g < 60 && b < 60) count++;
    }
    return count;
  }, colour);
}

// One browser for the whole journey: the team lead signs in once.
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];
test.beforeAll(async ({ browser }) => {
  context = await browser.newContext({ locale: 'en-GB', baseURL });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
});
test.afterAll(async () => {
  await context.close();
});

test('the team lead signs in and uploads a PDF, a photo and a text file to the case', async () => {
  const invitation = await runSetup(page, 'documents', { admin: ADMIN, lead: LEAD });
  const accepted = await page.request.post('/api/invitations/accept', {
    headers: { origin: baseURL },
    data: { token: new URL(invitation).hash.slice(1), password: LEAD.password },
  });
  expect(accepted.ok()).toBe(true);
  await page.goto('/profile');
  await signIn(page, LEAD);
  await completeMfaSetUp(page, LEAD);

  const caseId = readFileSync(path.join(secretsDirOf('documents'), 'e2e-case-id.txt'), 'utf8');
  const owner = { ownerType: 'case', ownerId: caseId };
  ids.pdf = await upload(page.request, '/api/documents', owner, {
    name: 'Gesprächsnotiz.pdf',
    mimeType: 'application/pdf',
    buffer: await pdfOfPages('Erste Seite', 'Zweite Seite'),
  });
  ids.photo = await upload(page.request, '/api/documents', owner, {
    name: 'Aushang.png',
    mimeType: 'image/png',
    buffer: await sharp({ create: { width: 120, height: 80, channels: 3, background: '#1d4e6b' } })
      .png()
      .toBuffer(),
  });
  ids.scan = await upload(page.request, '/api/documents', owner, {
    name: 'Scan.pdf',
    mimeType: 'application/pdf',
    buffer: await scannedPdf(),
  });
  ids.text = await upload(page.request, '/api/documents', owner, {
    name: 'Notiz.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('Anruf von Frau M. um 14:10\n'),
  });
});

test('a PDF is shown page by page inside the app, from a fetch, never by opening its URL', async () => {
  const requests = contentRequests(page);
  await page.goto(`/documents/${ids.pdf}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Gesprächsnotiz.pdf' })).toBeVisible();
  const first = page.getByRole('img', { name: 'Gesprächsnotiz.pdf: page 1 of 2' });
  await expect(first).toBeVisible();
  // Drawn: the page's blue box is on the canvas.
  await expect.poll(() => pixelsLike(first, 'blue')).toBeGreaterThan(1000);
  // Parsed in pdf.js's own worker (a script of the app's origin), not on the page's thread.
  expect(page.workers().map((w) => new URL(w.url()).pathname)).toContainEqual(
    expect.stringMatching(/^\/assets\/pdf\.worker/),
  );
  await expectNoAxeViolations(page, 'the document page with a PDF preview');

  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(page.getByText('Page 2 of 2')).toBeVisible();
  await expect(page.getByRole('img', { name: 'Gesprächsnotiz.pdf: page 2 of 2' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Next page' })).toBeDisabled();

  expect(requests.length).toBeGreaterThan(0);
  expect(requests.every((r) => r.type === 'fetch' && r.url.endsWith('?inline=true'))).toBe(true);
});

test('a scanned page (a JPEG 2000 image) is drawn by pdf.js’s decoder from the app’s origin', async () => {
  await page.goto(`/documents/${ids.scan}`);
  const scan = page.getByRole('img', { name: 'Scan.pdf: page 1 of 1' });
  await expect(scan).toBeVisible();
  await expect.poll(() => pixelsLike(scan, 'red')).toBeGreaterThan(1000);
});

test('a second version: both are listed, each downloads, and the earlier one can be shown', async () => {
  const session = await (await page.request.get('/api/session')).json();
  const res = await page.request.post(`/api/documents/${ids.pdf}/versions`, {
    headers: { origin: baseURL, 'x-csrf-token': session.csrfToken },
    multipart: {
      expectedVersion: '1',
      file: { name: 'Gesprächsnotiz.pdf', mimeType: 'application/pdf', buffer: await pdfOfPages('Neu') },
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  await page.goto(`/documents/${ids.pdf}`);
  await expect(page.getByRole('img', { name: 'Gesprächsnotiz.pdf: page 1 of 1' })).toBeVisible();
  const versions = page.getByRole('table');
  await expect(versions.getByRole('row')).toHaveCount(3);

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download version 1' }).click();
  expect((await download).suggestedFilename()).toBe('Gesprächsnotiz.pdf');

  await page.getByRole('button', { name: 'Show version 1' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Preview of version 1' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Gesprächsnotiz.pdf: page 1 of 2' })).toBeVisible();
});

test('an image is shown as an image; a text file offers a download only; in German too', async () => {
  await page.goto(`/documents/${ids.photo}`);
  const image = page.getByRole('img', { name: 'Aushang.png, version 1' });
  await expect(image).toBeVisible();
  expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(120);
  await expectNoAxeViolations(page, 'the document page with an image preview');

  await page.goto(`/documents/${ids.text}`);
  await expect(page.getByText('There is no preview for this kind of file. Download it to open it.')).toBeVisible();
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('heading', { level: 2, name: 'Vorschau von Version 1' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Version 1 herunterladen' })).toBeVisible();
  await expectNoAxeViolations(page, 'the document page in German');
  await switchLanguage(page, 'English');
});

test('what metadata removal had to leave is named on the page', async () => {
  const caseId = readFileSync(path.join(secretsDirOf('documents'), 'e2e-case-id.txt'), 'utf8');
  const id = await upload(
    page.request,
    '/api/documents',
    { ownerType: 'case', ownerId: caseId, strip: 'true' },
    {
      name: 'Bericht.docx',
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      buffer: Buffer.from(await docxWithAuthor()),
    },
  );
  await page.goto(`/documents/${id}`);
  await expect(page.getByText('Removed before storing, except what it could not remove:')).toBeVisible();
  await expect(
    page.getByRole('listitem').filter({ hasText: 'names of comment or tracked-change authors in the text' }),
  ).toBeVisible();
  await expect(page.getByText('There is no preview for this kind of file. Download it to open it.')).toBeVisible();
});

test('a document out of reach (the server answers 404) is “not found”, in words', async () => {
  await page.goto('/documents/00000000-0000-4000-8000-000000000000');
  await expect(page.getByRole('heading', { level: 1, name: 'Document' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText(
    'This was not found. It may have been removed, or you may lack access.',
  );
});

test('nothing the previews did broke the content security policy', () => {
  expect(consoleErrors.filter((m) => /content security policy|refused to/i.test(m))).toEqual([]);
});
