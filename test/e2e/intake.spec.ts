import { expect, test } from '@playwright/test';
import { confirmIfAsked } from './support/accounts.ts';
import { switchLanguage } from './support/app.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { skipWithoutChromium } from './support/chromium.ts';
import { addFile, openPhoto, photo, sessionLeftAloneTest, textFile, uploadResult } from './support/intake-files.ts';
import { floodChallengeTest } from './support/intake-flood.ts';
import { recordedReportTest } from './support/intake-record.ts';
import {
  anonymous,
  closeSessions,
  dayOf,
  daysAgo,
  INTAKE_URL,
  intakeTeamReady,
  signedIn,
} from './support/intake-sessions.ts';
import { INTAKE_TEAM, INTAKE_TEAM_PHONE } from './support/intake-team.ts';

skipWithoutChromium();

/**
 * The intake journey (docs/intake.md), on a server of its own whose people exist from the start
 * (test/e2e/support/intake-server.ts): an anonymous report reaches triage and becomes a case, and its reporter
 * follows it with the receipt alone; an employee's report about the same person is recognised and attached to
 * that case, whose members read both on the case page (who is named only with the identities section); a
 * threat manager records a caller's report; under a flood, the form solves the challenge before it sends. Files
 * go with the reports (a photo whose metadata is stripped) and are added later; signed in, the anonymous pages
 * leave the session alone. Each person has a browser of their own; the anonymous reporter's never signs in.
 */
test.describe.configure({ mode: 'serial' });
const baseURL = INTAKE_URL;
test.use({ locale: 'en-GB', baseURL });

const WHAT = '<script>alert(1)</script> Max left a note on the desk of his team lead: "you will pay for this".';
const CONCERN = { name: 'Max Muster', email: 'max.muster@example.org' };
const PHOTO = 'Notiz-am-Schreibtisch.jpg';
const state: { receipt?: string; reportId?: string; reportRef?: string; caseId?: string; caseRef?: string } = {};

test.beforeAll(intakeTeamReady);
test.afterAll(closeSessions);

