import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, expect, type Locator, type Page, test } from '@playwright/test';
import { confirmIfAsked, signInWithCode } from './support/accounts.ts';
import { switchLanguage } from './support/app.ts';
import {
  berlin,
  complete,
  evidenced,
  item,
  judge,
  presenceOf,
  rate,
  saveAndFinalise,
  tabInto,
  today,
  ZONE,
} from './support/assessment-form.ts';
import { ASSESSMENTS_TEAM } from './support/assessments-team.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import type { TeamMember } from './support/case-team.ts';
import { skipWithoutChromium } from './support/chromium.ts';
import { baseUrlOf, secretsDirOf } from './support/servers.ts';

skipWithoutChromium();

/**
 * The assessments journey (docs/assessments.md), on a server of its own whose team and models exist
 * from the start (test/e2e/support/assessments-server.ts): the lead assesses the case alone; an
 * incident is written; the lead and a second rater rate it independently, neither seeing the
 * other's draft, and a consensus records one dissent; the risk curve shows both assessments and
 * the incident between them. The team lead publishes the model's version 2 and the next assessment
 * starts from the mapped ratings. An expert without the assessments section sees none of it.
 */
test.describe.configure({ mode: 'serial' });
const baseURL = baseUrlOf('assessments');
test.use({ locale: 'en-GB', timezoneId: ZONE, baseURL });

const { lead: LEAD, rater: RATER, expert: EXPERT, teamLead: TEAM_LEAD } = ASSESSMENTS_TEAM;
const minuteNow = () => berlin({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date());

const state: { caseId?: string; reference?: string; singleMinute?: string; consensusId?: string } = {};
const people = new Map<string, { context: BrowserContext; page: Page }>();

/** A signed-in page of this person's, kept for the journey. */
async function pageOf(browser: Browser, person: TeamMember): Promise<Page> {
  const known = people.get(person.email);
  if (known !== undefined) return known.page;
  const context = await browser.newContext({ locale: 'en-GB', timezoneId: ZONE, baseURL });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await signInWithCode(page, person);
  people.set(person.email, { context, page });
  return page;
}

/** A request as the signed-in page would send it: our Origin and the session's CSRF token. */
async function api(page: Page, method: 'POST' | 'PUT', url: string, data?: object) {
  const session = await (await page.request.get('/api/session')).json();
  const headers = { origin: baseURL, 'x-csrf-token': session.csrfToken };
  return method === 'POST' ? page.request.post(url, { headers, data }) : page.request.put(url, { headers, data });
}

async function openAssessments(page: Page): Promise<Locator> {
  await page.goto(`/cases/${state.caseId}`);
  await page.getByRole('tab', { name: 'Assessments' }).click();
  const section = page.getByRole('region', { name: 'Assessments' });
  await expect(section.getByRole('heading', { level: 2, name: 'Assessments' })).toBeVisible();
  return section;
}

async function start(page: Page, kind: string, options: { version?: string; from?: RegExp; basis?: RegExp[] } = {}) {
  const section = await openAssessments(page);
  await section.getByRole('button', { name: 'Start an assessment' }).click();
  const form = page.getByRole('region', { name: 'Start an assessment' });
  await form
    .getByLabel('Model and version')
    .selectOption({ label: `TMA Warning-Behaviour Screen (version ${options.version ?? '1.0.0'})` });
  await form.getByRole('radio', { name: kind }).check();
  if (options.from !== undefined) {
    const from = form.getByLabel('Start from');
    await from.selectOption((await from.locator('option', { hasText: options.from }).getAttribute('value')) ?? '');
  }
  for (const rater of options.basis ?? []) await form.getByRole('checkbox', { name: rater }).check();
  await form.getByRole('button', { name: 'Start', exact: true }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: /^Assessment: TMA Warning-Behaviour Screen/ }),
  ).toBeVisible();
}

test.beforeAll(async () => {
  const ready = path.join(secretsDirOf('assessments'), 'e2e-team-ready.txt');
  await expect
    .poll(() => existsSync(ready), { message: 'the assessments server made its team', timeout: 30_000 })
    .toBe(true);
});
test.afterAll(async () => {
  for (const { context } of people.values()) await context.close();
});

