import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Browser, call, createAccount, ORIGIN, signIn, stepUp, tokenOf } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

/**
 * The attacks a security review found against the four-eyes design, kept as tests: an
 * administrator who handled a credential while a role was harmless must not end up holding an
 * account with a content role, whatever the sequence or timing of requests.
 */
const ADMIN_PW = 'the admin chose this long passphrase';

for (const engine of engines()) {
  describe(`administrator takeover attempts on ${engine}`, () => {
    let t: TestApp;
    let admin: Browser;
    let lead: Browser;
    before(async () => {
      t = await buildTestApp(engine);
      admin = await signIn(t, (await createAccount(t, 'admin')).email);
      lead = await signIn(t, (await createAccount(t, 'team_lead')).email);
    });
    after(() => t.close());

    const versionOf = async (id: string) =>
      ((await call(t, admin, 'GET', '/api/admin/users')).json().users as { id: string; version: number }[]).find(
        (u) => u.id === id,
      )?.version;
    const signInStatus = async (email: string, password: string) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/session',
          headers: { origin: ORIGIN },
          payload: { email, password },
        })
      ).statusCode;

    test('invite as reporter, set the password with the admin’s own link, get the promotion approved: the password dies', async () => {
      const inv = await call(t, admin, 'POST', '/api/admin/users', {
        email: 'bob@example.com',
        displayName: 'Bob',
        role: 'reporter',
      });
      const { user, link } = inv.json();
      assert.equal(
        (await call(t, undefined, 'POST', '/api/invitations/accept', { token: tokenOf(link.url), password: ADMIN_PW }))
          .statusCode,
        204,
      );
      const req = await call(t, admin, 'PUT', `/api/admin/users/${user.id}/role`, {
        role: 'threat_manager',
        expertise: null,
        version: await versionOf(user.id),
      });
      await stepUp(t, lead);
      const approved = await call(t, lead, 'POST', `/api/approvals/${req.json().approvalId}/approve`);
      assert.equal(approved.statusCode, 200, approved.body);
      assert.match(approved.json().link.url, /\/reset#/, 'a fresh credential, through the approver');
      assert.equal(await signInStatus('bob@example.com', ADMIN_PW), 401);
    });

    test('downgrade a threat manager, reset with the admin’s link, ask for the role again: the password dies', async () => {
      const victim = await createAccount(t, 'threat_manager', { email: 'tina@example.com' });
      await stepUp(t, admin);
      assert.equal(
        (
          await call(t, admin, 'PUT', `/api/admin/users/${victim.id}/role`, {
            role: 'reporter',
            expertise: null,
            version: await versionOf(victim.id),
          })
        ).statusCode,
        200,
      );
      const reset = await call(t, admin, 'POST', `/api/admin/users/${victim.id}/password-reset`);
      assert.equal(
        (
          await call(t, undefined, 'POST', '/api/invitations/accept', {
            token: tokenOf(reset.json().link.url),
            password: ADMIN_PW,
          })
        ).statusCode,
        204,
      );
      const up = await call(t, admin, 'PUT', `/api/admin/users/${victim.id}/role`, {
        role: 'threat_manager',
        expertise: null,
        version: await versionOf(victim.id),
      });
      await stepUp(t, lead);
      assert.equal((await call(t, lead, 'POST', `/api/approvals/${up.json().approvalId}/approve`)).statusCode, 200);
      assert.equal(await signInStatus('tina@example.com', ADMIN_PW), 401);
    });

    test('an approval for an account that changed after the request is refused and withdrawn', async () => {
      const rep = await createAccount(t, 'reporter');
      await stepUp(t, admin);
      const req = await call(t, admin, 'PUT', `/api/admin/users/${rep.id}/role`, {
        role: 'expert',
        expertise: 'hr',
        version: await versionOf(rep.id),
      });
      assert.equal((await call(t, admin, 'POST', `/api/admin/users/${rep.id}/lock`)).statusCode, 200);
      await stepUp(t, lead);
      const late = await call(t, lead, 'POST', `/api/approvals/${req.json().approvalId}/approve`);
      assert.equal(late.statusCode, 409);
      assert.equal(late.json().code, 'approval_stale');
      assert.equal(
        (await call(t, lead, 'POST', `/api/approvals/${req.json().approvalId}/approve`)).statusCode,
        404,
        'withdrawn',
      );
    });

    if (engine === 'postgres') {
      test('a password reset racing the approval never leaves the admin a working link to the promoted account', async () => {
        for (let round = 0; round < 5; round++) {
          await stepUp(t, admin);
          await stepUp(t, lead);
          const inv = await call(t, admin, 'POST', '/api/admin/users', {
            email: `race${round}@example.com`,
            displayName: 'Rita',
            role: 'reporter',
          });
          const user = inv.json().user;
          const req = await call(t, admin, 'PUT', `/api/admin/users/${user.id}/role`, {
            role: 'threat_manager',
            expertise: null,
            version: user.version,
          });
          const resets: ReturnType<typeof call>[] = [];
          let stop = false;
          const spam = (async () => {
            while (!stop) {
              resets.push(call(t, admin, 'POST', `/api/admin/users/${user.id}/password-reset`));
              await new Promise((r) => setTimeout(r, 1));
            }
          })();
          await new Promise((r) => setTimeout(r, 15));
          await call(t, lead, 'POST', `/api/approvals/${req.json().approvalId}/approve`);
          stop = true;
          await spam;
          for (const res of await Promise.all(resets)) {
            const link = res.statusCode === 200 ? (res.json().link?.url as string | undefined) : undefined;
            if (link === undefined) continue;
            const lookup = await call(t, undefined, 'POST', '/api/invitations/lookup', { token: tokenOf(link) });
            if (lookup.statusCode !== 200) continue;
            const role = (
              (await call(t, admin, 'GET', '/api/admin/users')).json().users as { id: string; role: string }[]
            ).find((u) => u.id === user.id)?.role;
            assert.notEqual(role, 'threat_manager', `round ${round}: the admin holds a live link to a threat manager`);
          }
        }
      });
    }
  });
}
