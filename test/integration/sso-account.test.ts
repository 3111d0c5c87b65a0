import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type Browser, call, createAccount, ORIGIN, PASSWORD, signIn } from '../support/accounts.ts';
import type { TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import type { TestIdp } from '../support/oidc-idp.ts';
import { MFA, PWD, ssoFixture } from '../support/sso-fixture.ts';

/** What single sign-on does to an account: linking, step-up and sign-out at the provider, administration, flooding. */
for (const engine of engines()) {
  describe(`single sign-on and the account on ${engine}`, () => {
    const f = ssoFixture(engine);
    const { start, callback, ssoSignIn, sessionOf, lastEvent, bind } = f;
    let t: TestApp;
    let idp: TestIdp;
    before(() => {
      ({ t, idp } = f);
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