test('the lead opens the case, adds a rater and an expert, and writes what happened', async ({ browser }) => {
  const page = await pageOf(browser, LEAD);
  const opened = await api(page, 'POST', '/api/cases', { title: 'Questions about the car park' });
  expect(opened.status(), await opened.text()).toBe(201);
  ({ id: state.caseId, reference: state.reference } = await opened.json());
  const person = await api(page, 'POST', `/api/cases/${state.caseId}/persons`, {
    role: 'person_of_concern',
    identity: { name: 'Jonas Beispiel' },
  });
  expect(person.status(), await person.text()).toBe(201);
  const candidates = (await (await page.request.get(`/api/cases/${state.caseId}/candidates`)).json()).candidates as {
    id: string;
    displayName: string;
  }[];
  const idOf = (name: string) => candidates.find((c) => c.displayName === name)?.id;
  for (const [name, scope] of [
    [RATER.name, { role: 'member', fullScope: true }],
    [EXPERT.name, { role: 'expert', fullScope: false, sections: ['timeline', 'documents'] }],
  ] as const) {
    // Before each grant: this server's step-up lasts 3 s, which one grant on a loaded machine can take.
    expect((await api(page, 'POST', '/api/session/step-up', { password: LEAD.password })).status()).toBe(204);
    const granted = await api(page, 'POST', `/api/cases/${state.caseId}/members`, { userId: idOf(name), ...scope });
    expect(granted.status(), await granted.text()).toBe(204);
  }
  const incident = await api(page, 'POST', `/api/cases/${state.caseId}/timeline`, {
    kind: 'incident',
    occurredOn: today(),
    title: 'Asked where the shift lead parks',
    tags: ['pathway'],
  });
  expect(incident.status(), await incident.text()).toBe(201);
});

