import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { type Browser, call, ORIGIN } from './accounts.ts';
import { buildTestApp, type TestApp } from './app.ts';
import type { TestEngine } from './db.ts';
import { startTestIdp, type TestIdp } from './oidc-idp.ts';

export const MFA = 'urn:tma:test:mfa';
export const PWD = 'urn:tma:test:pwd';
export const CALLBACK = `${ORIGIN}/api/sso/callback`;

/**
 * The single-sign-on tests' world: a real oidc-provider over TLS (oidc-idp.ts) and TMA configured for it, made
 * in `before` and closed in `after` of the describe that calls this, and the steps a browser takes through both.
 */
export function ssoFixture(engine: TestEngine) {
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

  return {
    get idp() {
      return idp;
    },
    get t() {
      return t;
    },
    start,
    callback,
    ssoSignIn,
    sessionOf,
    lastEvent,
    bind,
    refused,
  };
}
