import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, expect, type Page, test } from '@playwright/test';
import { confirmIfAsked, signInWithCode } from './support/accounts.ts';
import { switchLanguage } from './support/app.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { CASE_TEAM, type TeamMember } from './support/case-team.ts';
import { skipWithoutChromium } from './support/chromium.ts';
import { baseUrlOf, SERVERS, secretsDirOf } from './support/servers.ts';

skipWithoutChromium();

/**
 * A case document's new version and its restriction to chosen members (docs/documents.md, "Restricted
 * documents"): the lead opens a case and adds two members with the documents, one with the whole case and an
 * expert with the documents only; uploads a document on the case's Documents tab and a new version on its page
 * (an empty file and one over the upload limit are refused in words, and a version someone else changed meanwhile
 * is reloaded and the chosen file sent again); then restricts it to the expert. The expert finds it marked restricted, without the names
 * (she does not see who works on the case); the other member finds it nowhere, and its address is "not found".
 *
 * On a server of its own (the config's documentsRestricted: the cases journey's people made at start, and a small
 * upload limit): the cases journey counts its cases and references on its own server, and this journey adds cases
 * and memberships.
 */
test.describe.configure({ mode: 'serial' });

const LEAD = CASE_TEAM.lead;
const FULL = CASE_TEAM.outsider;
const EXPERT = CASE_TEAM.expert;
const FILE = 'Letter-from-HR.txt';
const LIMIT = SERVERS.documentsRestricted.uploadLimitBytes;

const sessions = new Map<string, { context: BrowserContext; page: Page }>();
const state: { caseId?: string; documentId?: string } = {};
const baseURL = () => baseUrlOf('documentsRestricted');

test.beforeAll(async () => {
  const ready = path.join(secretsDirOf('documentsRestricted'), 'e2e-team-ready.txt');
  await expect
    .poll(() => existsSync(ready), { message: 'the documents-restricted server made its team', timeout: 30_000 })
    .toBe(true);
});

test.afterAll(async () => {
  for (const { context } of sessions.values()) await context.close();
});

/** A browser of the person's own, signed in. */
async function signedIn(browser: Browser, person: TeamMember): Promise<Page> {
  const known = sessions.get(person.email);
  if (known !== undefined) return known.page;
  const context = await browser.newContext({ locale: 'en-GB', baseURL: baseURL() });
  const page = await context.newPage();
  await page.goto('/sign-in');
  // The first load may take a while on a busy machine (the run starts many servers); signIn then waits as usual.
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible({ timeout: 30_000 });
  await signInWithCode(page, person);
  await expect(page.getByRole('link', { name: 'Cases' })).toBeVisible();
  sessions.set(person.email, { context, page });
  return page;
}

/** A request as the signed-in page would send it: our Origin and the session's CSRF token. */
async function put(page: Page, url: string, data: object) {
  const session = await (await page.request.get('/api/session')).json();
  return page.request.put(url, { headers: { origin: baseURL(), 'x-csrf-token': session.csrfToken }, data });
}

const text = (name: string, content: string) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(content) });

