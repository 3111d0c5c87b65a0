import { type Browser, expect, type Page } from '@playwright/test';
import { completeMfaSetUp, confirmIfAsked, type Person, shownLink, signIn } from './accounts.ts';
import { baseUrlOf, readSetupLink, type ServerName } from './servers.ts';

/**
 * Setup through the API (the accounts journey covers the setup page), on a server of the journey's own: names
 * the administrator and the team lead. Answers the team lead's invitation link.
 */
export async function runSetup(
  page: Page,
  server: ServerName,
  people: { admin: Person; lead: Person },
): Promise<string> {
  const { admin, lead } = people;
  const baseURL = baseUrlOf(server);
  const token = new URL(await readSetupLink(server)).hash.slice(1);
  const setup = await page.request.post(`${baseURL}/api/setup`, {
    headers: { origin: baseURL },
    data: {
      token,
      admin: { email: admin.email, displayName: admin.name, password: admin.password },
      teamLead: { email: lead.email, displayName: lead.name },
    },
  });
  expect(setup.status()).toBe(201);
  return (await setup.json()).teamLeadInvitation.url;
}

/**
 * Setup (runSetup), then the administrator's first sign-in, which sets up an authenticator app (its key and
 * recovery codes kept on the person) and goes on to the users page. Answers the team lead's invitation link.
 */
export async function setUpWithAdminApp(
  page: Page,
  server: ServerName,
  people: { admin: Person; lead: Person },
): Promise<string> {
  const { admin } = people;
  const baseURL = baseUrlOf(server);
  const leadInvitation = await runSetup(page, server, people);
  await page.goto(`${baseURL}/admin/users`);
  await signIn(page, admin);
  // The existing way: the app (its codes computed by the test from the key shown).
  await completeMfaSetUp(page, admin);
  await expect(page).toHaveURL(`${baseURL}/admin/users`);
  return leadInvitation;
}

/**
 * The first steps of journeys that need a threat manager on a server of their own: setup names the administrator
 * and the team lead; the administrator sets up an authenticator app and invites the threat manager, which waits
 * for the team lead's approval. Answers the team lead's invitation link.
 */
export async function setUpAndInviteThreatManager(
  page: Page,
  server: ServerName,
  people: { admin: Person; lead: Person; manager: Person },
): Promise<string> {
  const { admin, manager } = people;
  const leadInvitation = await setUpWithAdminApp(page, server, people);
  const invite = page.getByRole('region', { name: 'Invite a user' });
  await invite.getByLabel('E-mail address').fill(manager.email);
  await invite.getByLabel('Name').fill(manager.name);
  await invite.getByLabel('Role').selectOption('threat_manager');
  await invite.getByRole('button', { name: 'Invite' }).click();
  await confirmIfAsked(
    page,
    admin.password,
    page.getByText(`${manager.name} has been invited as Threat manager: this awaits a team lead's approval.`),
  );
  return leadInvitation;
}

/**
 * The team lead accepts their invitation, sets up an app and approves the threat manager, in a browser of their
 * own. Answers the threat manager's invitation link, which the approval hands to the team lead.
 */
export async function approveThreatManager(
  browser: Browser,
  server: ServerName,
  lead: Person,
  leadInvitation: string,
  manager: Person,
): Promise<string> {
  const baseURL = baseUrlOf(server);
  const context = await browser.newContext({ locale: 'en-GB', baseURL });
  const page = await context.newPage();
  const accepted = await page.request.post('/api/invitations/accept', {
    headers: { origin: baseURL },
    data: { token: new URL(leadInvitation).hash.slice(1), password: lead.password },
  });
  expect(accepted.ok()).toBe(true);
  await page.goto('/approvals');
  await signIn(page, lead);
  await completeMfaSetUp(page, lead);
  await expect(page).toHaveURL('/approvals');
  const row = page.getByRole('row', { name: new RegExp(manager.name) });
  await row.getByRole('button', { name: /^Approve/ }).click();
  await confirmIfAsked(page, lead.password, page.getByText(`Approved: ${manager.name} gets the requested role.`));
  const link = await shownLink(page, `Invitation link for ${manager.name}`, 'invite');
  await context.close();
  return link;
}
