import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, call, createAccount, ORIGIN, PASSWORD, signIn } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { startTestIdp, type TestIdp } from '../support/oidc-idp.ts';

const MFA = 'urn:tma:test:mfa';
const PWD = 'urn:tma:test:pwd';
const CALLBACK = `${ORIGIN}/api/sso/callback`;

for (const engine of engines()) {
  describe(`single sign-on (OIDC) on ${engine}`, () => {
    let idp: TestIdp;
    let t: TestApp;

    before(async () => {
      idp = await startTestIdp({
        redirectUris: [CALLBACK],
        postLogoutRedirectUris: [`${ORIGIN}/sign-in`],
        accounts: [
          { sub: 'rep-1', email: 'rep-1@example.test', name: 'Rita Reporter', claims: { tma_roles: [] }, acr: PWD },
          {
            sub: 'tm-1',
            email: 'tm-1@example.test',
            claims: { tma_roles: ['tma-threat-managers'] },
            acr: MFA,
            amr: ['pwd', 'otp'],
          },
          { sub: 'tm-pwd', email: 'tm-pwd@example.test', claims: { tma_roles: ['tma-threat-managers'] }, acr: PWD },
          { sub: 'tm-left', email: 'tm-left@example.test', claims: { tma_roles: [] }, acr: MFA },
          { sub: 'tm-2', email: 'tm-2@example.test', claims: { tma_roles: ['tma-threat-managers'] }, acr: MFA },
        ],
      });
      const dir = await mkdtemp(path.join(os.tmpdir(), 'tma-sso-'));
      t = await buildTestApp(engine, {
        env: {
          TMA_OIDC_ISSUER: idp.issuer,
          TMA_OIDC_CLIENT_ID: idp.clientId,
          TMA_OIDC_CLIENT_SECRET: idp.clientSecret,
          TMA_OIDC_CA_FILE: await idp.writeCaFile(dir),
          TMA_OIDC_LABEL: 'Example Corp',
          TMA_OIDC_ROLE_CLAIM: 'tma_roles',
          TMA_OIDC_ROLE_MAP: 'tma-threat-managers=threat_manager',
          TMA_OIDC_JIT_PROVISIONING: 'reporter',
          TMA_OIDC_MFA_ACR_VALUES: MFA,
        },
      });
    });
    after(async () => {
      await t?.close();
      await idp?.close();
    });

    /** A cookie the response sets (it may set two: the session, and the flow's cleared). */
    const cookieOf = (res: { headers: Record<string, unknown> }, name: string) => {
      const header = res.headers['set-cookie'];
      const all = (Array.isArray(header) ? header : [header]).map(String);
      return (
        all
          .find((c) => c.startsWith(`${name}=`))
          ?.slice(name.length + 1)
          .split(';')[0] || undefined
      );
    };
    const flowCookieOf = (res: { headers: Record<string, unknown> }) => cookieOf(res, '__Host-tma-sso');
    /** Starts a flow as the browser would (the button), and answers the provider's URL and the flow cookie. */
    async function start(url = '/api/sso/sign-in', browser?: Browser, payload?: object) {
      const res =
        browser === undefined
          ? await t.app.inject({ method: 'POST', url, headers: { origin: ORIGIN } })
          : await call(t, browser, 'POST', url, payload ?? {});
      assert.equal(res.statusCode, 200, res.body);
      return { url: res.json().url as string, flowCookie: flowCookieOf(res) };
    }
    async function callback(at: URL, flowCookie: string | undefined, browser?: Browser) {
      const cookies = [
        ...(flowCookie !== undefined ? [`__Host-tma-sso=${flowCookie}`] : []),
        ...(browser?.cookie !== undefined ? [`__Host-tma=${browser.cookie}`] : []),
      ];
      const res = await t.app.inject({
        method: 'GET',
        url: `${at.pathname}${at.search}`,
        headers: cookies.length > 0 ? { cookie: cookies.join('; ') } : {},
      });
      assert.equal(res.statusCode, 302, res.body);
      return { location: String(res.headers.location), session: cookieOf(res, '__Host-tma') };
    }
    /** A whole sign-in through the provider as `login`. */
    async function ssoSignIn(login: string) {
      const flow = await start();
      return callback(await idp.authorize(flow.url, login), flow.flowCookie);
    }
    async function sessionOf(cookie: string | undefined) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/session',
        headers: { cookie: `__Host-tma=${cookie}` },
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    }
    const lastEvent = async (action: string) =>
      t.database.db
        .selectFrom('audit_events')
        .select(['outcome', 'detail', 'actor_user_id'])
        .where('action', '=', action)
        .orderBy('id', 'desc')
        .executeTakeFirst();
    async function bind(sub: string, userId: string) {
      await t.database.db
        .insertInto('user_identities')
        .values({ issuer: idp.issuer, subject: sub, user_id: userId, created_at: new Date(), last_used_at: null })
        .execute();
    }
    async function refused(login: string, reason: string) {
      const { location, session } = await ssoSignIn(login);
      assert.equal(location, `/sign-in/sso-error?reason=${reason}`);
      assert.equal(session, undefined, 'no session');
      assert.equal((await lastEvent('session.sign_in_failed'))?.detail.sso, reason);
    }

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

    test('administration: an unlocked single-sign-on account is active again; an approved two-factor reset also unlinks', async () => {
      const admin = await signIn(t, (await createAccount(t, 'admin')).email);
      const lead = await signIn(t, (await createAccount(t, 'team_lead')).email);
      idp.accounts.set('rep-admin', {
        sub: 'rep-admin',
        email: 'rep-admin@example.test',
        claims: { tma_roles: [] },
        acr: PWD,
      });
      const reporter = (await sessionOf((await ssoSignIn('rep-admin')).session)).user.id as string;
      assert.equal((await call(t, admin, 'POST', `/api/admin/users/${reporter}/lock`)).statusCode, 200);
      assert.equal((await call(t, admin, 'POST', `/api/admin/users/${reporter}/unlock`)).statusCode, 200);
      const status = await t.database.db
        .selectFrom('users')
        .select('status')
        .where('id', '=', reporter)
        .executeTakeFirstOrThrow();
      assert.equal(status.status, 'active', 'it signs in through the provider, without a password');
      assert.equal((await ssoSignIn('rep-admin')).location, '/');

      const tm = await createAccount(t, 'threat_manager');
      await bind('tm-reset', tm.id);
      await t.database.db
        .insertInto('mfa_totp')
        .values({
          user_id: tm.id,
          secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
          confirmed_at: new Date(),
          last_step: null,
          pending_secret: null,
          pending_expires_at: null,
        })
        .execute();
      const requested = await call(t, admin, 'POST', `/api/admin/users/${tm.id}/mfa-reset`);
      assert.equal(requested.statusCode, 200, requested.body);
      const approved = await call(t, lead, 'POST', `/api/approvals/${requested.json().approvalId}/approve`);
      assert.equal(approved.statusCode, 200, approved.body);
      const identities = await t.database.db
        .selectFrom('user_identities')
        .select('subject')
        .where('user_id', '=', tm.id)
        .execute();
      assert.deepEqual(identities, [], 'whoever was linked is no longer');
    });

    test('junk callbacks from one address are counted: past the free ones they are refused unrecorded', async () => {
      const ip = '198.51.100.7';
      const junk = () =>
        t.app.inject({ method: 'GET', url: `/api/sso/callback?code=x&state=${'y'.repeat(43)}`, remoteAddress: ip });
      const failures = async () =>
        Number(
          (
            await t.database.db
              .selectFrom('audit_events')
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .where('action', '=', 'session.sign_in_failed')
              .where('ip', '=', ip)
              .executeTakeFirstOrThrow()
          ).n,
        );
      // 60 free, the 61st counted and then a wait (docs/accounts.md, throttling)
      for (let i = 0; i < 61; i++) assert.equal((await junk()).headers.location, '/sign-in/sso-error?reason=state');
      assert.equal(await failures(), 61);
      assert.equal((await junk()).headers.location, '/sign-in/sso-error?reason=unavailable');
      assert.equal(await failures(), 61, 'no row for an attempt over the limit');
    });

    test('linking a signed-in account, then the step-up at the provider, then sign-out there too', async () => {
      const { id, email } = await createAccount(t, 'threat_manager');
      const b = await signIn(t, email);
      idp.accounts.set('tm-3', {
        sub: 'tm-3',
        email: 'tm-3@example.test',
        claims: { tma_roles: ['tma-threat-managers'] },
        acr: MFA,
      });
      for (const returnTo of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
        const res = await call(t, b, 'POST', '/api/sso/link', { returnTo });
        assert.equal(res.statusCode, 400, `no open redirect: ${returnTo}`);
      }
      const link = await start('/api/sso/link', b, { returnTo: '/profile?tab=sso' });
      const linked = await callback(await idp.authorize(link.url, 'tm-3'), link.flowCookie);
      assert.equal(linked.location, '/profile?tab=sso');
      assert.equal((await lastEvent('sso.linked'))?.actor_user_id, id);
      assert.deepEqual((await call(t, b, 'GET', '/api/sso')).json(), {
        enabled: true,
        label: 'Example Corp',
        linked: true,
      });
      assert.deepEqual((await lastEvent('sso.linked'))?.detail, { issuer: idp.issuer, subject: 'tm-3' });
      assert.equal(
        new URL(link.url).searchParams.get('prompt'),
        'login',
        'linking needs the person at the keyboard now',
      );

      // With a role claim configured, a linked account in a content role signs in only through the provider.
      const password = await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: ORIGIN },
        payload: { email, password: PASSWORD },
      });
      assert.equal(password.statusCode, 403);
      assert.equal(password.json().code, 'sso_required');
      assert.deepEqual((await lastEvent('session.sign_in_failed'))?.detail, { reason: 'sso_required' });

      const other = await createAccount(t, 'threat_manager');
      const stale = await start('/api/sso/link', await signIn(t, other.email), {});
      idp.accounts.set('tm-4', { sub: 'tm-4', email: 'tm-4@example.test', claims: { tma_roles: [] }, acr: MFA });
      idp.tamperIdToken = (c) => ({ ...c, auth_time: Math.floor(Date.now() / 1000) - 3600 });
      try {
        const kept = await callback(await idp.authorize(stale.url, 'tm-4'), stale.flowCookie);
        assert.equal(
          kept.location,
          '/sign-in/sso-error?reason=not_recent',
          'a link needs a fresh sign-in at the provider',
        );
      } finally {
        idp.tamperIdToken = undefined;
      }
      assert.deepEqual((await lastEvent('sso.link_failed'))?.detail, { reason: 'not_recent' });

      const taken = await start('/api/sso/link', await signIn(t, (await createAccount(t, 'threat_manager')).email));
      assert.equal(
        (await callback(await idp.authorize(taken.url, 'tm-3'), taken.flowCookie)).location,
        '/sign-in/sso-error?reason=identity_in_use',
      );

      const viaSso = await ssoSignIn('tm-3');
      const s: Browser = { cookie: viaSso.session, csrf: (await sessionOf(viaSso.session)).csrfToken };
      await t.database.db
        .updateTable('sessions')
        .set({ step_up_at: new Date(Date.now() - 3600_000) })
        .execute();
      const up = await start('/api/sso/step-up', s, { returnTo: '/users' });
      assert.equal(new URL(up.url).searchParams.get('max_age'), '0', 'the provider must authenticate anew');
      assert.equal(new URL(up.url).searchParams.get('prompt'), 'login');
      assert.equal((await callback(await idp.authorize(up.url, 'tm-3'), up.flowCookie)).location, '/users');
      assert.deepEqual((await lastEvent('session.step_up'))?.detail, { method: 'sso' });

      const someoneElse = await start('/api/sso/step-up', s, {});
      assert.equal(
        (await callback(await idp.authorize(someoneElse.url, 'tm-1'), someoneElse.flowCookie)).location,
        '/sign-in/sso-error?reason=other_subject',
      );

      const out = await call(t, s, 'DELETE', '/api/session');
      assert.equal(out.statusCode, 200, out.body);
      assert.ok(out.json().logoutUrl.startsWith(idp.endSessionEndpoint), 'RP-initiated logout at the provider');
      assert.equal((await call(t, s, 'GET', '/api/session')).statusCode, 401, 'the TMA session ended');
      const pwd = await call(t, b, 'DELETE', '/api/session');
      assert.equal(pwd.statusCode, 204, 'a password session signs out as before');
    });
  });
}
