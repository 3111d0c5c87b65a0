import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, expect, type Page, test } from '@playwright/test';
import { confirmIfAsked, confirmIfAskedUntilGone, signInWithCode } from './support/accounts.ts';
import { switchLanguage } from './support/app.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { CASE_TEAM, type TeamMember } from './support/case-team.ts';
import { skipWithoutChromium } from './support/chromium.ts';
import { baseUrlOf, secretsDirOf } from './support/servers.ts';

skipWithoutChromium();

/**
 * The cases journey (docs/cases.md), on a server of its own whose team exists from the start
 * (test/e2e/support/cases-server.ts): the lead opens a case and shares only its documents with an
 * expert, who sees them and nothing else until the membership ends; a threat manager outside the
 * case finds it nowhere; the team lead opens it by break-glass, and the lead reads why in the
 * access log. Each person has a browser of their own.
 */
test.describe.configure({ mode: 'serial' });
const baseURL = baseUrlOf('cases');
test.use({ locale: 'en-GB', baseURL });

const TITLE = 'Threatening letters in logistics';
const SUMMARY = '<b>Two letters</b> left at the loading bay.\nBoth signed "a friend".';
const sessions = new Map<string, { context: BrowserContext; page: Page }>();
const state: { caseId?: string; reference?: string } = {};

async function signedIn(browser: Browser, person: TeamMember): Promise<Page> {
  const known = sessions.get(person.email);
  if (known !== undefined) return known.page;
  const context = await browser.newContext({ locale: 'en-GB', baseURL });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await signInWithCode(page, person);
  await expect(page.getByRole('link', { name: 'Cases' })).toBeVisible();
  sessions.set(person.email, { context, page });
  return page;
}

/** A request as the signed-in page would send it: our Origin and the session's CSRF token. */
async function api(page: Page, method: 'POST' | 'PUT', url: string, data?: object, multipart?: object) {
  const session = await (await page.request.get('/api/session')).json();
  const headers = { origin: baseURL, 'x-csrf-token': session.csrfToken };
  return method === 'POST'
    ? page.request.post(url, { headers, ...(multipart ? { multipart } : { data }) } as never)
    : page.request.put(url, { headers, data });
}

test.beforeAll(async () => {
  const ready = path.join(secretsDirOf('cases'), 'e2e-team-ready.txt');
  await expect.poll(() => existsSync(ready), { message: 'the cases server made its team', timeout: 30_000 }).toBe(true);
});
test.afterAll(async () => {
  for (const { context } of sessions.values()) await context.close();
});