test('the report form: the emergency number before anything is sent, and a refusal keeps what was typed', async ({
  browser,
}) => {
  const page = await anonymous(browser);
  const sent: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/api/anonymous/reports')) sent.push(request.url());
  });
  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Report a concern anonymously' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Report a concern' })).toBeVisible();
  await expectNoAxeViolations(page, 'the report form');

  await page.getByLabel('Someone is in danger right now').check();
  const danger = page.getByRole('alert').filter({ hasText: 'Call for help now' });
  await expect(danger).toBeVisible();
  await expect(danger.getByRole('link', { name: '112' })).toHaveAttribute('href', 'tel:112');
  await expect(danger).toContainText(INTAKE_TEAM_PHONE);
  expect(sent).toEqual([]);
  await expectNoAxeViolations(page, 'the report form with the emergency alert');

  // A day in the future, and no consent: both named at their fields, the text stays.
  await page.getByLabel('What happened?', { exact: true }).fill(WHAT);
  await expect(page.getByText(`${WHAT.length} of 10,000 characters`)).toBeVisible();
  await page.getByLabel('On which day?', { exact: true }).fill(dayOf(new Date(Date.now() + 3 * 86_400_000)));
  await page.getByRole('button', { name: 'Send report' }).click();
  await expect(page.getByText('2 entries need your attention.')).toBeVisible();
  await expect(page.getByText('This day is in the future. Please enter a day up to today.')).toBeVisible();
  await expect(page.getByText('Please confirm that you have read the notice.')).toBeVisible();
  await expect(page.getByLabel('On which day?', { exact: true })).toBeFocused();
  await expect(page.getByLabel('What happened?', { exact: true })).toHaveValue(WHAT);
  expect(sent).toEqual([]);

  await page.getByLabel('On which day?', { exact: true }).fill(daysAgo(2));
  await page.getByLabel('Time, or more about when').fill('around 3 pm');
  await page.getByLabel('Where?', { exact: true }).fill('Building C, 2nd floor');
  await page.getByRole('button', { name: 'Add a person' }).click();
  const person = page.getByRole('group', { name: 'Person 1' });
  await expect(person.getByLabel('How is this person involved?')).toBeFocused();
  await person.getByLabel('How is this person involved?').selectOption({ label: 'The person who worries me' });
  await person.getByLabel('Name', { exact: true }).fill(CONCERN.name);
  await person.getByLabel('E-mail or phone').fill(CONCERN.email);
  await person.getByLabel('Date of birth').fill(daysAgo(365 * 10));
  await expect(person.getByText('with this date of birth the person is younger than 14')).toBeVisible();
  await person.getByLabel('Date of birth').fill('1984-02-03');
  await expect(person.getByText('younger than 14')).toHaveCount(0);
  await page
    .getByRole('group', { name: 'Told others they intend to harm someone' })
    .getByLabel('Yes', { exact: true })
    .check();
  await page.getByRole('group', { name: 'Sees no way out' }).getByLabel('Not sure').check();
  // A photo, and an empty file the server refuses: each is sent once the report is stored.
  await page.getByLabel('Add files').setInputFiles([await photo(PHOTO), textFile('leer.txt', '')]);
  await expect(page.getByRole('region', { name: 'Chosen files (2)' })).toContainText(PHOTO);
  await page.getByLabel('I have read this notice and want to send the report.').check();
  await expectNoAxeViolations(page, 'the filled report form');

  // The answer to the first send is lost on the way back: the retry sends the same key, and one report is stored.
  await page.route(
    '**/api/anonymous/reports',
    async (route) => {
      await route.fetch();
      await route.abort('failed');
    },
    { times: 1 },
  );
  await page.getByRole('button', { name: 'Send report' }).click();
  await expect(page.getByText('The server cannot be reached.', { exact: false })).toBeVisible();
  await expect(page.getByLabel('What happened?', { exact: true })).toHaveValue(WHAT);
  await page.getByRole('button', { name: 'Send report' }).click();

  const heading = page.getByRole('heading', { level: 1, name: /keep your receipt code/ });
  await expect(heading).toBeFocused();
  const code = ((await page.locator('.receipt__code').textContent()) ?? '').trim();
  expect(code).toMatch(/^([0-9A-Z]{4} ){5}[0-9A-Z]{4}$/);
  state.receipt = code;
  expect(sent).toHaveLength(2);
  await expect(page.getByText('The code is shown only this once.')).toBeVisible();
  await expect(uploadResult(page, PHOTO)).toContainText('Stored');
  await expect(uploadResult(page, 'leer.txt')).toContainText('Not added The file is empty.');
  await expect(page.getByText('1 of 2 files were added to your report.')).toBeVisible();
  await expect(page.getByText('You can add a file that was not added later, with your receipt code')).toBeVisible();
  await page.getByRole('button', { name: 'Copy the code' }).click();
  await expect(page.getByText('The code was copied.')).toBeVisible();
  // Memory only: not in the address, the history or the browser's storage.
  const plain = code.replaceAll(' ', '');
  expect(page.url()).not.toContain(plain.slice(0, 8));
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
  expect(stored).not.toContain(plain.slice(8));
  await expectNoAxeViolations(page, 'the receipt');
});

