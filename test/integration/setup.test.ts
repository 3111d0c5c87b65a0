import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { prepareSetup, SETUP_LINK_FILE } from '../../src/server/features/setup/setup-token.ts';
import { systemClock } from '../../src/server/platform/clock.ts';
import { call, ORIGIN, PASSWORD, signIn, tokenOf } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

for (const engine of engines()) {
  describe(`first run on ${engine}`, () => {
    let t: TestApp;
    let secrets: string;
    const logged: string[] = [];
    before(async () => {
      t = await buildTestApp(engine);
      secrets = t.config.secretsDir;
    });
    after(() => t.close());

    const setupBody = (token: string, password = PASSWORD) => ({
      token,
      admin: { email: 'Admin@Example.com', displayName: 'Ada Admin', password },
      teamLead: { email: 'lead@example.com', displayName: 'Lea Lead' },
    });

    test('no default credentials: a one-time link in an owner-only file, never in the log', async () => {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(secrets, { recursive: true });
      const log = pino({ level: 'info' }, { write: (l: string) => logged.push(l) });
      await prepareSetup(t.database.db, systemClock.now(), ORIGIN, secrets, log, false);
      const file = path.join(secrets, SETUP_LINK_FILE);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const link = readFileSync(file, 'utf8').trim();
      assert.match(link, /^http:\/\/localhost:3000\/setup#[A-Za-z0-9_-]{43}$/);
      assert.ok(!logged.join('').includes(tokenOf(link)), 'the token is not logged');
      assert.deepEqual((await call(t, undefined, 'GET', '/api/setup')).json(), { needed: true });
    });

    test('a wrong token, a weak password, then the real setup; afterwards setup is closed', async () => {
      const token = tokenOf(readFileSync(path.join(secrets, SETUP_LINK_FILE), 'utf8').trim());
      assert.equal((await call(t, undefined, 'POST', '/api/setup', setupBody('A'.repeat(43)))).statusCode, 404);
      const weak = await call(t, undefined, 'POST', '/api/setup', setupBody(token, 'passwordpassword'));
      assert.equal(weak.statusCode, 400);
      assert.equal(weak.json().code, 'weak_password');

      const res = await call(t, undefined, 'POST', '/api/setup', setupBody(token));
      assert.equal(res.statusCode, 201, res.body);
      const link = res.json().teamLeadInvitation.url as string;
      assert.match(link, /^http:\/\/localhost:3000\/invite#/);
      assert.throws(() => statSync(path.join(secrets, SETUP_LINK_FILE)), 'the link file is removed');
      assert.equal((await call(t, undefined, 'POST', '/api/setup', setupBody(token))).statusCode, 404);
      assert.deepEqual((await call(t, undefined, 'GET', '/api/setup')).json(), { needed: false });

      // The team lead accepts; the administrator sees it.
      assert.equal(
        (
          await call(t, undefined, 'POST', '/api/invitations/accept', {
            token: tokenOf(link),
            password: 'the team lead chose this passphrase',
          })
        ).statusCode,
        204,
      );
      const admin = await signIn(t, 'admin@example.com');
      const users = (await call(t, admin, 'GET', '/api/admin/users')).json().users as {
        email: string;
        status: string;
        role: string;
      }[];
      assert.deepEqual(
        users.map((u) => [u.email, u.role, u.status]),
        [
          ['admin@example.com', 'admin', 'active'],
          ['lead@example.com', 'team_lead', 'active'],
        ],
      );
    });
  });
}