test('the lead assesses the case alone: rated by keyboard, the rules asking for what they need, then finalised', async ({
  browser,
}) => {
  const page = await pageOf(browser, LEAD);
  await start(page, 'Single assessment');
  // The screen's optional items are off on this server: the form has none of them.
  await expect(item(page, /^History of violence/)).toBeVisible();
  for (const off of [/^Mental disorder/, /^Framing by an ideology/, /^Failure of an intimate relationship/])
    await expect(item(page, off)).toHaveCount(0);
  await expectNoAxeViolations(page, 'a new assessment (en)');
  // By keyboard alone: Tab reaches the pathway's presence, the arrows rate it, Enter saves.
  await tabInto(page, presenceOf(page, /^Pathway/));
  await expect(presenceOf(page, /^Pathway/).getByRole('radio', { name: 'Not assessed' })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(presenceOf(page, /^Pathway/).getByRole('radio', { name: 'Present', exact: true })).toBeChecked();
  await tabInto(page, page.getByRole('button', { name: 'Save', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByText('Saved.')).toBeVisible();
  // The server computed the rules: a flag, and what they now require.
  await expect(page.getByText('A warning behaviour is present – consider active case management.')).toBeVisible();
  await page.getByRole('button', { name: 'Finalise …' }).click();
  await page.getByRole('button', { name: 'Finalise now' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /^Not finalised:/ })).toBeVisible();
  // Nothing typed is lost by the refusal.
  await expect(presenceOf(page, /^Pathway/).getByRole('radio', { name: 'Present', exact: true })).toBeChecked();
  await complete(page, '3 High – active management', 'Research into where the lead parks.');
  await saveAndFinalise(page);
  state.singleMinute = minuteNow();
  await expectNoAxeViolations(page, 'a finalised assessment (en)');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByText('Die Einschätzung ist abgeschlossen. Sie ändert sich nicht mehr.')).toBeVisible();
  await expectNoAxeViolations(page, 'a finalised assessment (de)');
  await switchLanguage(page, 'English');
});

test('two raters rate independently: neither sees the other’s draft until it is finalised', async ({ browser }) => {
  const lead = await pageOf(browser, LEAD);
  const rater = await pageOf(browser, RATER);
  await start(lead, 'Independent rating');
  await complete(lead, '4 Acute – immediate action', 'The questions came twice in one week.');
  await lead.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(lead.getByText('Saved.')).toBeVisible();
  const draftUrl = lead.url();

  const theirs = await openAssessments(rater);
  await expect(theirs.getByRole('cell', { name: 'Draft' })).toHaveCount(0);
  await rater.goto(draftUrl);
  await expect(rater.getByText(/^This assessment was not found/)).toBeVisible();
  await start(rater, 'Independent rating');
  await complete(rater, '3 High – active management', 'No weapon access; high is enough.');
  await rate(rater, /^Personal grievance/, 'Present');
  await rater.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(rater.getByText('Saved.')).toBeVisible();
  // Nor does the lead see the rater's: only their own draft is listed, and the rater's is not found.
  const ours = await openAssessments(lead);
  await expect(ours.getByRole('cell', { name: 'Draft' })).toHaveCount(1);
  await lead.goto(rater.url());
  await expect(lead.getByText(/^This assessment was not found/)).toBeVisible();
  await saveAndFinalise(rater);

  await lead.goto(draftUrl);
  await saveAndFinalise(lead);
  const list = await openAssessments(rater);
  await expect(list.getByRole('row', { name: /Independent rating/ })).toHaveCount(2);
});

test('a consensus records the agreed priority and one dissent with its reason; the curve shows both assessments and the incident between them', async ({
  browser,
}) => {
  const lead = await pageOf(browser, LEAD);
  // The incident to the minute, after the first assessment's minute.
  while (minuteNow() === state.singleMinute) await lead.waitForTimeout(2_000);
  const incident = await api(lead, 'POST', `/api/cases/${state.caseId}/timeline`, {
    kind: 'incident',
    occurredOn: today(),
    occurredTime: minuteNow(),
    title: 'Waited at the car park after the shift',
    tags: ['energy_burst'],
  });
  expect(incident.status(), await incident.text()).toBe(201);
  await start(lead, 'Consensus', { basis: [new RegExp(LEAD.name), new RegExp(RATER.name)] });
  // What both raters agree on is where the consensus starts; where they differ, each one's rating is shown.
  await expect(presenceOf(lead, /^Pathway/).getByRole('radio', { name: 'Present', exact: true })).toBeChecked();
  const grievance = item(lead, /^Personal grievance/);
  await expect(grievance.getByText('The raters rated this differently:')).toBeVisible();
  await expect(grievance.getByText(`${RATER.name}: Present`)).toBeVisible();
  await expect(grievance.getByText(`${LEAD.name}: Not assessed`)).toBeVisible();
  await rate(lead, /^Leakage/, 'Present');
  await evidenced(lead, /^Leakage/);
  await complete(lead, '4 Acute – immediate action', 'Agreed at the case conference.');
  await lead.getByRole('button', { name: 'Record a dissent on Priority' }).click();
  const dissent = lead.getByRole('group', { name: /^Dissent 1/ });
  await dissent.getByLabel('Rater').selectOption({ label: RATER.name });
  await dissent.getByLabel('Their value').selectOption({ label: '3 High – active management' });
  // Without a reason the dissent is refused, and what was typed stays.
  await lead.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(lead.getByText('Saved.')).toBeVisible();
  await lead.getByRole('button', { name: 'Finalise …' }).click();
  await lead.getByRole('button', { name: 'Finalise now' }).click();
  const refusal = lead.getByRole('alert').filter({ hasText: /^Not finalised:/ });
  await expect(refusal).toBeVisible();
  await expect(refusal).toContainText('the dissent needs a reason');
  // What was typed stays.
  await expect(dissent.getByLabel('Rater').locator('option:checked')).toHaveText(RATER.name);
  await expect(dissent.getByLabel('Their value').locator('option:checked')).toHaveText('3 High – active management');
  await dissent.getByLabel('Their reason').fill('No weapon access; high is enough.');
  await saveAndFinalise(lead);
  state.consensusId = lead.url().split('/').pop();

  const section = await openAssessments(lead);
  await expect(section.getByRole('img', { name: /Risk curve/ })).toBeVisible();
  await section.locator('summary', { hasText: 'The risk curve as a table' }).click();
  const rows = section.getByRole('table', { name: /risk curve/i }).getByRole('row');
  await expect(rows.filter({ hasText: /Single assessment/ })).toHaveCount(1);
  await expect(rows.filter({ hasText: /Consensus/ })).toHaveCount(1);
  const order = await rows.allTextContents();
  const at = (pattern: RegExp) => order.findIndex((r) => pattern.test(r));
  const between = at(/Incident, warning behaviours: energy burst/);
  expect(between).toBeGreaterThan(at(/Single assessment/));
  expect(between).toBeLessThan(at(/Consensus/));
  // Item by item: the consensus rated leakage, the single assessment had not.
  await section.locator('summary', { hasText: 'What changed between consecutive assessments' }).click();
  await expect(section.getByText('1 item rated differently.')).toBeVisible();
  await expect(section.getByText('Leakage: Not assessed → Present')).toBeVisible();
  await expectNoAxeViolations(lead, 'the assessments and the risk curve (en)');
  // The case's priority follows the consensus.
  await expect(lead.getByText('4 · acute, act now').first()).toBeVisible();
});

test('the acute consensus asks for a review in two days: the case is on the lead’s dashboard to assess again', async ({
  browser,
}) => {
  const lead = await pageOf(browser, LEAD);
  await lead.goto('/');
  const reviews = lead.getByRole('region', { name: 'To assess again' });
  await expect(reviews.getByRole('row', { name: new RegExp(state.reference ?? '-') })).toContainText('Due in 2 days');
  await expectNoAxeViolations(lead, 'the dashboard with a case to assess again (en)');
});

test('version 2 is published with its migration map; the next assessment starts from the mapped ratings and marks what changes; finalised, only mapped items are compared', async ({
  browser,
}) => {
  const teamLead = await pageOf(browser, TEAM_LEAD);
  await teamLead.goto('/models/tma_warning_behaviour_screen?version=2.0.0');
  await teamLead.getByRole('button', { name: 'Publish this version' }).click();
  await confirmIfAsked(teamLead, TEAM_LEAD.password, teamLead.getByText(/^Published/).first());

  const lead = await pageOf(browser, LEAD);
  await start(lead, 'Single assessment', { version: '2.0.0', from: /^Consensus by Ada Lead, version 1\.0\.0/ });
  // Leakage was split in two: both start from the consensus's rating; the rest carried over as it was.
  const leakage = lead.getByRole('group', { name: /^Leakage/ });
  await expect(leakage).toHaveCount(2);
  for (const split of await leakage.all())
    await expect(
      split.getByRole('group', { name: 'Presence', exact: true }).getByRole('radio', { name: 'Present', exact: true }),
    ).toBeChecked();
  await expect(presenceOf(lead, /^Pathway/).getByRole('radio', { name: 'Present', exact: true })).toBeChecked();
  await expect(lead.getByText(/ratings that differ from it are marked/)).toBeVisible();
  // A rating other than the one it started from is marked, with what it was.
  await rate(lead, /^Recent losses or stressors/, 'Present');
  const losses = item(lead, /^Recent losses or stressors/);
  await expect(losses.getByText('Changed', { exact: true })).toBeVisible();
  await expect(losses.getByText(/before: presence “Not assessed”/)).toBeVisible();
  await expect(item(lead, /^Pathway/).getByText('Changed', { exact: true })).toHaveCount(0, { timeout: 1000 });
  await expectNoAxeViolations(lead, 'an assessment migrated to version 2 (en)');
  // Finalised, the curve and the item-level change say that the version changed and only mapped items are compared.
  await judge(lead, 'Priority', '4 Acute – immediate action', 'Still acute after the conference.');
  await judge(lead, 'Imminence', 'Weeks to months', 'No sign of preparation yet.');
  await judge(lead, 'Potential severity', 'Serious', 'Threats against one colleague.');
  await saveAndFinalise(lead);
  const section = await openAssessments(lead);
  await expect(
    section.getByText(/the model changed from .+ to .+: only the items mapped between the versions are compared\./),
  ).toBeVisible();
  await section.locator('summary', { hasText: 'What changed between consecutive assessments' }).click();
  await expect(
    section.getByText("The model's version changed: only the items its migration map carries are compared."),
  ).toBeVisible();
  await expect(section.getByText('Recent losses or stressors: Not assessed → Present')).toBeVisible();
});

test('the consensus exported as a PDF: its sections, the model and its citation, and no real name when pseudonymised', async ({
  browser,
}) => {
  const lead = await pageOf(browser, LEAD);
  await lead.goto(`/cases/${state.caseId}/assessments/${state.consensusId}`);
  const exporting = lead.getByRole('region', { name: 'Export as PDF' });
  await exporting.getByRole('radio', { name: 'German' }).check();
  // The lead could name the persons; left unticked, the PDF gives their pseudonyms.
  await expect(exporting.getByRole('checkbox', { name: /Name the persons of the case/ })).not.toBeChecked();
  const downloaded = lead.waitForEvent('download');
  await exporting.getByRole('button', { name: 'Export as PDF' }).click();
  await confirmIfAsked(lead, LEAD.password, exporting.getByText('The PDF was exported.'));
  const file = await (await downloaded).path();
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  for (const expected of [
    'TMA-Screening auf Warnverhalten',
    '1.0.0',
    'Meloy',
    'Fallformulierung',
    'Personen des Falls',
    'Szenarien',
    'Gesamturteile',
    'Kränkung nach der Versetzung',
    'Abweichende Meinung: Ravi Rater – 3 Hoch – aktives Fallmanagement',
    'Vertraulich – Bedrohungsmanagement',
  ])
    expect(text, expected).toContain(expected);
  expect(text).not.toContain('Jonas Beispiel');
  expect(text).toMatch(/Person A/);
});

test('an expert without the assessments section sees none of it', async ({ browser }) => {
  const expert = await pageOf(browser, EXPERT);
  await expert.goto(`/cases/${state.caseId}`);
  await expect(expert.getByRole('tab', { name: 'Timeline' })).toBeVisible();
  await expect(expert.getByRole('tab', { name: 'Assessments' })).toHaveCount(0);
  await expert.goto(`/cases/${state.caseId}/assessments/${state.consensusId}`);
  await expect(expert.getByText(/^This assessment was not found/)).toBeVisible();
  expect((await expert.request.get(`/api/cases/${state.caseId}/assessments`)).status()).toBe(404);
});
