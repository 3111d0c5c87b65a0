import { existsSync } from 'node:fs';
import path from 'node:path';
import { type BrowserContext, expect, type Locator, type Page, test } from '@playwright/test';
import { signInWithCode } from './support/accounts.ts';
import { switchLanguage } from './support/app.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { skipWithoutChromium } from './support/chromium.ts';
import { baseUrlOf, secretsDirOf } from './support/servers.ts';
import { TIMELINE_TEAM } from './support/timeline-team.ts';

skipWithoutChromium();

/**
 * The timeline journey (docs/timeline.md), on a server of its own whose team exists from the start
 * (test/e2e/support/timeline-server.ts): the lead opens a case, names a person, adds a
 * colleague, and writes the case's timeline: two incidents (one to the minute, one to the day), a
 * conversation and exculpatory information, with warning behaviours, the person and a document
 * uploaded from the form (then a second version of it). The list shows these beside what the server
 * recorded; an edit makes version 2 and version 1 stays readable; a filter narrows the list; an entry
 * dated in the future is refused and nothing typed is lost.
 */
test.describe.configure({ mode: 'serial' });
const baseURL = baseUrlOf('timeline');
// The browser's days are the company's (TMA_TIME_ZONE defaults to Europe/Berlin).
const ZONE = 'Europe/Berlin';
test.use({ locale: 'en-GB', timezoneId: ZONE, baseURL });

const LEAD = TIMELINE_TEAM.lead;
const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date());
const dayFrom = (days: number) =>
  new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const shown = (day: string) =>
  new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));

const INCIDENT = { title: 'Letter at the loading bay', day: dayFrom(-10), time: '14:30' };
const GRAFFITI = { title: 'Graffiti on the gate', day: dayFrom(-7) };
const TALK = { title: 'Talk with the shift lead', day: dayFrom(-5) };
const ALIBI = { title: 'Alibi for the night of the letter', day: dayFrom(-3) };

let context: BrowserContext;
let page: Page;
const state: { caseId?: string; documentId?: string } = {};

/** A request as the signed-in page would send it: our Origin and the session's CSRF token. */
async function api(method: 'POST' | 'PUT', url: string, data?: object, multipart?: object) {
  const session = await (await page.request.get('/api/session')).json();
  const headers = { origin: baseURL, 'x-csrf-token': session.csrfToken };
  return method === 'POST'
    ? page.request.post(url, { headers, ...(multipart ? { multipart } : { data }) } as never)
    : page.request.put(url, { headers, data });
}

