import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hash } from '@node-rs/argon2';
import { sql } from 'kysely';
import { manualClock } from '../../src/server/platform/clock.ts';
import { call, createAccount, ORIGIN, PASSWORD, sessionCookie, signIn } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

for (const engine of engines()) {
  describe(`sign-in and sessions on ${engine}`, () => {
    let t: TestApp;
    const clock = manualClock();
    before(async () => {
      t = await buildTestApp(engine, { clock });
    });
    after(() => t.close());

    const attempt = (email: string, password: string, ip = '127.0.0.1') =>
      t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: ORIGIN },
        remoteAddress: ip,
        payload: { email, password },
      });

    test('the session cookie is __Host-, Secure, HttpOnly, SameSite=Strict; its 256-bit id is stored only as a digest', async () => {
      const { email } = await createAccount(t, 'threat_manager');
      const res = await attempt(email, PASSWORD);
      assert.equal(res.statusCode, 200);
      assert.match(
        String(res.headers['set-cookie']),
        /^__Host-tma=[A-Za-z0-9_-]{43}; Path=\/; Secure; HttpOnly; SameSite=Strict$/,
      );
      const token = sessionCookie(res);
      assert.ok(token);
      const { rows } = await sql<{
        hit: number;
      }>`select count(*)::int as hit from sessions where token_hash = ${token} or id::text = ${token}`.execute(
        t.database.db,
      );
      assert.equal(rows[0]?.hit, 0, 'the token itself is nowhere in the database');
      assert.equal(res.headers['cache-control'], 'no-store');
    });

    test('every sign-in gets a new session id; a cookie sent along is not adopted', async () => {
      const { email } = await createAccount(t, 'threat_manager');
      const first = await signIn(t, email);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: ORIGIN, cookie: `__Host-tma=${first.cookie}`, 'x-csrf-token': first.csrf ?? '' },
        payload: { email, password: PASSWORD },
      });
      assert.notEqual(sessionCookie(res), first.cookie);
    });

    test('unknown user and wrong password get the same status and body', async () => {
      const { email } = await createAccount(t, 'threat_manager');
      const unknown = await attempt('nobody@example.com', 'some wrong password here', '10.0.0.1');
      const wrong = await attempt(email, 'some wrong password here', '10.0.0.2');
      assert.equal(unknown.statusCode, 401);
      const strip = (body: string) => ({ ...JSON.parse(body), correlationId: undefined });
      assert.deepEqual(strip(unknown.body), strip(wrong.body));
      assert.equal(strip(wrong.body).code, 'invalid_credentials');
    });

    test('a locked account is named only after the right password', async () => {
      const { email } = await createAccount(t, 'auditor', { status: 'locked' });
      assert.equal((await attempt(email, 'wrong password, not telling', '10.0.1.1')).statusCode, 401);
      const right = await attempt(email, PASSWORD, '10.0.1.1');
      assert.equal(right.statusCode, 403);
      assert.equal(right.json().code, 'account_locked');
    });

    test('throttling: an account is slowed after five failures, other accounts are not', async () => {
      const victim = await createAccount(t, 'threat_manager');
      const other = await createAccount(t, 'threat_manager');
      for (let i = 0; i < 6; i++) await attempt(victim.email, `wrong guess number ${i} abc`, `10.1.0.${i}`);
      const blocked = await attempt(victim.email, PASSWORD, '10.1.1.1');
      assert.equal(blocked.statusCode, 429);
      assert.equal(blocked.json().code, 'too_many_attempts');
      assert.ok(Number(blocked.headers['retry-after']) >= 1);
      assert.equal((await attempt(other.email, PASSWORD, '10.1.0.1')).statusCode, 200, 'another account is unaffected');
      clock.advance(60_000);
      assert.equal((await attempt(victim.email, PASSWORD, '10.1.1.1')).statusCode, 200, 'the wait ends');
    });

    test('throttling per address: one client trying many accounts is slowed', async () => {
      for (let i = 0; i < 31; i++) await attempt(`guess${i}@example.com`, 'wrong password guess here', '10.9.9.9');
      const { email } = await createAccount(t, 'reporter');
      assert.equal((await attempt(email, PASSWORD, '10.9.9.9')).statusCode, 429);
      assert.equal((await attempt(email, PASSWORD, '10.9.9.10')).statusCode, 200);
      clock.advance(20 * 60_000);
    });

    test('parallel guesses cannot slip past the count: each attempt is counted before its password is checked', async () => {
      const { email } = await createAccount(t, 'threat_manager');
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => attempt(email, `parallel wrong guess ${i} xyz`, `10.2.${i}.1`)),
      );
      const verified = results.filter((r) => r.statusCode === 401).length;
      assert.ok(verified <= 6, `${verified} guesses were checked`);
      assert.equal(results.filter((r) => r.statusCode === 429).length, 40 - verified);
      clock.advance(20 * 60_000);
      assert.equal((await attempt(email, PASSWORD, '10.2.99.1')).statusCode, 200);
    });

    test('consecutive failures keep counting across quiet quarters of an hour; at 100 the account stays blocked until unlocked', async () => {
      const { id, email } = await createAccount(t, 'threat_manager');
      for (let i = 0; i < 5; i++) await attempt(email, `slow wrong guess ${i} abc`, `10.3.${i}.1`);
      clock.advance(16 * 60_000);
      await attempt(email, 'one more slow wrong guess', '10.3.9.1');
      assert.equal((await attempt(email, PASSWORD, '10.3.9.2')).statusCode, 429, 'the sixth failure counts');

      await t.database.db.updateTable('login_throttle').set({ failures: 98, blocked_until: null }).execute();
      clock.advance(60_000);
      await attempt(email, 'the ninety-ninth wrong guess', '10.3.9.3');
      clock.advance(16 * 60_000);
      await attempt(email, 'the hundredth wrong guess', '10.3.9.4');
      clock.advance(2 * 24 * 3600_000);
      assert.equal((await attempt(email, PASSWORD, '10.3.9.5')).statusCode, 429, 'blocked for good');

      const admin = await signIn(t, (await createAccount(t, 'admin')).email, PASSWORD, '10.3.9.6');
      assert.equal((await call(t, admin, 'POST', `/api/admin/users/${id}/unlock`)).statusCode, 200);
      assert.equal((await attempt(email, PASSWORD, '10.3.9.7')).statusCode, 200, 'an unlock lifts the block');
    });

    test('a hash made with weaker parameters is replaced at sign-in', async () => {
      const { id, email } = await createAccount(t, 'reporter');
      const weak = await hash(PASSWORD, { memoryCost: 4096, timeCost: 1, parallelism: 1 });
      await t.database.db.updateTable('users').set({ password_hash: weak }).where('id', '=', id).execute();
      await signIn(t, email);
      const row = await t.database.db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.match(row.password_hash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    });

    test("a request opens the account's address and name only when it needs them", async () => {
      const { email } = await createAccount(t, 'threat_manager');
      const b = await signIn(t, email);
      const opened: string[] = [];
      const openText = t.keys.openText.bind(t.keys);
      t.keys.openText = async (sealed, place) => {
        if (place.table === 'users') opened.push(place.column);
        return openText(sealed, place);
      };
      try {
        assert.equal((await call(t, b, 'GET', '/api/mfa')).statusCode, 200);
        assert.deepEqual(opened, [], "the second factor's status needs neither");
        const session = await call(t, b, 'GET', '/api/session');
        assert.equal(session.json().user.email, email);
        assert.deepEqual(opened.sort(), ['display_name', 'email'], 'the session names the account: both, once');
      } finally {
        t.keys.openText = openText;
      }
    });

    test('sign-out needs the CSRF token, ends the session on the server and clears the browser', async () => {
      const { email } = await createAccount(t, 'threat_manager');
      const b = await signIn(t, email);
      assert.equal((await call(t, { ...b, csrf: undefined }, 'DELETE', '/api/session')).statusCode, 403);
      const out = await call(t, b, 'DELETE', '/api/session');
      assert.equal(out.statusCode, 204);
      assert.equal(out.headers['clear-site-data'], '"cache", "cookies", "storage"');
      assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
      const again = await call(t, b, 'GET', '/api/session');
      assert.equal(again.statusCode, 401, 'the old cookie is refused');
    });

    test('idle timeout (30 min) and absolute timeout (12 h) under a controlled clock', async () => {
      const { email } = await createAccount(t, 'threat_manager');
      const idle = await signIn(t, email);
      clock.advance(29 * 60_000);
      assert.equal((await call(t, idle, 'GET', '/api/session')).statusCode, 200);
      clock.advance(29 * 60_000);
      assert.equal((await call(t, idle, 'GET', '/api/session')).statusCode, 200, 'activity extends the idle window');
      clock.advance(31 * 60_000);
      const expired = await call(t, idle, 'GET', '/api/session');
      assert.equal(expired.statusCode, 401);
      assert.equal(expired.json().code, 'session_expired');
      assert.equal((await call(t, idle, 'GET', '/api/session')).json().code, 'session_expired', 'and keeps saying why');
      const out = await signIn(t, email);
      await call(t, out, 'DELETE', '/api/session');
      assert.equal(
        (await call(t, out, 'GET', '/api/session')).json().code,
        'unauthenticated',
        'a signed-out session is gone',
      );

      // The app's own polls (the notification bell) are no activity: the session still idles out.
      const polled = await signIn(t, email);
      for (let minutes = 0; minutes < 30; minutes += 10) {
        clock.advance(10 * 60_000);
        const poll = await t.app.inject({
          method: 'GET',
          url: '/api/notifications',
          headers: { cookie: `__Host-tma=${polled.cookie}`, 'x-tma-passive': '1' },
        });
        assert.equal(poll.statusCode, minutes + 10 < 30 ? 200 : 401, `a poll after ${minutes + 10} min`);
      }
      assert.equal((await call(t, polled, 'GET', '/api/session')).json().code, 'session_expired');

      const busy = await signIn(t, email);
      for (let minutes = 0; minutes < 12 * 60 - 20; minutes += 20) {
        clock.advance(20 * 60_000);
        assert.equal((await call(t, busy, 'GET', '/api/session')).statusCode, 200, `after ${minutes + 20} min`);
      }
      clock.advance(40 * 60_000);
      assert.equal((await call(t, busy, 'GET', '/api/session')).json().code, 'session_expired');
    });

    test('last-seen is written at most once a minute', async () => {
      const { id, email } = await createAccount(t, 'threat_manager');
      const b = await signIn(t, email);
      const seen = async () =>
        (
          await t.database.db
            .selectFrom('sessions')
            .select('last_seen_at')
            .where('user_id', '=', id)
            .executeTakeFirstOrThrow()
        ).last_seen_at.getTime();
      const start = await seen();
      clock.advance(30_000);
      await call(t, b, 'GET', '/api/session');
      assert.equal(await seen(), start);
      clock.advance(31_000);
      await call(t, b, 'GET', '/api/session');
      assert.equal(await seen(), clock.now().getTime());
    });
  });
}
