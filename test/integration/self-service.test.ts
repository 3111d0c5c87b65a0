import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/server/platform/clock.ts';
import { call, createAccount, ORIGIN, PASSWORD, signIn } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

for (const engine of engines()) {
  describe(`my account on ${engine}`, () => {
    let t: TestApp;
    const clock = manualClock();
    before(async () => {
      t = await buildTestApp(engine, { clock });
    });
    after(() => t.close());

    test('a password change ends all my sessions; the new password works, the old does not', async () => {
      const { email } = await createAccount(t, 'threat_manager');
      const a = await signIn(t, email);
      const b = await signIn(t, email);
      const weak = await call(t, a, 'POST', '/api/me/password', {
        currentPassword: PASSWORD,
        newPassword: '123456789012345',
      });
      assert.equal(weak.json().code, 'weak_password');
      const wrong = await call(t, a, 'POST', '/api/me/password', {
        currentPassword: 'not my password at all',
        newPassword: 'a brand new passphrase of mine',
      });
      assert.equal(wrong.statusCode, 401);
      const ok = await call(t, a, 'POST', '/api/me/password', {
        currentPassword: PASSWORD,
        newPassword: 'a brand new passphrase of mine',
      });
      assert.equal(ok.statusCode, 204);
      for (const s of [a, b]) assert.equal((await call(t, s, 'GET', '/api/session')).statusCode, 401);
      const old = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: ORIGIN },
        payload: { email, password: PASSWORD },
      });
      assert.equal(old.statusCode, 401);
      await signIn(t, email, 'a brand new passphrase of mine');
    });

    test('my sessions: listed, the current one marked; I can end mine but not someone else’s', async () => {
      const me = await createAccount(t, 'threat_manager');
      const other = await createAccount(t, 'threat_manager');
      const a = await signIn(t, me.email);
      const b = await signIn(t, me.email);
      const theirs = await signIn(t, other.email);
      const list = (await call(t, a, 'GET', '/api/me/sessions')).json().sessions as { id: string; current: boolean }[];
      assert.equal(list.length, 2);
      assert.equal(list.filter((s) => s.current).length, 1);
      const bId = list.find((s) => !s.current)?.id;
      const theirId = ((await call(t, theirs, 'GET', '/api/me/sessions')).json().sessions as { id: string }[])[0]?.id;
      assert.equal((await call(t, a, 'DELETE', `/api/me/sessions/${theirId}`)).statusCode, 404);
      assert.equal((await call(t, theirs, 'GET', '/api/session')).statusCode, 200);
      assert.equal((await call(t, a, 'DELETE', `/api/me/sessions/${bId}`)).statusCode, 204);
      assert.equal((await call(t, b, 'GET', '/api/session')).statusCode, 401, 'revoked on the very next request');
    });

    test('step-up: a wrong password is refused; a fresh one lasts five minutes', async () => {
      const { email } = await createAccount(t, 'admin');
      const b = await signIn(t, email);
      clock.advance(6 * 60_000);
      const invite = () =>
        call(t, b, 'POST', '/api/admin/users', {
          email: `r${Date.now()}@example.com`,
          displayName: 'R',
          role: 'reporter',
        });
      assert.equal((await invite()).json().code, 'step_up_required');
      assert.equal(
        (await call(t, b, 'POST', '/api/session/step-up', { password: 'wrong password given here' })).statusCode,
        401,
      );
      assert.equal((await call(t, b, 'POST', '/api/session/step-up', { password: PASSWORD })).statusCode, 204);
      assert.equal((await invite()).statusCode, 201);
      clock.advance(5 * 60_000);
      assert.equal((await invite()).json().code, 'step_up_required');
    });

    test('CSRF: a foreign Origin, a missing token or a wrong token is refused; Sec-Fetch-Site same-origin stands in for Origin', async () => {
      const { email } = await createAccount(t, 'reporter');
      const b = await signIn(t, email);
      const post = (headers: Record<string, string>) =>
        t.app.inject({
          method: 'POST',
          url: '/api/session/step-up',
          headers: { cookie: `__Host-tma=${b.cookie}`, ...headers },
          payload: { password: PASSWORD },
        });
      assert.equal(
        (await post({ origin: 'https://evil.example', 'x-csrf-token': b.csrf ?? '' })).json().code,
        'csrf_failed',
      );
      assert.equal((await post({ origin: ORIGIN })).json().code, 'csrf_failed');
      assert.equal((await post({ origin: ORIGIN, 'x-csrf-token': 'x'.repeat(43) })).json().code, 'csrf_failed');
      assert.equal(
        (await post({ 'x-csrf-token': b.csrf ?? '' })).json().code,
        'csrf_failed',
        'no Origin and no Sec-Fetch-Site',
      );
      assert.equal((await post({ 'sec-fetch-site': 'same-origin', 'x-csrf-token': b.csrf ?? '' })).statusCode, 204);
      const signInFromElsewhere = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: 'https://evil.example' },
        payload: { email, password: PASSWORD },
      });
      assert.equal(signInFromElsewhere.statusCode, 403, 'no login CSRF');
    });

    test('security events record failures as well as successes', async () => {
      const { email } = await createAccount(t, 'reporter');
      await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: ORIGIN },
        payload: { email, password: 'wrong password, recorded' },
      });
      await signIn(t, email);
      const events = await t.database.db
        .selectFrom('audit_events')
        .select(['action', 'outcome'])
        .orderBy('id')
        .execute();
      assert.ok(events.some((e) => e.action === 'session.sign_in_failed' && e.outcome === 'failed'));
      assert.ok(events.some((e) => e.action === 'session.signed_in' && e.outcome === 'allowed'));
    });
  });
}
