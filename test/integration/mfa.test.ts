import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateSync } from 'otplib';
import { type Browser, call, createAccount, ORIGIN, PASSWORD, sessionCookie, signIn } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

/** A clock the test moves: TOTP steps are 30 seconds. */
const START = Date.UTC(2026, 10, 29, 9, 0, 0);
let offsetMs = 0;
const clock = { now: () => new Date(START + offsetMs) };
const codeAt = (secret: string, stepsFromNow = 0) =>
  generateSync({ secret, epoch: Math.floor((START + offsetMs) / 1000) + stepsFromNow * 30 });

for (const engine of engines()) {
  describe(`two-factor authentication on ${engine}`, () => {
    let t: TestApp;
    let email: string;
    let userId: string;
    let secret = '';
    let recovery: string[] = [];

    async function passwordSignIn(): Promise<Browser & { mfa: string }> {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: ORIGIN },
        payload: { email, password: PASSWORD },
      });
      assert.equal(res.statusCode, 200, res.body);
      return { cookie: sessionCookie(res), csrf: res.json().csrfToken, mfa: res.json().mfa };
    }
    async function challenge(b: Browser, payload: object) {
      const res = await call(t, b, 'POST', '/api/session/mfa', payload);
      return {
        res,
        next: { cookie: sessionCookie(res), csrf: res.statusCode === 200 ? res.json().csrfToken : undefined },
      };
    }
    const events = async (action: string) =>
      (await t.database.db.selectFrom('audit_events').select('detail').where('action', '=', action).execute()).length;

    before(async () => {
      offsetMs = 0;
      t = await buildTestApp(engine, { clock });
      ({ email, id: userId } = await createAccount(t, 'threat_manager'));
    });
    after(() => t.close());

    test('every role but reporter must set up a second factor: until then only the set-up is reachable', async () => {
      const reporter = await createAccount(t, 'reporter');
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: ORIGIN },
        payload: { email: reporter.email, password: PASSWORD },
      });
      assert.equal(r.json().mfa, 'none');
      const rb = { cookie: sessionCookie(r), csrf: r.json().csrfToken };
      assert.equal((await call(t, rb, 'GET', '/api/me/sessions')).statusCode, 200, 'a reporter is not confined');

      const b = await passwordSignIn();
      assert.equal(b.mfa, 'enrol');
      for (const [method, url] of [
        ['GET', '/api/me/sessions'],
        ['POST', '/api/me/password'],
        ['POST', '/api/mfa/recovery-codes'],
        ['POST', '/api/session/mfa'],
      ] as const) {
        const res = await call(t, b, method, url, method === 'POST' ? {} : undefined);
        assert.equal(res.statusCode, 401, `${method} ${url}`);
        assert.equal(res.json().code, 'mfa_enrolment_required', `${method} ${url}`);
      }
      assert.equal((await call(t, b, 'GET', '/api/mfa')).statusCode, 200);
      assert.equal((await call(t, b, 'GET', '/api/session')).json().mfa, 'enrol');
    });

    test('enrolment: a 160-bit secret, confirmed by a first code, answers ten recovery codes once', async () => {
      const b = await passwordSignIn();
      assert.equal(b.mfa, 'enrol');
      const started = await call(t, b, 'POST', '/api/mfa/totp');
      assert.equal(started.statusCode, 201, started.body);
      secret = started.json().secret;
      assert.match(secret, /^[A-Z2-7]{32}$/, '20 bytes in base32');
      assert.match(started.json().uri, /^otpauth:\/\/totp\/TMA:.*\?secret=[A-Z2-7]{32}&issuer=TMA$/);
      const wrong = await call(t, b, 'POST', '/api/mfa/totp/confirm', { code: codeAt(secret, 5) });
      assert.equal(wrong.statusCode, 401);
      assert.equal(wrong.json().code, 'invalid_code');
      const confirmed = await call(t, b, 'POST', '/api/mfa/totp/confirm', { code: codeAt(secret) });
      assert.equal(confirmed.statusCode, 200, confirmed.body);
      recovery = confirmed.json().recoveryCodes;
      assert.equal(recovery.length, 10);
      assert.equal(new Set(recovery).size, 10);
      assert.ok(recovery.every((c) => /^[a-z2-9]{5}-[a-z2-9]{5}$/.test(c)));
      const status = (await call(t, b, 'GET', '/api/mfa')).json();
      assert.equal(status.totp.enrolled, true);
      assert.equal(status.recoveryCodesLeft, 10);
      assert.equal((await call(t, b, 'GET', '/api/session')).json().mfa, 'done', 'this session gave its code');
      const stored = await t.database.db.selectFrom('mfa_recovery_codes').select('code_hash').execute();
      assert.ok(
        stored.every((r) => !recovery.some((c) => r.code_hash.includes(c.replace('-', '')))),
        'digests only',
      );
      assert.equal(await events('mfa.totp_enrolled'), 1);
      assert.equal(await events('mfa.totp_enrolment_failed'), 1);
    });

    test('a session whose code is due reaches only the challenge, its own session and sign-out', async () => {
      offsetMs += 30_000;
      const b = await passwordSignIn();
      assert.equal(b.mfa, 'challenge');
      for (const [method, url] of [
        ['GET', '/api/mfa'],
        ['GET', '/api/me/sessions'],
        ['POST', '/api/mfa/totp'],
        ['POST', '/api/session/step-up'],
      ] as const) {
        const res = await call(t, b, method, url, method === 'POST' ? {} : undefined);
        assert.equal(res.statusCode, 401, `${method} ${url}`);
        assert.equal(res.json().code, 'mfa_required', `${method} ${url}`);
      }
      assert.equal((await call(t, b, 'GET', '/api/session')).json().mfa, 'challenge');
      const { res, next } = await challenge(b, { code: codeAt(secret) });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().mfa, 'done');
      assert.notEqual(next.cookie, b.cookie, 'a new session id once the second factor is given');
      assert.notEqual(next.csrf, b.csrf);
      assert.equal((await call(t, b, 'GET', '/api/session')).statusCode, 401, 'the old session is over');
      assert.equal((await call(t, next, 'GET', '/api/mfa')).statusCode, 200);
      assert.equal(await events('mfa.challenge_passed'), 1);
    });

    test('a code works once; one step early or late is accepted, two are not', async () => {
      const b = await passwordSignIn();
      const used = codeAt(secret);
      const again = await challenge(b, { code: used });
      assert.equal(again.res.statusCode, 401, 'the code of the step just used');
      assert.equal(again.res.json().code, 'invalid_code');
      assert.equal((await challenge(b, { code: codeAt(secret, 2) })).res.statusCode, 401, 'two steps ahead');
      assert.equal((await challenge(b, { code: codeAt(secret, 1) })).res.statusCode, 200, 'one step ahead');
      // Four steps on, the two before now are unused: only the nearer one is still accepted.
      offsetMs += 120_000;
      const c = await passwordSignIn();
      assert.equal((await challenge(c, { code: codeAt(secret, -2) })).res.statusCode, 401, 'two steps old');
      assert.equal((await challenge(c, { code: codeAt(secret, -1) })).res.statusCode, 200, 'one step old, unused');
      assert.ok((await events('mfa.challenge_failed')) >= 3);
    });

    test('a recovery code works once, however it is typed', async () => {
      const code = recovery[0] ?? '';
      const b = await passwordSignIn();
      const first = await challenge(b, { recoveryCode: code.toUpperCase().replace('-', '') });
      assert.equal(first.res.statusCode, 200, first.res.body);
      const c = await passwordSignIn();
      assert.equal((await challenge(c, { recoveryCode: code })).res.statusCode, 401);
      const status = (await call(t, first.next, 'GET', '/api/mfa')).json();
      assert.equal(status.recoveryCodesLeft, 9);
    });

    test('step-up takes a code of the app; new recovery codes void the old ones', async () => {
      offsetMs += 30_000;
      const b = await passwordSignIn();
      const { next } = await challenge(b, { code: codeAt(secret) });
      offsetMs += 10 * 60_000;
      const stale = await call(t, next, 'POST', '/api/mfa/recovery-codes');
      assert.equal(stale.json().code, 'step_up_required');
      assert.equal((await call(t, next, 'POST', '/api/session/step-up', { code: codeAt(secret) })).statusCode, 204);
      const fresh = await call(t, next, 'POST', '/api/mfa/recovery-codes');
      assert.equal(fresh.statusCode, 200, fresh.body);
      const c = await passwordSignIn();
      assert.equal((await challenge(c, { recoveryCode: recovery[1] ?? '' })).res.statusCode, 401, 'an old code');
      assert.equal((await challenge(c, { recoveryCode: fresh.json().recoveryCodes[0] })).res.statusCode, 200);
    });

    test('a second enrolment racing the first: only the latest secret can be confirmed', async () => {
      offsetMs += 30_000;
      const b = await passwordSignIn();
      const { next } = await challenge(b, { code: codeAt(secret) });
      const one = (await call(t, next, 'POST', '/api/mfa/totp')).json().secret;
      const two = (await call(t, next, 'POST', '/api/mfa/totp')).json().secret;
      assert.equal((await call(t, next, 'POST', '/api/mfa/totp/confirm', { code: codeAt(one) })).statusCode, 401);
      assert.equal((await call(t, next, 'POST', '/api/mfa/totp/confirm', { code: codeAt(two) })).statusCode, 200);
      secret = two;
    });

    test('bad input: malformed codes, unknown fields, another user named: clear 4xx, never 500', async () => {
      offsetMs += 30_000;
      const b = await passwordSignIn();
      for (const payload of [{ code: '12345' }, { code: 'abcdef' }, { code: 123456 }, { recoveryCode: 'x' }, {}]) {
        assert.equal((await challenge(b, payload)).res.statusCode, 400, JSON.stringify(payload));
      }
      const { next } = await challenge(b, { code: codeAt(secret) });
      const other = await createAccount(t, 'threat_manager');
      const res = await call(t, next, 'POST', '/api/mfa/totp/confirm', { code: '123456', userId: other.id });
      assert.equal(res.statusCode, 400, 'no field names another user');
    });

    test('two codes sent at once by one waiting session open one session, not two', async () => {
      offsetMs += 30_000;
      const b = await passwordSignIn();
      const fresh = (
        await call(t, (await challenge(b, { code: codeAt(secret) })).next, 'POST', '/api/mfa/recovery-codes')
      ).json().recoveryCodes as string[];
      offsetMs += 30_000;
      const c = await passwordSignIn();
      const results = await Promise.all([
        challenge(c, { code: codeAt(secret) }),
        challenge(c, { recoveryCode: fresh[0] ?? '' }),
      ]);
      assert.deepEqual(results.map((r) => r.res.statusCode).sort(), [200, 401]);
    });

    test('recovery codes replaced twice at once: ten remain, not twenty', async () => {
      offsetMs += 30_000;
      const b = await passwordSignIn();
      const { next } = await challenge(b, { code: codeAt(secret) });
      const answers = await Promise.all([1, 2, 3].map(() => call(t, next, 'POST', '/api/mfa/recovery-codes')));
      assert.ok(answers.every((r) => r.statusCode === 200));
      assert.equal((await call(t, next, 'GET', '/api/mfa')).json().recoveryCodesLeft, 10);
    });

    test('a waiting session learns nothing from other routes: mfa_required before any policy', async () => {
      const admin = await createAccount(t, 'admin');
      const enrol = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: ORIGIN },
        payload: { email: admin.email, password: PASSWORD },
      });
      const a = { cookie: sessionCookie(enrol), csrf: enrol.json().csrfToken };
      const adminSecret = (await call(t, a, 'POST', '/api/mfa/totp')).json().secret;
      await call(t, a, 'POST', '/api/mfa/totp/confirm', { code: codeAt(adminSecret) });
      offsetMs += 30_000;
      const waiting = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: ORIGIN },
        payload: { email: admin.email, password: PASSWORD },
      });
      const w = { cookie: sessionCookie(waiting), csrf: waiting.json().csrfToken };
      for (const url of ['/api/audit/events', '/api/approvals', '/api/admin/users']) {
        assert.equal((await call(t, w, 'GET', url)).json().code, 'mfa_required', url);
      }
    });

    test('sign-in attempts with an e-mail made to look like a throttle key leave the user alone', async () => {
      offsetMs += 30_000;
      const user = { id: userId };
      for (let i = 0; i < 8; i++) {
        await t.app.inject({
          method: 'POST',
          url: '/api/session',
          headers: { origin: ORIGIN },
          remoteAddress: `198.51.100.${i}`,
          payload: { email: `mfa:${user.id}`, password: 'not anybody’s password at all' },
        });
      }
      const b = await passwordSignIn();
      assert.equal((await challenge(b, { code: codeAt(secret) })).res.statusCode, 200);
    });

    test('an administrator can only require a new set-up, and only with a team lead’s approval', async () => {
      const target = { id: userId };
      const admin = await signIn(t, (await createAccount(t, 'admin')).email);
      const lead = await signIn(t, (await createAccount(t, 'team_lead')).email);
      const without = await createAccount(t, 'auditor');
      const none = await call(t, admin, 'POST', `/api/admin/users/${without.id}/mfa-reset`);
      assert.equal(none.statusCode, 409);
      assert.equal(none.json().code, 'mfa_not_enrolled');
      assert.equal((await call(t, lead, 'POST', `/api/admin/users/${target.id}/mfa-reset`)).statusCode, 404);

      offsetMs += 30_000;
      const victim = await passwordSignIn();
      const { next } = await challenge(victim, { code: codeAt(secret) });
      const requested = await call(t, admin, 'POST', `/api/admin/users/${target.id}/mfa-reset`);
      assert.equal(requested.statusCode, 200, requested.body);
      const approvalId = requested.json().approvalId as string;
      assert.equal((await call(t, next, 'GET', '/api/mfa')).json().totp.enrolled, true, 'nothing changes yet');
      assert.equal((await call(t, admin, 'POST', `/api/approvals/${approvalId}/approve`)).statusCode, 404);
      assert.equal((await call(t, lead, 'POST', `/api/approvals/${approvalId}/approve`)).statusCode, 200);
      assert.equal((await call(t, next, 'GET', '/api/mfa')).statusCode, 401, 'every session of the user ended');
      const again = await passwordSignIn();
      assert.equal(again.mfa, 'enrol', 'the next sign-in sets up anew');
      assert.equal(await events('mfa.reset'), 1);
      secret = (await call(t, again, 'POST', '/api/mfa/totp')).json().secret;
      assert.equal((await call(t, again, 'POST', '/api/mfa/totp/confirm', { code: codeAt(secret) })).statusCode, 200);
    });

    test('wrong codes are throttled per user', async () => {
      offsetMs += 30_000;
      const b = await passwordSignIn();
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) statuses.push((await challenge(b, { code: '000000' })).res.statusCode);
      assert.ok(statuses.includes(429), statuses.join(' '));
    });
  });
}