async function openTimeline(): Promise<void> {
  await page.goto(`/cases/${state.caseId}`);
  await page.getByRole('tab', { name: 'Timeline' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Timeline' })).toBeVisible();
}

const entry = (title: string): Locator => page.getByRole('article', { name: title, exact: true });

/** Opens the new-entry form and fills in what every entry has. */
async function startEntry(kind: string, title: string, day: string, time = ''): Promise<Locator> {
  await page.getByRole('button', { name: 'Write an entry' }).click();
  const form = page.getByRole('region', { name: 'New entry' });
  await expect(form.getByRole('heading', { name: 'New entry' })).toBeFocused();
  await form.getByLabel('Kind of entry').selectOption({ label: kind });
  await form.getByLabel('Day', { exact: true }).fill(day);
  if (time !== '') await form.getByLabel('Time', { exact: true }).fill(time);
  await form.getByLabel('Title').fill(title);
  return form;
}

async function save(form: Locator, title: string): Promise<void> {
  await form.getByRole('button', { name: 'Save entry' }).click();
  await expect(page.getByText('The entry was saved.')).toBeVisible();
  await expect(entry(title)).toBeVisible();
}

test.beforeAll(async ({ browser }) => {
  const ready = path.join(secretsDirOf('timeline'), 'e2e-team-ready.txt');
  await expect
    .poll(() => existsSync(ready), { message: 'the timeline server made its team', timeout: 30_000 })
    .toBe(true);
  context = await browser.newContext({ locale: 'en-GB', timezoneId: ZONE, baseURL });
  page = await context.newPage();
});
test.afterAll(async () => {
  await context?.close();
});

test('the lead opens a case, names a person and adds a colleague', async () => {
  await page.goto('/sign-in');
  await signInWithCode(page, LEAD);
  await expect(page.getByRole('link', { name: 'Cases' })).toBeVisible();
  const opened = await api('POST', '/api/cases', { title: 'Letters at the loading bay' });
  expect(opened.status(), await opened.text()).toBe(201);
  state.caseId = (await opened.json()).id;
  const person = await api('POST', `/api/cases/${state.caseId}/persons`, {
    role: 'person_of_concern',
    notes: 'Writes the letters, by the look of them.',
  });
  expect(person.status(), await person.text()).toBe(201);

  const candidates = await (await page.request.get(`/api/cases/${state.caseId}/candidates`)).json();
  const colleague = candidates.candidates.find(
    (c: { displayName: string }) => c.displayName === TIMELINE_TEAM.colleague.name,
  );
  const stepped = await api('POST', '/api/session/step-up', { password: LEAD.password });
  expect(stepped.status()).toBe(204);
  const granted = await api('POST', `/api/cases/${state.caseId}/members`, {
    userId: colleague.id,
    role: 'member',
    fullScope: true,
  });
  expect(granted.status(), await granted.text()).toBe(204);
});

test('the lead writes two incidents, a conversation and exculpatory information', async () => {
  await openTimeline();
  // The first incident, to the minute: with warning behaviours, the person, and a document uploaded here.
  const form = await startEntry('Incident', INCIDENT.title, INCIDENT.day, INCIDENT.time);
  await form.getByLabel('What happened').fill('Found under the door at the start of the shift.\nSigned "a friend".');
  await form.getByLabel('Source').fill('Night guard');
  await form.getByRole('checkbox', { name: 'fixation' }).check();
  await form.getByRole('checkbox', { name: 'leakage' }).check();
  await form.getByRole('checkbox', { name: 'Person A' }).check();
  await form.getByLabel('Upload a new document to the case').setInputFiles({
    name: 'Letter.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('You will regret this.\n'),
  });
  await form.getByRole('button', { name: 'Upload and attach' }).click();
  await expect(form.getByText('Letter.txt was uploaded to the case and is attached to this entry.')).toBeVisible();
  await expect(form.getByRole('checkbox', { name: 'Letter.txt (version 1)' })).toBeChecked();
  await expectNoAxeViolations(page, 'the new entry form');
  await save(form, INCIDENT.title);

  await save(await startEntry('Incident', GRAFFITI.title, GRAFFITI.day), GRAFFITI.title);
  await save(await startEntry('Conversation', TALK.title, TALK.day, '09:15'), TALK.title);
  const alibi = await startEntry('Exculpatory information', ALIBI.title, ALIBI.day);
  await alibi.getByLabel('What happened').fill('He was on leave abroad that week.');
  await save(alibi, ALIBI.title);

  const incident = entry(INCIDENT.title);
  await expect(incident).toContainText('Incident');
  await expect(incident).toContainText('2:30 PM');
  await expect(incident).toContainText('Night guard');
  await expect(incident).toContainText('fixation');
  await expect(incident).toContainText('leakage');
  await expect(incident).toContainText('Person A');
  await expect(incident).toContainText('Written by Tilda Lead');
  // The text as typed, its line break kept.
  expect(await incident.locator('.case-text').textContent()).toBe(
    'Found under the door at the start of the shift.\nSigned "a friend".',
  );
  await expect(entry(GRAFFITI.title)).toContainText('Time not known');
  await expect(entry(ALIBI.title)).toContainText('Exculpatory information');

  // The document's second version, uploaded as the document page's "new version" does.
  await incident.getByRole('link', { name: 'Letter.txt' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Letter.txt' })).toBeVisible();
  state.documentId = page.url().split('/documents/')[1];
  const second = await api('POST', `/api/documents/${state.documentId}/versions`, undefined, {
    expectedVersion: '1',
    file: { name: 'Letter.txt', mimeType: 'text/plain', buffer: Buffer.from('You will regret this. Really.\n') },
  });
  expect(second.status(), await second.text()).toBe(201);
});

test('the timeline shows the written entries, newest first, beside what the server recorded', async () => {
  await openTimeline();
  const titles = page.locator('.tl-entry--incident, .tl-entry--conversation, .tl-entry--exculpatory').locator('h4');
  await expect(titles).toHaveText([ALIBI.title, TALK.title, GRAFFITI.title, INCIDENT.title]);
  await expect(page.getByRole('heading', { level: 3, name: shown(INCIDENT.day) })).toBeVisible();
  await expect(entry('Tilda Lead opened the case.')).toBeVisible();
  await expect(entry('Tilda Lead added Carl Colleague to the case.')).toBeVisible();
  await expect(entry('Tilda Lead uploaded Letter.txt, version 1.')).toBeVisible();
  await expect(entry('Tilda Lead uploaded Letter.txt, version 2.')).toBeVisible();
  await expect(entry('Tilda Lead uploaded Letter.txt, version 1.')).toContainText('Recorded by TMA');
  // Recorded entries cannot be edited; written ones can.
  await expect(entry('Tilda Lead opened the case.').getByRole('button')).toHaveCount(0);
  await expect(entry(TALK.title).getByRole('button', { name: /^Edit/ })).toBeVisible();

  // The chart: entries per day, and the warning behaviours.
  const chart = page.getByRole('group', { name: 'Entries and warning behaviours over time' });
  await expect(chart).toBeVisible();
  await expect(
    chart.getByRole('button', { name: new RegExp(`^${shown(INCIDENT.day)}: 1 entry .*; 2 warning behaviours$`) }),
  ).toBeVisible();
  await expectNoAxeViolations(page, 'the timeline tab');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('heading', { level: 2, name: 'Zeitleiste' })).toBeVisible();
  await expect(entry('Tilda Lead hat den Fall angelegt.')).toBeVisible();
  await expect(entry(INCIDENT.title)).toContainText('Vorfall');
  await expectNoAxeViolations(page, 'the timeline tab in German');
  await switchLanguage(page, 'English');
});

test('an edit makes version 2, and version 1 stays readable', async () => {
  await openTimeline();
  await entry(GRAFFITI.title).getByRole('button', { name: /^Edit/ }).click();
  const form = page.getByRole('region', { name: `Edit “${GRAFFITI.title}”` });
  await expect(form.getByRole('heading')).toBeFocused();
  await form.getByLabel('Title').fill('Graffiti on the north gate');
  await form.getByLabel('What happened').fill('Sprayed overnight: the same words as the letter.');
  await form.getByRole('button', { name: 'Save entry' }).click();
  const edited = entry('Graffiti on the north gate');
  await expect(edited).toContainText('edited by Tilda Lead');
  await expect(edited).toContainText('(version 2)');
  await expect(entry(GRAFFITI.title)).toHaveCount(0);

  await edited.getByRole('button', { name: /^Show earlier versions/ }).click();
  const history = edited.getByRole('region', { name: 'Versions of “Graffiti on the north gate”' });
  const first = history.getByRole('article', { name: /^Version 1, saved by Tilda Lead/ });
  await expect(first).toContainText(GRAFFITI.title);
  await expect(first).not.toContainText('Sprayed overnight');
  await expect(history.getByRole('article', { name: /^Version 2/ })).toContainText('Sprayed overnight');
  await expectNoAxeViolations(page, 'an entry’s versions');
});

test('a save over someone else’s newer version keeps the typed text, and saves it once reloaded', async () => {
  await openTimeline();
  await entry(TALK.title).getByRole('button', { name: /^Edit/ }).click();
  const form = page.getByRole('region', { name: `Edit “${TALK.title}”` });
  await form.getByLabel('What happened').fill('He asked for a transfer to the day shift.');
  // Meanwhile, from another tab: the source is added.
  const list = await (await page.request.get(`/api/cases/${state.caseId}/timeline?kinds=conversation`)).json();
  const talk = list.entries[0];
  const other = await api('PUT', `/api/cases/${state.caseId}/timeline/${talk.id}`, {
    kind: 'conversation',
    occurredOn: TALK.day,
    occurredTime: '09:15',
    title: TALK.title,
    source: 'Minutes of the meeting',
    expectedVersion: talk.version,
  });
  expect(other.status(), await other.text()).toBe(200);
  await form.getByRole('button', { name: 'Save entry' }).click();
  await expect(form.getByText('Someone else changed this entry meanwhile')).toBeVisible();
  await expect(form.getByLabel('What happened')).toHaveValue('He asked for a transfer to the day shift.');
  await form.getByRole('button', { name: 'Load the newer version' }).click();
  await expect(form.getByText('Version 2, saved by Tilda Lead')).toBeVisible();
  await expect(form.getByLabel('What happened')).toHaveValue('He asked for a transfer to the day shift.');
  await form.getByRole('button', { name: 'Save entry' }).click();
  await expect(entry(TALK.title)).toContainText('He asked for a transfer to the day shift.');
  await expect(entry(TALK.title)).toContainText('(version 3)');
});

test('filters narrow the list; the chart chooses days', async () => {
  await openTimeline();
  const count = page.getByRole('status').filter({ hasText: /entr(y|ies) shown/ });
  await page.getByText('Kinds of entry: all').click();
  await page.getByRole('checkbox', { name: 'Conversation' }).check();
  await expect(count).toHaveText('1 entry shown.');
  await expect(entry(TALK.title)).toBeVisible();
  await expect(entry(ALIBI.title)).toHaveCount(0);
  await expect(entry('Tilda Lead opened the case.')).toHaveCount(0);
  await page.getByRole('button', { name: 'Clear filters' }).click();

  await page.getByLabel('Warning behaviour', { exact: true }).selectOption({ label: 'leakage' });
  await expect(count).toHaveText('1 entry shown.');
  await expect(entry(INCIDENT.title)).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).click();

  await page.getByLabel('Words', { exact: true }).fill('alibi');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(entry(ALIBI.title)).toBeVisible();
  await expect(count).toHaveText('1 entry shown.');
  await page.getByRole('button', { name: 'Clear filters' }).click();

  // A click on a day's bar shows that day; then the keyboard moves to the exculpatory entry's day, Enter.
  const chart = page.getByRole('group', { name: 'Entries and warning behaviours over time' });
  const incidentDay = chart.getByRole('button', { name: new RegExp(`^${shown(INCIDENT.day)}:`) });
  await incidentDay.click();
  await expect(page.getByLabel('From', { exact: true })).toHaveValue(INCIDENT.day);
  await expect(page.getByLabel('Until', { exact: true })).toHaveValue(INCIDENT.day);
  await expect(entry(INCIDENT.title)).toBeVisible();
  await expect(entry(TALK.title)).toHaveCount(0);
  for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowRight');
  await expect(chart.getByRole('button', { name: new RegExp(`^${shown(ALIBI.day)}:`) })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('From', { exact: true })).toHaveValue(ALIBI.day);
  await expect(entry(ALIBI.title)).toBeVisible();
  await expect(entry(INCIDENT.title)).toHaveCount(0);

  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect(page.getByText(/one bar per day/)).toBeVisible();
  await page.getByRole('button', { name: 'Show all' }).click();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(entry(INCIDENT.title)).toBeVisible();
});

test('an entry dated in the future is refused, and what was typed stays', async () => {
  await openTimeline();
  const form = await startEntry('Observation', 'Meeting with works council', dayFrom(3), '10:00');
  await form.getByLabel('What happened').fill('Planned: talk about the letters.');
  await form.getByRole('button', { name: 'Save entry' }).click();
  await expect(form.getByRole('alert')).toHaveText(
    'An entry cannot be dated in the future. Please check the day and the time.',
  );
  await expect(form.getByLabel('Day', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Title')).toHaveValue('Meeting with works council');
  await expect(form.getByLabel('What happened')).toHaveValue('Planned: talk about the letters.');

  // A file over the upload limit: refused with the reason, and still nothing lost.
  await page.route('**/api/documents', (route) =>
    route.request().method() === 'POST'
      ? route.fulfill({
          status: 413,
          contentType: 'application/problem+json',
          body: JSON.stringify({
            type: 'about:blank',
            title: 'Payload Too Large',
            status: 413,
            code: 'payload_too_large',
            correlationId: 'e2e',
          }),
        })
      : route.continue(),
  );
  await form.getByLabel('Upload a new document to the case').setInputFiles({
    name: 'Recording.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('too large, says the stand-in\n'),
  });
  await form.getByRole('button', { name: 'Upload and attach' }).click();
  await expect(
    form.getByText(
      'Recording.txt was not uploaded: The file is larger than the upload limit. Your entry is unchanged.',
    ),
  ).toBeVisible();
  await page.unroute('**/api/documents');
  await expect(form.getByLabel('Title')).toHaveValue('Meeting with works council');
  await expect(form.getByLabel('What happened')).toHaveValue('Planned: talk about the letters.');
  await expectNoAxeViolations(page, 'the refused entry form');

  await form.getByLabel('Day', { exact: true }).fill(today);
  await form.getByLabel('Time', { exact: true }).fill('');
  await save(form, 'Meeting with works council');
});

test('a long timeline comes a page at a time: “load more” continues where the list ended', async () => {
  const session = await (await page.request.get('/api/session')).json();
  const headers = { origin: baseURL, 'x-csrf-token': session.csrfToken };
  for (let i = 1; i <= 45; i++) {
    const written = await page.request.post(`/api/cases/${state.caseId}/timeline`, {
      headers,
      data: { kind: 'note', occurredOn: dayFrom(-60 + i), title: `Routine check ${i}` },
    });
    expect(written.status(), await written.text()).toBe(201);
  }
  await openTimeline();
  const count = page.getByRole('status').filter({ hasText: /entr(y|ies) shown/ });
  await expect(count).toHaveText('50 entries shown; there are more.');
  await expect(entry('Routine check 1')).toHaveCount(0);
  await page.getByRole('button', { name: 'Load more entries' }).click();
  await expect(entry('Routine check 1')).toBeVisible();
  await expect(count).toHaveText(/^\d+ entries shown\.$/);
  await expect(page.getByRole('button', { name: 'Load more entries' })).toHaveCount(0);
  // Sixty days still fit a bar per day.
  await expect(page.getByText(/one bar per day/)).toBeVisible();
});