test('the lead opens a case; its text is shown as typed, never as markup', async ({ browser }) => {
  const page = await signedIn(browser, CASE_TEAM.lead);
  await page.getByRole('link', { name: 'Cases' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Cases' })).toBeVisible();
  await expect(page.getByText('0 cases')).toBeVisible();
  await expectNoAxeViolations(page, 'the empty case list');

  const form = page.getByRole('region', { name: 'Open a case' });
  await form.getByRole('button', { name: 'Open case' }).click();
  await expect(form.getByText('Please fill in this field.')).toBeVisible();
  await form.getByLabel('Title').fill(TITLE);
  await form.getByLabel('Summary').fill(SUMMARY);
  await form.getByLabel('Tags').fill('letters, logistics');
  await form.getByRole('button', { name: 'Open case' }).click();

  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText(/^TM-\d{4}-0001$/);
  state.reference = (await heading.textContent()) ?? '';
  state.caseId = page.url().split('/cases/')[1];
  await expect(page.getByRole('heading', { level: 2, name: TITLE })).toBeVisible();
  // The markup is text: no bold element, the angle brackets on the page.
  await expect(page.getByText('<b>Two letters</b> left at the loading bay.')).toBeVisible();
  expect(await page.locator('.case-text b').count()).toBe(0);
  await expectNoAxeViolations(page, 'the case page');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('tab', { name: 'Überblick' })).toBeVisible();
  await expectNoAxeViolations(page, 'the case page in German');
  await switchLanguage(page, 'English');
});

test('a save over someone else’s newer change keeps the typed text and applies it again', async ({ browser }) => {
  const page = await signedIn(browser, CASE_TEAM.lead);
  await page.goto(`/cases/${state.caseId}`);
  await page.getByRole('button', { name: 'Edit title, summary and tags' }).click();
  await page.getByLabel('Title').fill(`${TITLE} (updated)`);
  // Meanwhile, from another tab: the tags change.
  const detail = await (await page.request.get(`/api/cases/${state.caseId}`)).json();
  const other = await api(page, 'PUT', `/api/cases/${state.caseId}`, {
    expectedVersion: detail.version,
    title: TITLE,
    summary: SUMMARY,
    tags: ['letters', 'logistics', 'night shift'],
  });
  expect(other.status()).toBe(200);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Someone else changed this case meanwhile')).toBeVisible();
  await expect(page.getByLabel('Title')).toHaveValue(`${TITLE} (updated)`);
  await page.getByRole('button', { name: 'Apply my change again' }).click();
  await expect(page.getByRole('heading', { level: 2, name: `${TITLE} (updated)` })).toBeVisible();
});

test('the lead shares only the documents with an expert; a document is uploaded', async ({ browser }) => {
  const page = await signedIn(browser, CASE_TEAM.lead);
  await page.goto(`/cases/${state.caseId}`);
  await page.getByRole('tab', { name: 'Members' }).click();
  const grant = page.getByRole('region', { name: 'Add a member' });
  await grant.getByLabel('Person').selectOption({ label: 'Eva Expert (Expert, Human resources)' });
  await grant.getByLabel('Chosen sections').check();
  await grant.getByRole('button', { name: 'Add member' }).click();
  await expect(grant.getByText('Choose at least one section.')).toBeVisible();
  await grant.getByLabel('Documents').check();
  await grant.getByRole('button', { name: 'Add member' }).click();
  const row = page.getByRole('row', { name: /Eva Expert/ });
  await confirmIfAsked(page, CASE_TEAM.lead.password, row);
  await expect(row).toContainText('Expert');
  await expect(row).toContainText('Documents');
  await expectNoAxeViolations(page, 'the members tab');

  // The lead moves the expert's end date: ten days from today, a day the form shows as chosen.
  await row.getByRole('button', { name: 'Change for Eva Expert' }).click();
  const change = page.getByRole('region', { name: 'Change the access of Eva Expert' });
  await expect(change.getByRole('heading')).toBeFocused();
  await change.getByLabel('Member until').fill('');
  await change.getByRole('button', { name: 'Save change' }).click();
  await expect(change.getByText("An expert's membership needs an end date.")).toBeVisible();
  const day = new Date(Date.now() + 10 * 86_400_000);
  const iso = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
  await change.getByLabel('Member until').fill(iso);
  await change.getByRole('button', { name: 'Save change' }).click();
  await confirmIfAskedUntilGone(page, CASE_TEAM.lead.password, change);
  await expect
    .poll(async () => {
      const list = await (await page.request.get(`/api/cases/${state.caseId}/members`)).json();
      const until = list.members.find((m: { role: string }) => m.role === 'expert')?.expiresAt;
      return until === undefined ? '' : new Date(until).toDateString();
    })
    .toBe(new Date(`${iso}T23:59:59`).toDateString());

  const upload = await api(page, 'POST', '/api/documents', undefined, {
    ownerType: 'case',
    ownerId: state.caseId,
    file: { name: 'Letter-1.txt', mimeType: 'text/plain', buffer: Buffer.from('You will regret this.\n') },
  });
  expect(upload.status(), await upload.text()).toBe(201);
});

test('(a) the expert sees the documents and nothing else, and loses the case when the membership ends', async ({
  browser,
}) => {
  const page = await signedIn(browser, CASE_TEAM.expert);
  await page.getByRole('link', { name: 'Cases' }).click();
  const entry = page.getByRole('row', { name: new RegExp(state.reference ?? 'none') });
  await expect(entry).toContainText('Withheld (not in your scope)');
  await entry.getByRole('link').click();
  await expect(page.getByRole('tab')).toHaveText(['Overview', 'Documents']);
  await expect(page.getByText('Your scope holds only some sections of this case')).toBeVisible();
  await expect(page.getByText(TITLE)).toHaveCount(0);
  await page.getByRole('tab', { name: 'Documents' }).click();
  await page.getByRole('link', { name: 'Letter-1.txt' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Letter-1.txt' })).toBeVisible();
  const members = await page.request.get(`/api/cases/${state.caseId}/members`);
  expect(members.status()).toBe(404);

  // The lead sets the membership to end in a few seconds (the API: the form chooses days).
  const lead = await signedIn(browser, CASE_TEAM.lead);
  const list = await (await lead.request.get(`/api/cases/${state.caseId}/members`)).json();
  const expert = list.members.find((m: { role: string }) => m.role === 'expert');
  const stepped = await api(lead, 'POST', '/api/session/step-up', { password: CASE_TEAM.lead.password });
  expect(stepped.status()).toBe(204);
  const ends = await api(lead, 'PUT', `/api/cases/${state.caseId}/members/${expert.user.id}`, {
    expectedVersion: expert.version,
    fullScope: false,
    sections: ['documents'],
    expiresAt: new Date(Date.now() + 3000).toISOString(),
  });
  expect(ends.status(), await ends.text()).toBe(204);
  await page.waitForTimeout(3500);
  await page.goto(`/cases/${state.caseId}`);
  await expect(page.getByText('This case was not found.')).toBeVisible();
  await page.getByRole('link', { name: 'Cases' }).click();
  await expect(page.getByText('0 cases')).toBeVisible();
});

test('(b) a threat manager outside the case finds it nowhere', async ({ browser }) => {
  const page = await signedIn(browser, CASE_TEAM.outsider);
  await page.getByRole('link', { name: 'Cases' }).click();
  await expect(page.getByText('0 cases')).toBeVisible();
  await page.getByRole('textbox', { name: 'Search' }).fill('letters');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('No cases match.')).toBeVisible();
  await page.goto(`/cases/${state.caseId}`);
  await expect(page.getByText('This case was not found.')).toBeVisible();
  for (const url of [
    `/api/cases/${state.caseId}`,
    `/api/cases/${state.caseId}/members`,
    `/api/cases/${state.caseId}/access-log`,
    `/api/documents?ownerType=case&ownerId=${state.caseId}`,
  ]) {
    expect((await page.request.get(url)).status(), url).toBe(404);
  }
});

test('(c) the team lead opens the case by break-glass, ends it, and the lead reads why in the access log', async ({
  browser,
}) => {
  const page = await signedIn(browser, CASE_TEAM.teamLead);
  await page.getByRole('link', { name: 'Cases' }).click();
  const entry = page.getByRole('row', { name: new RegExp(state.reference ?? 'none') });
  await expect(entry).toContainText('Withheld (not in your scope)');
  await expect(entry).toContainText('Lina Lead');
  // The hand-over of a leaver's cases: nobody has left.
  const handover = page.getByRole('region', { name: 'Hand over the cases of someone who left' });
  await expect(handover.getByText('Nobody who left holds case memberships.')).toBeVisible();
  await expectNoAxeViolations(page, 'the team lead’s case list');
  await entry.getByRole('link').click();
  const form = page.getByRole('region', { name: 'Break-glass' });
  await expect(form).toBeVisible();
  await expect(page.getByText(TITLE)).toHaveCount(0);
  await expectNoAxeViolations(page, 'the break-glass form');
  await form.getByRole('button', { name: 'Open the case by break-glass' }).click();
  await expect(form.getByText('Please state the purpose in at least 10 characters.')).toBeVisible();
  await form.getByLabel('Purpose').fill('Site security reports a third letter tonight');
  await form.getByLabel('For how long').selectOption({ label: '15 minutes' });
  await form.getByRole('button', { name: 'Open the case by break-glass' }).click();
  const notice = page.getByText('Opened by break-glass');
  await confirmIfAsked(page, CASE_TEAM.teamLead.password, notice);
  await expect(page.getByText(/You can read this case until .+\. You cannot change it\./)).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: `${TITLE} (updated)` })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Edit title, summary and tags' })).toHaveCount(0);
  await page.getByRole('button', { name: 'End break-glass now' }).click();
  await expect(page.getByRole('region', { name: 'Break-glass' })).toBeVisible();
  await expect(page.getByText(`${TITLE} (updated)`)).toHaveCount(0);

  const lead = await signedIn(browser, CASE_TEAM.lead);
  await lead.goto(`/cases/${state.caseId}`);
  await lead.getByRole('tab', { name: 'Access log' }).click();
  const line = lead.getByRole('row', { name: /Break-glass opened/ });
  await expect(line).toContainText('Tara Teamlead');
  await expect(line).toContainText('Site security reports a third letter tonight');
  await expect(lead.getByRole('row', { name: /Break-glass ended/ })).toBeVisible();
  await expect(
    lead.getByRole('row', { name: /Case viewed.*Tara Teamlead|Tara Teamlead.*Case viewed/ }).first(),
  ).toBeVisible();
  await expectNoAxeViolations(lead, 'the access log');

  // The lead was told at once: the bell counts it, and leads to the case.
  const bell = lead.getByRole('button', { name: 'Notifications (1 unread)' });
  await bell.click();
  await expect(bell).toHaveAttribute('aria-expanded', 'true');
  const told = lead.getByRole('link', { name: new RegExp(`Tara Teamlead opened ${state.reference} by break-glass`) });
  await expect(told).toBeVisible();
  await expectNoAxeViolations(lead, 'the open notifications');
  await lead.keyboard.press('Escape');
  await expect(bell).toBeFocused();
  await expect(told).toHaveCount(0);
  await bell.click();
  await lead.getByRole('button', { name: 'Mark all as read' }).click();
  await expect(lead.getByRole('button', { name: 'Notifications (0 unread)' })).toBeVisible();
});