test('(a) the threat manager triages the report and opens a case from it', async ({ browser }) => {
  const page = await signedIn(browser, INTAKE_TEAM.manager);
  await page.getByRole('link', { name: 'Triage' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Triage' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'New' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByText('1 report', { exact: true })).toBeVisible();
  const row = page.getByRole('row', { name: /Danger now/ });
  await expect(row).toContainText('Anonymous (web)');
  await expect(row).toContainText(/Due in \d days/);
  await expectNoAxeViolations(page, 'the triage inbox');

  await row.getByRole('link').click();
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText(/^R-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  state.reportRef = (await heading.textContent()) ?? '';
  state.reportId = page.url().split('/triage/')[1];
  // The markup is text.
  await expect(page.getByText(WHAT)).toBeVisible();
  await expect(page.getByText('Person 1: Person of concern')).toBeVisible();
  await expect(page.getByText(CONCERN.email)).toBeVisible();
  await expect(page.getByText('Told others they intend to harm someone (leakage): Yes')).toBeVisible();
  await expect(page.getByText('Sees no way out (last resort): Not sure')).toBeVisible();
  await expect(page.getByText('Anonymous', { exact: true })).toBeVisible();
  await expect(page.getByText('None of the persons of this report is named elsewhere.')).toBeVisible();
  await expectNoAxeViolations(page, 'the triage report page');
  await openPhoto(page, PHOTO);

  const write = page.getByRole('region', { name: 'Write to the reporter' });
  await expect(write.getByText('reads it anonymously with their receipt code')).toBeVisible();
  await write.getByLabel('Message to the reporter').fill('Thank you, we received your report and are on it.');
  await write.getByLabel('This message is the acknowledgement of receipt').check();
  await write.getByRole('button', { name: 'Send to the reporter' }).click();
  await expect(write.getByText('The message was sent to the reporter.')).toBeVisible();
  const thread = page.getByRole('region', { name: 'Messages' });
  await expect(thread).toContainText('Thank you, we received your report and are on it.');
  await expect(thread).toContainText('Acknowledgement of receipt');
  await expect(page.getByRole('region', { name: 'Deadlines' })).toContainText('Done on');

  const open = page.getByRole('region', { name: 'Open a new case' });
  await expect(open.getByLabel('Title of the case')).toHaveValue(new RegExp(`^${state.reportRef}: `));
  await open.getByLabel('Title of the case').fill('Threatening note in building C');
  await open.getByRole('button', { name: 'Open case' }).click();
  const caseHeading = page.getByRole('heading', { level: 1 });
  await expect(caseHeading).toHaveText(/^TM-\d{4}-\d{4}$/);
  state.caseRef = (await caseHeading.textContent()) ?? '';
  state.caseId = page.url().split('/cases/')[1];
});

test('(a) the reporter opens the report with the receipt alone, reads the team’s message and answers', async ({
  browser,
}) => {
  const page = await anonymous(browser);
  await page.goto('/report/status');
  await expect(page.getByRole('heading', { level: 1, name: 'Check a report' })).toBeVisible();
  await expectNoAxeViolations(page, 'the receipt page');
  await page.getByLabel('Receipt code').fill('AAAA-BBBB-CCCC-DDDD-EEEE-FFFF');
  await page.getByRole('button', { name: 'Open report' }).click();
  await expect(page.getByText('This code does not open a report.')).toBeVisible();

  // Typed back in small letters with dashes: the server reads it all the same.
  await page.getByLabel('Receipt code').fill((state.receipt ?? '').toLowerCase().replaceAll(' ', '-'));
  await page.getByRole('button', { name: 'Open report' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Your report ${state.reportRef}` })).toBeFocused();
  expect(page.url()).toBe(`${baseURL}/report/status`);
  const status = page.getByRole('region', { name: 'Status' });
  await expect(status).toContainText('In review');
  const thread = page.getByRole('region', { name: 'Messages' });
  await expect(thread).toContainText('Threat management team');
  await expect(thread).toContainText('Thank you, we received your report and are on it.');
  await expect(page.getByRole('region', { name: 'What you reported' })).toContainText(WHAT);
  const files = page.getByRole('region', { name: 'Files you added' });
  await expect(files.getByRole('row', { name: new RegExp(PHOTO) })).toContainText('JPEG');
  await expectNoAxeViolations(page, 'the opened report');
  const add = files.getByRole('form', { name: 'Add a file' });
  await addFile(add, textFile('Aushang.pdf', 'No PDF'), 'Aushang.pdf was not added: The file’s name does not match');
  await addFile(add, textFile('Nachtrag.txt', 'He signed it "M."'), 'Nachtrag.txt was added to your report.');
  await expect(files.getByRole('row', { name: /Nachtrag\.txt/ })).toContainText('TXT');

  const reply = page.getByRole('region', { name: 'Write to the team' });
  await reply.getByRole('button', { name: 'Send message' }).click();
  await expect(reply.getByText('Please fill in this field.')).toBeVisible();
  await reply.getByLabel('Your message').fill('He said it again this morning, at the coffee machine.');
  await reply.getByRole('button', { name: 'Send message' }).click();
  await expect(reply.getByText('Your message was sent to the team.')).toBeVisible();
  await expect(thread).toContainText('He said it again this morning, at the coffee machine.');

  await page.getByRole('button', { name: 'Close and forget the code' }).click();
  await expect(page.getByLabel('Receipt code')).toHaveValue('');

  // The team was told of the urgent report at once: the bell leads to it.
  const team = await signedIn(browser, INTAKE_TEAM.manager);
  await team.goto('/triage');
  await team.getByRole('button', { name: /^Notifications \(\d+ unread\)$/ }).click();
  await team.getByRole('link', { name: `Urgent report ${state.reportRef}` }).click();
  await expect(team).toHaveURL(`/triage/${state.reportId}`);
  await expect(team.getByRole('region', { name: 'Messages' })).toContainText(
    'He said it again this morning, at the coffee machine.',
  );
  await expect(team.getByText('Awaiting reply').first()).toBeVisible();
  await expect(team.getByRole('link', { name: state.caseRef ?? 'none' })).toBeVisible();
});

test('(b) an employee reports about the same person; triage recognises the person and attaches the report', async ({
  browser,
}) => {
  const page = await signedIn(browser, INTAKE_TEAM.employee);
  await page.getByRole('link', { name: 'My reports', exact: true }).click();
  await expect(page.getByText('You have not sent a report yet.')).toBeVisible();
  await page.getByRole('link', { name: 'Report a concern', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Report a concern' })).toBeVisible();
  await page.getByLabel('Not urgent, but worrying').check();
  await page
    .getByLabel('What happened?', { exact: true })
    .fill('A colleague keeps talking about getting even with our team lead.');
  await page.getByRole('button', { name: 'Add a person' }).click();
  const person = page.getByRole('group', { name: 'Person 1' });
  await person.getByLabel('How is this person involved?').selectOption({ label: 'The person who worries me' });
  await person.getByLabel('Name', { exact: true }).fill(CONCERN.name);
  await person.getByLabel('E-mail or phone').fill(CONCERN.email);
  await expect(
    page.getByText('You report under your name: the threat management team sees who sent this report.', {
      exact: false,
    }),
  ).toBeVisible();
  await page.getByLabel('Add files').setInputFiles(textFile('Chat.txt', 'We will get even with her.'));
  await page.getByLabel('I have read this notice and want to send the report.').check();
  await page.getByRole('button', { name: 'Send report' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your report was sent' })).toBeFocused();
  await expect(page.getByText(/^The team will confirm receipt by .*\d{4}\.$/)).toBeVisible();
  await expect(uploadResult(page, 'Chat.txt')).toContainText('Stored');
  await page.getByRole('link', { name: /^Open report R-/ }).click();
  await expect(page.getByRole('region', { name: 'Status' })).toContainText('Received');
  await expect(page.getByRole('region', { name: 'Files you added' })).toContainText('Chat.txt');
  await expectNoAxeViolations(page, 'my report');

  const team = await signedIn(browser, INTAKE_TEAM.manager);
  await team.goto('/triage');
  await team.getByLabel('Channel', { exact: true }).selectOption({ label: 'Employee (web)' });
  await expect(team.getByText('1 report', { exact: true })).toBeVisible();
  await team
    .getByRole('row', { name: /Employee \(web\)/ })
    .getByRole('link')
    .click();
  await expect(team.getByText('Emma Employee')).toBeVisible();
  const hints = team.getByRole('region', { name: 'Known persons' });
  await expect(hints).toContainText('e-mail address');
  await expect(hints).toContainText('More than a name.');
  await expect(
    hints
      .getByRole('link', { name: state.caseRef ?? 'none' })
      .or(hints.getByRole('link', { name: state.reportRef ?? 'none' }))
      .first(),
  ).toBeVisible();
  await expectNoAxeViolations(team, 'the known-person hints');

  const attach = team.getByRole('region', { name: 'Attach to an existing case' });
  await attach.getByLabel('Reference of the case').fill('case one');
  await attach.getByRole('button', { name: 'Attach to case' }).click();
  await expect(attach.getByText('Enter a reference like TM-2026-0042.')).toBeVisible();
  await attach.getByLabel('Reference of the case').fill((state.caseRef ?? '').toLowerCase());
  await attach.getByRole('button', { name: 'Attach to case' }).click();
  await expect(team.getByRole('definition').filter({ hasText: 'In a case' })).toBeVisible();
  await expect(team.getByRole('region', { name: 'Attach to an existing case' })).toHaveCount(0);

  await page.getByRole('link', { name: 'My reports', exact: true }).click();
  await expect(page.getByRole('row', { name: /R-/ })).toContainText('In review');
});

test('(a, b) the case page shows both reports: what came in, the deadlines and the messages, read-only', async ({
  browser,
}) => {
  const page = await signedIn(browser, INTAKE_TEAM.manager);
  await page.goto(`/cases/${state.caseId}`);
  await page.getByRole('tab', { name: 'Reports' }).click();
  const section = page.getByRole('region', { name: 'Reports' });
  const report = section.getByRole('article', { name: `Report ${state.reportRef}` });
  await expect(report).toContainText('Danger now');
  await expect(report).toContainText('Anonymous (web)');
  await expect(report.getByText(WHAT)).toBeVisible();
  await expect(report).toContainText('around 3 pm');
  await expect(report).toContainText('Building C, 2nd floor');
  await expect(report).toContainText(CONCERN.name);
  await expect(report).toContainText('Told others they intend to harm someone (leakage): Yes');
  await expect(report).toContainText('Done on');
  await expect(report).toContainText('Thank you, we received your report and are on it.');
  await expect(report).toContainText('He said it again this morning, at the coffee machine.');
  await expect(report.getByRole('textbox')).toHaveCount(0);
  await expect(report.getByRole('link', { name: `Open ${state.reportRef} in triage` })).toHaveAttribute(
    'href',
    `/triage/${state.reportId}`,
  );
  await expect(report.getByRole('region', { name: 'Files' })).toContainText(PHOTO);
  await expect(section.getByRole('article', { name: /^Report R-/ })).toHaveCount(2);
  await expect(section.getByRole('article').filter({ hasText: 'Employee (web)' })).toContainText('Emma Employee');
  await expectNoAxeViolations(page, 'the case page’s reports');
});

test('another threat manager learns of the urgent report once in its case; the timeline alone hides names', async ({
  browser,
}) => {
  // The report is in a case she does not reach: nothing of it, not even its reference.
  const page = await signedIn(browser, INTAKE_TEAM.colleague);
  await page.getByRole('button', { name: 'Notifications (0 unread)' }).click();
  await expect(page.getByRole('region', { name: 'Notifications' })).toContainText('No notifications.');
  await page.keyboard.press('Escape');

  const lead = await signedIn(browser, INTAKE_TEAM.manager);
  await lead.goto(`/cases/${state.caseId}`);
  await lead.getByRole('tab', { name: 'Members' }).click();
  const grant = lead.getByRole('region', { name: 'Add a member' });
  await grant.getByLabel('Person').selectOption({ label: 'Tina Timeline (Threat manager)' });
  await grant.getByLabel('Chosen sections').check();
  await grant.getByLabel('Timeline').check();
  await grant.getByRole('button', { name: 'Add member' }).click();
  await confirmIfAsked(lead, INTAKE_TEAM.manager.password, lead.getByRole('row', { name: /Tina Timeline/ }));

  await page.goto(`/cases/${state.caseId}`);
  // The urgent report, and now her membership of its case.
  await page.getByRole('button', { name: 'Notifications (2 unread)' }).click();
  await expect(page.getByRole('link', { name: `Urgent report ${state.reportRef}` })).toHaveAttribute(
    'href',
    `/triage/${state.reportId}`,
  );
  await page.keyboard.press('Escape');
  await page.getByRole('tab', { name: 'Reports' }).click();
  const report = page.getByRole('article', { name: `Report ${state.reportRef}` });
  await expect(report.getByText(WHAT)).toBeVisible();
  await expect(report).toContainText('names and other details', { ignoreCase: true });
  await expect(report).toContainText('Person 1: Person of concern');
  const section = page.getByRole('region', { name: 'Reports' });
  for (const hidden of [CONCERN.name, CONCERN.email, 'Emma Employee']) await expect(section).not.toContainText(hidden);
  // Each report's reporter and its one person's details; no files without the documents section.
  await expect(section.getByText('Hidden for your scope')).toHaveCount(4);
  await expect(section.getByRole('region', { name: 'Files' })).toHaveCount(0);
  await expectNoAxeViolations(page, 'the case’s reports without identities');

  await page.goto(`/triage/${state.reportId}`);
  await expect(page.getByRole('status').filter({ hasText: 'names and other details' })).toBeVisible();
  // Who reported, the known persons, the person's details, and the files (no documents section either).
  await expect(page.getByText('Hidden for your scope')).toHaveCount(4);
  for (const region of ['Known persons', 'Files'])
    await expect(page.getByRole('region', { name: region })).toContainText('Hidden for your scope');
  for (const hidden of [CONCERN.name, CONCERN.email]) await expect(page.locator('main')).not.toContainText(hidden);
  await expectNoAxeViolations(page, 'a report in a case without identities');
});

recordedReportTest();

// On the same server and in this order: its report is counted in the triage inbox.
floodChallengeTest();
// After every count of the inbox: it adds an anonymous report.
sessionLeftAloneTest();

test('the report form and the receipt page in German', async ({ browser }) => {
  const page = await anonymous(browser);
  await page.goto('/report');
  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('heading', { level: 1, name: 'Eine Sorge melden' })).toBeVisible();
  await page.getByLabel('Jemand ist gerade jetzt in Gefahr').check();
  await expect(page.getByRole('alert').filter({ hasText: 'Rufen Sie jetzt Hilfe' })).toBeVisible();
  await expectNoAxeViolations(page, 'the report form in German');
  await page.goto('/report/status');
  await expect(page.getByRole('heading', { level: 1, name: 'Meldung abrufen' })).toBeVisible();
  await expectNoAxeViolations(page, 'the receipt page in German');
  await switchLanguage(page, 'English');
});
