import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Browser, call, createAccount, ORIGIN, PASSWORD, sessionCookie } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';

for (const engine of engines()) {
  describe(`passkeys on ${engine}`, () => {
    let t: TestApp;

    async function passwordSignIn(email: string): Promise<Browser & { mfa: string }> {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: ORIGIN },
        payload: { email, password: PASSWORD },
      });
      assert.equal(res.statusCode, 200, res.body);
      return { cookie: sessionCookie(res), csrf: res.json().csrfToken, mfa: res.json().mfa };
    }
    /** Adds a passkey made by `key` to the signed-in account of `b`. */
    async function register(b: Browser, key: SoftAuthenticator, name = 'Work laptop') {
      const options = await call(t, b, 'POST', '/api/mfa/passkeys/options');
      assert.equal(options.statusCode, 200, options.body);
      return call(t, b, 'POST', '/api/mfa/passkeys', { name, response: key.create(options.json()) });
    }
    async function challengeOptions(b: Browser) {
      const res = await call(t, b, 'POST', '/api/session/passkey-challenge');
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    }
    /** An account with one passkey, and a browser whose password sign-in waits for it. */
    async function accountWithPasskey() {
      const { id, email } = await createAccount(t, 'threat_manager');
      const key = new SoftAuthenticator(ORIGIN);
      const first = await passwordSignIn(email);
      assert.equal((await register(first, key)).statusCode, 201);
      return { id, email, key, waiting: await passwordSignIn(email) };
    }
    const lastEvent = async (action: string) =>
      t.database.db
        .selectFrom('audit_events')
        .select(['outcome', 'detail', 'actor_user_id'])
        .where('action', '=', action)
        .orderBy('id', 'desc')
        .executeTakeFirst();

    before(async () => {
      t = await buildTestApp(engine);
    });
    after(() => t.close());

    test('a threat manager sets up a passkey as the first second factor and gets recovery codes', async () => {
      const { email } = await createAccount(t, 'threat_manager');
      const b = await passwordSignIn(email);
      assert.equal(b.mfa, 'enrol');
      const none = await call(t, b, 'POST', '/api/session/passkey-challenge');
      assert.equal(none.json().code, 'no_passkey', 'no challenge that any passkey could answer');
      const options = (await call(t, b, 'POST', '/api/mfa/passkeys/options')).json();
      assert.equal(options.rp.id, 'localhost', 'the relying party is the host of TMA_PUBLIC_URL');
      assert.equal(options.authenticatorSelection.userVerification, 'required');
      assert.equal(options.authenticatorSelection.residentKey, 'required');
      assert.deepEqual(
        options.pubKeyCredParams.map((p: { alg: number }) => p.alg),
        [-8, -7, -257],
        'EdDSA, ES256, RS256: no algorithm whose signatures outgrow the contract',
      );
      assert.equal(
        Buffer.from(options.user.id, 'base64url').length,
        16,
        'the user handle is the account id, not the e-mail',
      );
      const key = new SoftAuthenticator(ORIGIN);
      const res = await call(t, b, 'POST', '/api/mfa/passkeys', { name: 'Work laptop', response: key.create(options) });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().passkey.name, 'Work laptop');
      assert.equal(res.json().recoveryCodes.length, 10);
      assert.equal((await call(t, b, 'GET', '/api/session')).json().mfa, 'done');
      const status = (await call(t, b, 'GET', '/api/mfa')).json();
      assert.equal(status.passkeys.length, 1);
      assert.equal(status.recoveryCodesLeft, 10);

      const renewed = await call(t, b, 'POST', '/api/mfa/recovery-codes');
      assert.equal(renewed.statusCode, 200, 'new recovery codes with passkeys only');
      const second = await register(b, new SoftAuthenticator(ORIGIN), 'Phone');
      assert.equal(second.statusCode, 201, second.body);
      assert.equal(second.json().recoveryCodes, null, 'a further factor leaves the recovery codes alone');
      assert.equal((await lastEvent('mfa.passkey_registered'))?.outcome, 'allowed');
    });

    test('the second step of a sign-in with the passkey; its answer works once', async () => {
      const { id, email, key, waiting } = await accountWithPasskey();
      assert.equal(waiting.mfa, 'challenge');
      assert.equal((await call(t, waiting, 'GET', '/api/me/sessions')).json().code, 'mfa_required');
      const options = await challengeOptions(waiting);
      assert.equal(options.userVerification, 'required');
      assert.equal(options.allowCredentials.length, 1, "only the user's own passkeys are offered");
      const answer = key.get(options);
      const res = await call(t, waiting, 'POST', '/api/session/mfa', { passkey: answer });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().mfa, 'done');
      assert.notEqual(sessionCookie(res), waiting.cookie, 'a new session id once the second factor is given');
      const passed = await lastEvent('mfa.challenge_passed');
      assert.deepEqual([passed?.actor_user_id, passed?.detail], [id, { method: 'passkey' }]);

      const again = await passwordSignIn(email);
      const replay = await call(t, again, 'POST', '/api/session/mfa', { passkey: answer });
      assert.equal(replay.statusCode, 401);
      assert.equal(replay.json().code, 'invalid_passkey');
      assert.deepEqual((await lastEvent('mfa.challenge_failed'))?.detail, { method: 'passkey', reason: 'challenge' });
    });

    test('refused answers: another origin, no user verification, another session, another user, a counter gone back', async () => {
      const a = await accountWithPasskey();
      const b = await accountWithPasskey();
      const refusedFor = async (browser: Browser, passkey: object, reason: string) => {
        const res = await call(t, browser, 'POST', '/api/session/mfa', { passkey });
        assert.equal(res.statusCode, 401, res.body);
        assert.equal(res.json().code, 'invalid_passkey', 'the client learns nothing of the reason');
        assert.equal((await lastEvent('mfa.challenge_failed'))?.detail.reason, reason);
      };
      await refusedFor(
        a.waiting,
        a.key.get(await challengeOptions(a.waiting), { origin: 'https://tma.example.net' }),
        'verification',
      );
      await refusedFor(a.waiting, a.key.get(await challengeOptions(a.waiting), { uv: false }), 'verification');
      // B's own passkey, answering a challenge that A's session asked for
      await refusedFor(b.waiting, b.key.get(await challengeOptions(a.waiting)), 'challenge');
      // B's passkey, answering a challenge of A's session, sent by A's session
      await refusedFor(
        a.waiting,
        b.key.get(await challengeOptions(a.waiting), { credential: b.key.credentials[0] }),
        'other_user',
      );
      const ok = a.key.get(await challengeOptions(a.waiting));
      assert.equal((await call(t, a.waiting, 'POST', '/api/session/mfa', { passkey: ok })).statusCode, 200);
      const later = await passwordSignIn(a.email);
      // An authenticator whose counter went back is a copy of the one that counted further.
      await refusedFor(later, a.key.get(await challengeOptions(later), { counter: 1 }), 'counter');

      const malformed = await call(t, later, 'POST', '/api/session/mfa', {
        passkey: { ...ok, response: { clientDataJSON: ok.response.clientDataJSON } },
      });
      assert.equal(malformed.statusCode, 400);
    });

    test('a sign-in with a passkey alone counts as both factors; a locked account stays out', async () => {
      const { id, key } = await accountWithPasskey();
      const options = await t.app.inject({
        method: 'POST',
        url: '/api/session/passkey/options',
        headers: { origin: ORIGIN },
      });
      assert.equal(options.statusCode, 200, options.body);
      assert.equal(options.json().allowCredentials, undefined, 'any passkey of TMA may answer: it names its account');
      const signIn = (passkey: object) =>
        t.app.inject({
          method: 'POST',
          url: '/api/session/passkey',
          headers: { origin: ORIGIN },
          payload: { response: passkey },
        });
      const answer = key.get(options.json());
      const res = await signIn(answer);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().mfa, 'done');
      assert.equal(res.json().user.id, id);
      assert.deepEqual((await lastEvent('session.signed_in'))?.detail, { method: 'passkey' });
      assert.equal((await signIn(answer)).json().code, 'invalid_passkey', 'a replayed answer');
      assert.deepEqual((await lastEvent('session.sign_in_failed'))?.detail, {
        method: 'passkey',
        passkey: 'challenge',
      });

      const stranger = new SoftAuthenticator(ORIGIN);
      stranger.create({ rp: { id: 'localhost' }, user: { id: 'AAAAAAAAAAAAAAAAAAAAAA' }, challenge: 'x' });
      const fresh = async () =>
        (
          await t.app.inject({ method: 'POST', url: '/api/session/passkey/options', headers: { origin: ORIGIN } })
        ).json();
      assert.equal(
        (await signIn(stranger.get(await fresh()))).json().code,
        'invalid_passkey',
        'a passkey TMA never saw',
      );

      const named = key.get(await fresh());
      const { userHandle: _, ...withoutHandle } = named.response;
      const anonymous = await signIn({ ...named, response: withoutHandle });
      assert.equal(anonymous.json().code, 'invalid_passkey', 'signing in alone, the passkey must name its account');
      assert.deepEqual((await lastEvent('session.sign_in_failed'))?.actor_user_id, id, 'the refusal names the account');

      await t.database.db.updateTable('users').set({ status: 'locked' }).where('id', '=', id).execute();
      const locked = await signIn(key.get(await fresh()));
      assert.equal(locked.statusCode, 403);
      assert.equal(locked.json().code, 'account_locked');
    });

    test('step-up with a passkey; removal needs step-up and never takes the last second factor', async () => {
      const { email, key } = await accountWithPasskey();
      const b = await passwordSignIn(email);
      const done = await call(t, b, 'POST', '/api/session/mfa', { passkey: key.get(await challengeOptions(b)) });
      const s: Browser = { cookie: sessionCookie(done), csrf: done.json().csrfToken };
      const up = await call(t, s, 'POST', '/api/session/step-up', { passkey: key.get(await challengeOptions(s)) });
      assert.equal(up.statusCode, 204, up.body);
      assert.deepEqual((await lastEvent('session.step_up'))?.detail, { method: 'passkey' });

      const [only] = (await call(t, s, 'GET', '/api/mfa')).json().passkeys;
      const last = await call(t, s, 'DELETE', `/api/mfa/passkeys/${only.id}`);
      assert.equal(last.statusCode, 409);
      assert.equal(last.json().code, 'last_second_factor');
      assert.equal((await register(s, new SoftAuthenticator(ORIGIN), 'Spare')).statusCode, 201);
      const removed = await call(t, s, 'DELETE', `/api/mfa/passkeys/${only.id}`);
      assert.equal(removed.statusCode, 204, removed.body);
      assert.deepEqual((await lastEvent('mfa.passkey_removed'))?.detail, { passkey: only.id });

      const other = await accountWithPasskey();
      const theirs = await t.database.db
        .selectFrom('mfa_passkeys')
        .select('id')
        .where('user_id', '=', other.id)
        .executeTakeFirstOrThrow();
      assert.equal(
        (await call(t, s, 'DELETE', `/api/mfa/passkeys/${theirs.id}`)).statusCode,
        404,
        "another user's passkey",
      );

      await t.database.db
        .updateTable('sessions')
        .set({ step_up_at: new Date(Date.now() - 3600_000) })
        .execute();
      const [spare] = (await call(t, s, 'GET', '/api/mfa')).json().passkeys;
      const stale = await call(t, s, 'DELETE', `/api/mfa/passkeys/${spare.id}`);
      assert.equal(stale.statusCode, 401);
      assert.equal(stale.json().code, 'step_up_required');
    });

    test('a registration without user verification or for another origin is refused and recorded', async () => {
      const { email } = await createAccount(t, 'threat_manager');
      const b = await passwordSignIn(email);
      const key = new SoftAuthenticator(ORIGIN);
      for (const ceremony of [{ uv: false }, { origin: 'https://tma.example.net' }]) {
        const options = (await call(t, b, 'POST', '/api/mfa/passkeys/options')).json();
        const res = await call(t, b, 'POST', '/api/mfa/passkeys', {
          name: 'Bad',
          response: key.create(options, ceremony),
        });
        assert.equal(res.statusCode, 401, res.body);
        assert.equal(res.json().code, 'invalid_passkey');
        assert.deepEqual((await lastEvent('mfa.passkey_registration_failed'))?.detail, { reason: 'verification' });
      }
      assert.equal((await call(t, b, 'GET', '/api/session')).json().mfa, 'enrol', 'still nothing set up');
    });
  });
}