test('(d) a person is shown by pseudonym; the lead reveals the identity, and the reveal is in the access log', async ({
  browser,
}) => {
  const page = await signedIn(browser, CASE_TEAM.lead);
  await page.goto(`/cases/${state.caseId}`);
  await page.getByRole('tab', { name: 'Persons' }).click();
  const form = page.getByRole('region', { name: 'Add a person' });
  await form.getByLabel('Role in the case').selectOption({ label: 'Person of concern' });
  await form.getByLabel('Name').fill('Max Mustermann');
  await form.getByLabel('Organisational unit').fill('Logistics, night shift');
  await form.getByLabel('Notes').fill('Wrote both letters, by his own account.');
  await form.getByRole('button', { name: 'Add person' }).click();

  const list = page.getByRole('region', { name: 'Persons' });
  await expect(list.getByText('Person A', { exact: true })).toBeVisible();
  await expect(list.getByText('Wrote both letters, by his own account.')).toBeVisible();
  await expect(page.getByText('Max Mustermann')).toHaveCount(0);
  await expectNoAxeViolations(page, 'the persons tab');
  await list.getByRole('button', { name: 'Show identity of Person A' }).click();
  const identity = page.getByRole('definition').filter({ hasText: 'Max Mustermann' });
  await expect(identity).toBeVisible();

  await page.getByRole('tab', { name: 'Access log' }).click();
  const line = page.getByRole('row', { name: /Identity revealed/ });
  await expect(line).toContainText('Lina Lead');
  await expect(line).toContainText('Identities');
});

