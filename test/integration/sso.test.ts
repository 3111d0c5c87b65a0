import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type Browser, call, createAccount } from '../support/accounts.ts';
import type { TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import type { TestIdp } from '../support/oidc-idp.ts';
import { CALLBACK, MFA, ssoFixture } from '../support/sso-fixture.ts';

/** Signing in through the provider: the request, the checks of its answer, and TMA's own rules. */
for (const engine of engines()) {
  describe(`single sign-on (OIDC) on ${engine}`, () => {
    const f = ssoFixture(engine);
    const { start, callback, ssoSignIn, sessionOf, lastEvent, bind, refused } = f;
    let t: TestApp;
    let idp: TestIdp;
    before(() => {
      ({ t, idp } = f);
    });

    test('the status tells the sign-in page whether to show the button', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/sso' });
      assert.deepEqual(res.json(), { enabled: true, label: 'Example Corp', linked: null });
    });

    test('the authorization request: code flow with PKCE (S256), state, nonce and the acr wanted', async () => {
      const { url, flowCookie } = await start();
      const u = new URL(url);
      assert.equal(u.origin, idp.issuer);
      assert.equal(u.searchParams.get('response_type'), 'code');
      assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
      assert.ok((u.searchParams.get('code_challenge') ?? '').length >= 43);
      assert.ok((u.searchParams.get('state') ?? '').length >= 22);
      assert.ok((u.searchParams.get('nonce') ?? '').length >= 22);
      assert.equal(u.searchParams.get('acr_values'), MFA);
      assert.equal(u.searchParams.get('redirect_uri'), CALLBACK);
      assert.match(flowCookie ?? '', /^[A-Za-z0-9_-]{43}$/);
    });

    test('a reporter signs in through the provider: provisioned just in time, as reporter only', async () => {
      const first = await ssoSignIn('rep-1');
      assert.equal(first.location, '/');
      const s = await sessionOf(first.session);
      assert.equal(s.user.role, 'reporter');
      assert.equal(s.user.email, 'rep-1@example.test');
      assert.equal(s.mfa, 'none');
      assert.deepEqual((await lastEvent('user.provisioned'))?.detail, { via: 'sso', role: 'reporter' });
      assert.deepEqual((await lastEvent('session.signed_in'))?.detail, { method: 'sso', secondFactor: 'none' });
      const again = await sessionOf((await ssoSignIn('rep-1')).session);
      assert.equal(again.user.id, s.user.id, 'bound to (issuer, subject): the same account');
    });

    test('a threat manager whose provider asserts the required acr gets a full session', async () => {
      const tm = await createAccount(t, 'threat_manager');
      await bind('tm-1', tm.id);
      const { location, session } = await ssoSignIn('tm-1');
      assert.equal(location, '/');
      const s = await sessionOf(session);
      assert.equal(s.user.id, tm.id);
      assert.equal(s.mfa, 'done');
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/me/sessions',
        headers: { cookie: `__Host-tma=${session}` },
      });
      assert.equal(res.statusCode, 200);
      assert.deepEqual((await lastEvent('session.signed_in'))?.detail, { method: 'sso', secondFactor: 'idp' });
    });

    test("without the acr, a content role falls back to TMA's own second factor and stays confined", async () => {
      const tm = await createAccount(t, 'threat_manager');
      await bind('tm-pwd', tm.id);
      const { location, session } = await ssoSignIn('tm-pwd');
      assert.equal(location, '/sign-in/set-up');
      assert.equal((await sessionOf(session)).mfa, 'enrol');
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/me/sessions',
        headers: { cookie: `__Host-tma=${session}` },
      });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().code, 'mfa_enrolment_required');
    });

    test('a role the provider no longer asserts is refused (left the group at the provider)', async () => {
      const tm = await createAccount(t, 'threat_manager');
      await bind('tm-left', tm.id);
      await refused('tm-left', 'role_not_asserted');
    });

    test('a sign-in riding on an old session at the provider signs in, but is no step-up', async () => {
      const tm = await createAccount(t, 'threat_manager');
      idp.accounts.set('tm-old', {
        sub: 'tm-old',
        email: 'tm-old@example.test',
        claims: { tma_roles: ['tma-threat-managers'] },
        acr: MFA,
      });
      await bind('tm-old', tm.id);
      const hourAgo = Math.floor(Date.now() / 1000) - 3600;
      try {
        idp.tamperIdToken = (c) => ({ ...c, auth_time: hourAgo });
        const { location, session } = await ssoSignIn('tm-old');
        assert.equal(location, '/');
        const s = await sessionOf(session);
        assert.equal(s.mfa, 'done');
        const b: Browser = { cookie: session, csrf: s.csrfToken };
        const sensitive = await call(t, b, 'POST', '/api/mfa/passkeys/options');
        assert.equal(sensitive.statusCode, 401);
        assert.equal(sensitive.json().code, 'step_up_required', 'adding a passkey needs a fresh proof');
      } finally {
        idp.tamperIdToken = undefined;
      }
    });

    test('bound to (issuer, subject), never to the e-mail address: a foreign subject with a known e-mail gets nothing', async () => {
      const victim = await createAccount(t, 'threat_manager', { email: 'victim@example.test' });
      idp.accounts.set('intruder', {
        sub: 'intruder',
        email: 'victim@example.test',
        claims: { tma_roles: ['tma-threat-managers'] },
        acr: MFA,
      });
      await refused('intruder', 'email_in_use');
      assert.equal(
        (await t.database.db.selectFrom('user_identities').select('subject').where('user_id', '=', victim.id).execute())
          .length,
        0,
      );
    });

    test('a tampered ID token is refused: unknown issuer, bad signature, missing or replayed nonce', async () => {
      const tm = await createAccount(t, 'threat_manager');
      await bind('tm-2', tm.id);
      try {
        idp.tamperIdToken = (c) => ({ ...c, iss: 'https://idp.attacker.example' });
        await refused('tm-2', 'issuer');
        idp.tamperIdToken = undefined;
        idp.signWith = 'foreign';
        await refused('tm-2', 'signature');
        idp.signWith = 'provider';
        idp.tamperIdToken = ({ nonce: _, ...c }) => c;
        await refused('tm-2', 'nonce');
        const earlier = new URL((await start()).url).searchParams.get('nonce');
        idp.tamperIdToken = (c) => ({ ...c, nonce: earlier });
        await refused('tm-2', 'nonce');
      } finally {
        idp.tamperIdToken = undefined;
        idp.signWith = 'provider';
      }
      assert.equal((await ssoSignIn('tm-2')).location, '/', 'and the untampered one works');
    });

    test('state: a changed one, a replayed callback, or a callback in another browser is refused', async () => {
      const flow = await start();
      const answer = await idp.authorize(flow.url, 'rep-1');
      const changed = new URL(answer);
      changed.searchParams.set('state', 'x'.repeat(43));
      assert.equal((await callback(changed, flow.flowCookie)).location, '/sign-in/sso-error?reason=state');
      assert.equal((await callback(answer, undefined)).location, '/sign-in/sso-error?reason=state', 'no flow cookie');
      const other = await start();
      assert.equal(
        (await callback(answer, other.flowCookie)).location,
        '/sign-in/sso-error?reason=state',
        "another browser's",
      );
      assert.equal((await callback(answer, flow.flowCookie)).location, '/', 'the right browser, once');
      assert.equal((await callback(answer, flow.flowCookie)).location, '/sign-in/sso-error?reason=state', 'replayed');
    });

    test('an unknown person without just-in-time provisioning, and a cancelled sign-in, get the error page', async () => {
      const flow = await start();
      const cancelled = await callback(await idp.authorize(flow.url, 'nobody-at-all'), flow.flowCookie);
      assert.equal(cancelled.location, '/sign-in/sso-error?reason=cancelled');
      idp.accounts.set('no-mail', { sub: 'no-mail', claims: { tma_roles: [] } });
      await refused('no-mail', 'email_missing');
    });
  });
}