async function openDocuments(page: Page): Promise<void> {
  await page.goto(`/cases/${state.caseId}`);
  await page.getByRole('tab', { name: 'Documents' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Documents' })).toBeVisible();
}

test('the lead opens a case and adds two members with the documents: the whole case, and the documents only', async ({
  browser,
}) => {
  const page = await signedIn(browser, LEAD);
  await page.getByRole('link', { name: 'Cases' }).click();
  const form = page.getByRole('region', { name: 'Open a case' });
  await form.getByLabel('Title').fill('Letters to the HR department');
  await form.getByRole('button', { name: 'Open case' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^TM-\d{4}-\d{4}$/);
  state.caseId = page.url().split('/cases/')[1];

  await page.getByRole('tab', { name: 'Members' }).click();
  const grant = page.getByRole('region', { name: 'Add a member' });
  await grant.getByLabel('Person').selectOption({ label: 'Otto Outside (Threat manager)' });
  await grant.getByRole('button', { name: 'Add member' }).click();
  const otto = page.getByRole('row', { name: /Otto Outside/ });
  await confirmIfAsked(page, LEAD.password, otto);
  await expect(otto).toContainText('The whole case');

  await grant.getByLabel('Person').selectOption({ label: 'Eva Expert (Expert, Human resources)' });
  await grant.getByLabel('Chosen sections').check();
  await grant.getByLabel('Documents').check();
  await grant.getByRole('button', { name: 'Add member' }).click();
  const eva = page.getByRole('row', { name: /Eva Expert/ });
  await confirmIfAsked(page, LEAD.password, eva);
  await expect(eva).toContainText('Documents');
});

test('the lead uploads a document on the Documents tab, then a new version on its page', async ({ browser }) => {
  const page = await signedIn(browser, LEAD);
  await openDocuments(page);
  await expect(page.getByText('No documents yet.')).toBeVisible();
  const upload = page.getByRole('form', { name: 'Upload a document' });
  await upload.getByRole('button', { name: 'Upload' }).click();
  await expect(upload.getByText('Please choose a file.')).toBeVisible();
  const content = 'Meeting with HR on Monday, 10:00.\n';
  await upload.getByLabel('File', { exact: true }).setInputFiles(text(FILE, content));
  await expect(upload.getByText(`Chosen: ${FILE}, ${content.length} bytes`)).toBeVisible();
  await upload.getByRole('button', { name: 'Upload' }).click();
  await expect(upload.getByText(`${FILE} was uploaded.`)).toBeVisible();
  await expectNoAxeViolations(page, 'the Documents tab with its upload form');

  await page.getByRole('link', { name: FILE }).click();
  await expect(page.getByRole('heading', { level: 1, name: FILE })).toBeVisible();
  state.documentId = page.url().split('/documents/')[1];
  const versions = page.getByRole('table');
  await expect(versions.getByRole('row')).toHaveCount(2);
  await expect(page.getByText('Everyone with access to the case’s documents may see it.')).toBeVisible();

  // An empty file is refused, in words.
  const form = page.getByRole('form', { name: 'Upload a new version' });
  const file = form.getByLabel('File of the new version');
  await file.setInputFiles(text(FILE, ''));
  await form.getByRole('button', { name: 'Upload new version' }).click();
  await expect(form.getByRole('alert')).toHaveText(`${FILE} was not uploaded: The file is empty.`);
  // So is one over the upload limit, which the form names.
  await expect(form.getByText(/up to 64\skB each/)).toBeVisible();
  await file.setInputFiles(text(FILE, 'x'.repeat(LIMIT + 1024)));
  await form.getByRole('button', { name: 'Upload new version' }).click();
  await expect(form.getByRole('alert')).toHaveText(
    `${FILE} was not uploaded: The file is larger than the upload limit.`,
  );

  // Someone else changes the document meanwhile (from another tab): the upload is refused, the page reloads the
  // document and says so, and the chosen file stays to be sent again.
  await file.setInputFiles(text(FILE, 'Meeting with HR moved to Tuesday, 9:00.\n'));
  const before = await (await page.request.get(`/api/documents/${state.documentId}`)).json();
  const other = await put(page, `/api/documents/${state.documentId}/readers`, {
    expectedVersion: before.version,
    restricted: false,
    userIds: [],
  });
  expect(other.status(), await other.text()).toBe(204);
  await form.getByRole('button', { name: 'Upload new version' }).click();
  await expect(form.getByRole('alert')).toContainText('Someone else changed this document meanwhile.');
  await expect(form.getByRole('alert')).toBeFocused();
  await expect(form.getByText(`Chosen: ${FILE}`)).toBeVisible();
  expect(await file.evaluate((input: HTMLInputElement) => input.files?.[0]?.name)).toBe(FILE);
  await form.getByRole('button', { name: 'Upload new version' }).click();
  await expect(form.getByText('Version 2 was uploaded.')).toBeVisible();
  await expect(versions.getByRole('row')).toHaveCount(3);
  await expect(page.getByRole('heading', { level: 2, name: 'Preview of version 2' })).toBeVisible();
});

test('the lead restricts it to the expert, by keyboard; the page and the list say it is restricted', async ({
  browser,
}) => {
  const page = await signedIn(browser, LEAD);
  await page.goto(`/documents/${state.documentId}`);
  const change = page.getByRole('button', { name: 'Change who may see it' });
  await change.focus();
  await page.keyboard.press('Enter');
  await expect(change).toHaveAttribute('aria-expanded', 'true');
  const form = page.getByRole('form', { name: 'Change who may see this document' });
  await expect(form.getByRole('heading', { name: 'Change who may see this document' })).toBeFocused();
  const everyone = form.getByRole('radio', { name: 'Everyone with access to the case’s documents' });
  await expect(everyone).toBeChecked();
  const only = form.getByRole('radio', { name: 'Only these members' });
  await only.focus();
  await page.keyboard.press('Space');
  await expect(only).toBeChecked();
  const me = form.getByRole('checkbox', { name: 'Lina Lead (you: always included)' });
  await expect(me).toBeChecked();
  await expect(me).toBeDisabled();
  const eva = form.getByRole('checkbox', { name: 'Eva Expert (role: Expert)' });
  await eva.focus();
  await page.keyboard.press('Space');
  await expect(eva).toBeChecked();
  await expect(form.getByRole('checkbox', { name: 'Otto Outside (role: Member)' })).not.toBeChecked();
  await expectNoAxeViolations(page, 'the document page with the restriction control open');
  await switchLanguage(page, 'Deutsch');
  const german = page.getByRole('form', { name: 'Ändern, wer dieses Dokument sehen darf' });
  await expect(german.getByRole('radio', { name: 'Nur diese Mitglieder' })).toBeChecked();
  await expect(german.getByRole('checkbox', { name: 'Eva Expert (Rolle: Fachperson)' })).toBeChecked();
  await expectNoAxeViolations(page, 'the restriction control in German');
  await switchLanguage(page, 'English');

  await form.getByRole('button', { name: 'Save' }).focus();
  await page.keyboard.press('Enter');
  await expect(
    page.getByRole('status').filter({ hasText: 'Saved: only the chosen members may see this document.' }),
  ).toBeFocused();
  await expect(change).toHaveAttribute('aria-expanded', 'false');
  const header = page.locator('.case-header');
  await expect(header.getByText('Restricted', { exact: true })).toBeVisible();
  const notice = page.getByRole('region', { name: 'Who may see this document' });
  await expect(notice.getByText('Restricted: only these members may see it.')).toBeVisible();
  await expect(notice.getByRole('listitem')).toHaveCount(2);
  for (const name of ['Lina Lead', 'Eva Expert'])
    await expect(notice.getByRole('listitem').filter({ hasText: name })).toBeVisible();
  await expectNoAxeViolations(page, 'a restricted document');

  await openDocuments(page);
  const item = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: FILE }) });
  await expect(item.getByText('Restricted', { exact: true })).toBeVisible();
});