test('(e) the lead links a duplicate, then merges it: its person moves in, and the record says what moved', async ({
  browser,
}) => {
  const page = await signedIn(browser, CASE_TEAM.lead);
  const opened = await api(page, 'POST', '/api/cases', { title: 'Letters at the loading bay, reported again' });
  expect(opened.status()).toBe(201);
  const duplicate = await opened.json();
  const person = await api(page, 'POST', `/api/cases/${duplicate.id}/persons`, {
    role: 'witness',
    notes: 'Night guard',
  });
  expect(person.status()).toBe(201);

  await page.goto(`/cases/${state.caseId}`);
  await page.getByRole('tab', { name: 'Related cases' }).click();
  await expect(page.getByText('No linked cases you can see.')).toBeVisible();
  await page.getByLabel('Reference of the other case').fill('case 2');
  await page.getByRole('button', { name: 'Link case' }).click();
  await expect(page.getByText('Enter a reference like TM-2026-0042.')).toBeVisible();
  await page.getByLabel('Reference of the other case').fill(state.reference ?? '');
  await page.getByRole('button', { name: 'Link case' }).click();
  await expect(page.getByText('A case cannot be linked to itself.')).toBeVisible();
  await page.getByLabel('Reference of the other case').fill(duplicate.reference);
  await page.getByRole('button', { name: 'Link case' }).click();
  await expect(page.getByRole('link', { name: duplicate.reference })).toBeVisible();
  await expectNoAxeViolations(page, 'the related cases tab');

  await page.getByRole('link', { name: duplicate.reference }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(duplicate.reference);
  await page.getByRole('tab', { name: 'Related cases' }).click();
  const merge = page.getByRole('region', { name: 'Merge this case into another' });
  await merge.getByLabel('Reference of the case to merge into').fill(state.reference ?? '');
  await merge.getByLabel('Reason').fill('The same two letters, reported by the night guard');
  await merge.getByRole('button', { name: 'Merge case' }).click();
  await expect(merge.getByText('Confirm that you want to merge.')).toBeVisible();
  await merge.getByLabel(`I understand that ${duplicate.reference} will be closed`).check();
  await merge.getByRole('button', { name: 'Merge case' }).click();
  const landed = page.getByRole('heading', { level: 1, name: state.reference ?? '' });
  await confirmIfAsked(page, CASE_TEAM.lead.password, landed);
  await expect(landed).toBeVisible();

  await page.getByRole('tab', { name: 'Related cases' }).click();
  const record = page.getByRole('article', { name: `Merge of ${duplicate.reference}` });
  await expect(record).toContainText('The same two letters, reported by the night guard');
  await expect(record).toContainText('A became B');
  await expectNoAxeViolations(page, 'the merge record');
  await page.getByRole('tab', { name: 'Persons' }).click();
  await expect(page.getByText('Night guard')).toBeVisible();

  await page.goto(`/cases/${duplicate.id}`);
  await expect(page.getByText('This case was merged into')).toBeVisible();
  await expect(page.getByRole('link', { name: state.reference ?? '' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Edit title, summary and tags' })).toHaveCount(0);
});
