import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/server/platform/clock.ts';
import { type Browser, call, createAccount, signIn, stepUp, tokenOf } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

for (const engine of engines()) {
  describe(`administration and four-eyes approvals on ${engine}`, () => {
    let t: TestApp;
    let admin: Browser;
    let lead: Browser;
    const clock = manualClock();
    before(async () => {
      t = await buildTestApp(engine, { clock });
      admin = await signIn(t, (await createAccount(t, 'admin')).email);
      lead = await signIn(t, (await createAccount(t, 'team_lead')).email);
    });
    after(() => t.close());

    test('inviting a threat manager waits for a team lead; the link goes to the approver, never to the admin', async () => {
      const invited = await call(t, admin, 'POST', '/api/admin/users', {
        email: 'tm@example.com',
        displayName: 'Tom',
        role: 'threat_manager',
      });
      assert.equal(invited.statusCode, 201, invited.body);
      const { user, link, approvalId } = invited.json();
      assert.equal(link, null);
      assert.ok(approvalId);
      assert.deepEqual(user.pendingApproval, { id: approvalId, kind: 'grant_role' });

      assert.equal(
        (await call(t, admin, 'POST', `/api/approvals/${approvalId}/approve`)).statusCode,
        404,
        'the admin cannot approve',
      );
      clock.advance(6 * 60_000);
      const stale = await call(t, lead, 'POST', `/api/approvals/${approvalId}/approve`);
      assert.equal(stale.statusCode, 401);
      assert.equal(stale.json().code, 'step_up_required');
      await stepUp(t, lead);
      const approved = await call(t, lead, 'POST', `/api/approvals/${approvalId}/approve`);
      assert.equal(approved.statusCode, 200, approved.body);
      const handed = approved.json().link.url as string;
      assert.match(handed, /\/invite#/);

      assert.equal(
        (await call(t, undefined, 'POST', '/api/invitations/lookup', { token: tokenOf(handed) })).json().email,
        'tm@example.com',
      );
      assert.equal(
        (
          await call(t, undefined, 'POST', '/api/invitations/accept', {
            token: tokenOf(handed),
            password: 'tom sets his own long passphrase',
          })
        ).statusCode,
        204,
      );
      assert.equal(
        (
          await call(t, undefined, 'POST', '/api/invitations/accept', {
            token: tokenOf(handed),
            password: 'tom sets his own long passphrase',
          })
        ).statusCode,
        404,
        'a link works once',
      );
      await signIn(t, 'tm@example.com', 'tom sets his own long passphrase');
    });

    test('an auditor’s invitation link goes straight to the admin; it expires', async () => {
      await stepUp(t, admin);
      const res = await call(t, admin, 'POST', '/api/admin/users', {
        email: 'audit@example.com',
        displayName: 'Aud',
        role: 'auditor',
      });
      const { link, approvalId } = res.json();
      assert.equal(approvalId, null);
      clock.advance(8 * 24 * 3600_000);
      const late = await call(t, undefined, 'POST', '/api/invitations/lookup', { token: tokenOf(link.url) });
      assert.equal(late.statusCode, 410);
      assert.equal(late.json().code, 'link_expired');
      admin = await signIn(t, (await createAccount(t, 'admin')).email);
      lead = await signIn(t, (await createAccount(t, 'team_lead')).email);
    });

    test('resetting the password of an account that sees case content needs approval; the old password dies then', async () => {
      const tm = await createAccount(t, 'threat_manager');
      const tmBrowser = await signIn(t, tm.email);
      const res = await call(t, admin, 'POST', `/api/admin/users/${tm.id}/password-reset`);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().link, null);
      assert.equal(
        (await call(t, tmBrowser, 'GET', '/api/session')).statusCode,
        200,
        'nothing happens before approval',
      );
      const approved = await call(t, lead, 'POST', `/api/approvals/${res.json().approvalId}/approve`);
      assert.match(approved.json().link.url, /\/reset#/);
      assert.equal((await call(t, tmBrowser, 'GET', '/api/session')).statusCode, 401, 'the reset ended the sessions');
    });

    test('a role change to a content role waits for approval; a rejection leaves the role as it was', async () => {
      const aud = await createAccount(t, 'auditor');
      const users = (await call(t, admin, 'GET', '/api/admin/users')).json().users as { id: string; version: number }[];
      const version = users.find((u) => u.id === aud.id)?.version;
      const res = await call(t, admin, 'PUT', `/api/admin/users/${aud.id}/role`, {
        role: 'expert',
        expertise: 'labour_law',
        version,
      });
      assert.equal(res.json().user.role, 'auditor');
      const rejected = await call(t, lead, 'POST', `/api/approvals/${res.json().approvalId}/reject`);
      assert.equal(rejected.json().user.role, 'auditor');
      const stale = await call(t, admin, 'PUT', `/api/admin/users/${aud.id}/role`, {
        role: 'reporter',
        expertise: null,
        version: (version ?? 0) - 1,
      });
      assert.equal(stale.statusCode, 409);
      const direct = await call(t, admin, 'PUT', `/api/admin/users/${aud.id}/role`, {
        role: 'reporter',
        expertise: null,
        version,
      });
      assert.equal(direct.json().user.role, 'reporter');
    });

    test('locking ends the user’s sessions on the very next request', async () => {
      const tm = await createAccount(t, 'threat_manager');
      const b = await signIn(t, tm.email);
      assert.equal((await call(t, admin, 'POST', `/api/admin/users/${tm.id}/lock`)).statusCode, 200);
      assert.equal((await call(t, b, 'GET', '/api/session')).statusCode, 401);
      assert.equal((await call(t, admin, 'POST', `/api/admin/users/${tm.id}/unlock`)).json().user.status, 'active');
    });

    test('a link the admin received for a harmless role dies when a content role is approved', async () => {
      const aud = await createAccount(t, 'auditor');
      await stepUp(t, admin);
      const reset = await call(t, admin, 'POST', `/api/admin/users/${aud.id}/password-reset`);
      const adminsLink = reset.json().link.url as string;
      const grant = await call(t, admin, 'PUT', `/api/admin/users/${aud.id}/role`, {
        role: 'threat_manager',
        expertise: null,
        version: reset.json().user.version,
      });
      await stepUp(t, lead);
      assert.equal((await call(t, lead, 'POST', `/api/approvals/${grant.json().approvalId}/approve`)).statusCode, 200);
      const accept = await call(t, undefined, 'POST', '/api/invitations/accept', {
        token: tokenOf(adminsLink),
        password: 'the admin tries to take this over',
      });
      assert.equal(accept.statusCode, 404);
    });

    test('a role change ends the user’s sessions', async () => {
      const rep = await createAccount(t, 'reporter');
      const b = await signIn(t, rep.email);
      const version = (
        (await call(t, admin, 'GET', '/api/admin/users')).json().users as { id: string; version: number }[]
      ).find((u) => u.id === rep.id)?.version;
      assert.equal(
        (await call(t, admin, 'PUT', `/api/admin/users/${rep.id}/role`, { role: 'auditor', expertise: null, version }))
          .statusCode,
        200,
      );
      assert.equal((await call(t, b, 'GET', '/api/session')).statusCode, 401);
    });

    test('unknown fields are refused (no mass assignment); an expert needs an expertise', async () => {
      const extra = await call(t, admin, 'POST', '/api/admin/users', {
        email: 'x@example.com',
        displayName: 'X',
        role: 'reporter',
        status: 'active',
      });
      assert.equal(extra.statusCode, 400);
      assert.equal(extra.json().code, 'validation_failed');
      const expert = await call(t, admin, 'POST', '/api/admin/users', {
        email: 'e@example.com',
        displayName: 'E',
        role: 'expert',
      });
      assert.equal(expert.statusCode, 400);
    });
  });
}