test('the expert sees it, marked restricted, without the names she may not see', async ({ browser }) => {
  const page = await signedIn(browser, EXPERT);
  await openDocuments(page);
  const item = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: FILE }) });
  await expect(item.getByText('Restricted', { exact: true })).toBeVisible();
  await item.getByRole('link', { name: FILE }).click();
  await expect(page.getByRole('heading', { level: 1, name: FILE })).toBeVisible();
  await expect(page.locator('.case-header').getByText('Restricted', { exact: true })).toBeVisible();
  await expect(page.getByText('Restricted to chosen members.')).toBeVisible();
  await expect(page.getByText('Lina Lead')).toHaveCount(0);
  // She does not see who works on the case: nobody to choose from, so no control.
  await expect(page.getByRole('button', { name: 'Change who may see it' })).toHaveCount(0);
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(3);
  await expectNoAxeViolations(page, 'a restricted document, for a member who does not see the members');
});

test('the other member finds it nowhere: not in the list, and its address is “not found”', async ({ browser }) => {
  const page = await signedIn(browser, FULL);
  await openDocuments(page);
  await expect(page.getByText('No documents yet.')).toBeVisible();
  await expect(page.getByRole('link', { name: FILE })).toHaveCount(0);
  await page.goto(`/documents/${state.documentId}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Document' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText(
    'This was not found. It may have been removed, or you may lack access.',
  );
});

test('opened to the documents scope again, the other member finds it', async ({ browser }) => {
  const lead = await signedIn(browser, LEAD);
  await lead.goto(`/documents/${state.documentId}`);
  await lead.getByRole('button', { name: 'Change who may see it' }).click();
  const form = lead.getByRole('form', { name: 'Change who may see this document' });
  await form.getByRole('radio', { name: 'Everyone with access to the case’s documents' }).check();
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(lead.getByText('Saved: everyone with access to the case’s documents may see it.')).toBeVisible();
  await expect(lead.locator('.case-header').getByText('Restricted', { exact: true })).toHaveCount(0);

  const page = await signedIn(browser, FULL);
  await openDocuments(page);
  await page.getByRole('link', { name: FILE }).click();
  await expect(page.getByRole('heading', { level: 1, name: FILE })).toBeVisible();
  await expect(page.getByText('Everyone with access to the case’s documents may see it.')).toBeVisible();
});
