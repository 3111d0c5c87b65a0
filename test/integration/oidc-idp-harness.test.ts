import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as client from 'openid-client';
import { startTestIdp, type TestIdp } from '../support/oidc-idp.ts';

/**
 * Proves the test IdP (test/support/oidc-idp.ts) against openid-client v6, the library TMA's relying party uses:
 * if these pass, a failing TMA OIDC test points at TMA, not at the harness.
 */
const REDIRECT_URI = 'http://127.0.0.1:9/auth/oidc/callback';

describe('test OIDC identity provider', () => {
  let idp: TestIdp;
  let config: client.Configuration;
  /** With ID token signature checks, which openid-client skips by default for tokens it gets straight over TLS. */
  let verifyingConfig: client.Configuration;

  before(async () => {
    idp = await startTestIdp({
      redirectUris: [REDIRECT_URI],
      postLogoutRedirectUris: ['http://127.0.0.1:9/'],
      accounts: [
        {
          sub: 'tm-1',
          email: 'tm-1@example.test',
          name: 'Tess Manager',
          claims: { tma_roles: ['threat_manager'] },
          acr: 'urn:tma:test:mfa',
          amr: ['pwd', 'otp'],
        },
      ],
    });
    const discover = (execute: ((config: client.Configuration) => void)[]) =>
      client.discovery(new URL(idp.issuer), idp.clientId, undefined, client.ClientSecretBasic(idp.clientSecret), {
        [client.customFetch]: idp.fetch,
        execute,
      });
    config = await discover([]);
    verifyingConfig = await discover([client.enableNonRepudiationChecks]);
  });
  after(() => idp.close());

  async function signIn(login: string, extra: Record<string, string> = {}, reuseSession = false, rp = config) {
    const pkceCodeVerifier = client.randomPKCECodeVerifier();
    const expectedState = client.randomState();
    const expectedNonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
      code_challenge_method: 'S256',
      state: expectedState,
      nonce: expectedNonce,
      acr_values: 'urn:tma:test:mfa',
      ...extra,
    });
    const callback = await idp.authorize(url.href, login, { reuseSession });
    return {
      callback,
      exchange: () =>
        client.authorizationCodeGrant(rp, callback, {
          pkceCodeVerifier,
          expectedState,
          expectedNonce,
          idTokenExpected: true,
        }),
    };
  }

  test('discovery over verified TLS advertises the end-session endpoint; the CA can be written for the RP', async () => {
    assert.equal(config.serverMetadata().issuer, idp.issuer);
    assert.equal(config.serverMetadata().end_session_endpoint, idp.endSessionEndpoint);
    assert.match(idp.issuer, /^https:\/\/localhost:\d+$/);
    assert.match(idp.spkiHash, /^[A-Za-z0-9+/]{43}=$/);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'tma-idp-'));
    try {
      assert.equal(await readFile(await idp.writeCaFile(dir), 'utf8'), idp.caPem);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await assert.rejects(fetch(`${idp.issuer}/.well-known/openid-configuration`), 'untrusted without the CA');
  });

  test('code flow with PKCE: the ID token carries sub, email, name, custom claims, acr, amr, auth_time', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { callback, exchange } = await signIn('tm-1');
    assert.equal(callback.origin + callback.pathname, REDIRECT_URI);
    assert.equal(callback.searchParams.get('iss'), idp.issuer);
    const tokens = await exchange();
    const claims = tokens.claims();
    assert.ok(claims);
    assert.equal(claims.sub, 'tm-1');
    assert.equal(claims.email, 'tm-1@example.test');
    assert.equal(claims.email_verified, true);
    assert.equal(claims.name, 'Tess Manager');
    assert.deepEqual(claims.tma_roles, ['threat_manager']);
    assert.equal(claims.acr, 'urn:tma:test:mfa');
    assert.deepEqual(claims.amr, ['pwd', 'otp']);
    assert.ok(typeof claims.auth_time === 'number' && claims.auth_time >= before - 1);
  });

  test('PKCE is required', async () => {
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid',
      state: client.randomState(),
    });
    const callback = await idp.authorize(url.href, 'tm-1');
    assert.equal(callback.searchParams.get('error'), 'invalid_request');
  });

  test('an unknown login comes back to the RP as access_denied', async () => {
    const { callback } = await signIn('nobody');
    assert.equal(callback.searchParams.get('error'), 'access_denied');
  });

  test('an existing session is reused, but prompt=login and max_age=0 force a new login', async () => {
    await (await signIn('tm-1')).exchange();
    const count = idp.logins.length;
    await (await signIn('tm-1', {}, true)).exchange();
    assert.equal(idp.logins.length, count, 'SSO: no login page');
    await (await signIn('tm-1', { prompt: 'login' }, true)).exchange();
    assert.equal(idp.logins.length, count + 1);
    await (await signIn('tm-1', { max_age: '0' }, true)).exchange();
    assert.equal(idp.logins.length, count + 2);
  });

  test('accounts added later can sign in', async () => {
    idp.accounts.set('admin-2', { sub: 'admin-2', claims: { tma_roles: ['admin'] }, acr: 'urn:tma:test:pwd' });
    const claims = (await (await signIn('admin-2')).exchange()).claims();
    assert.equal(claims?.sub, 'admin-2');
    assert.deepEqual(claims?.tma_roles, ['admin']);
    assert.equal(claims?.acr, 'urn:tma:test:pwd');
    assert.equal(claims?.email, undefined);
  });

  test('RP-initiated logout accepts the registered post_logout_redirect_uri only', async () => {
    const idToken = (await (await signIn('tm-1')).exchange()).id_token ?? '';
    const endSession = (uri: string) =>
      idp.fetch(client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: uri }));
    const ok = await endSession('http://127.0.0.1:9/');
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /action="[^"]*\/session\/end\/confirm"/);
    assert.equal((await endSession('http://127.0.0.1:9/elsewhere')).status, 400);
  });

  /** openid-client wraps the reason of a failed validation in `cause`. */
  const rejectsFor = (promise: Promise<unknown>, reason: RegExp) =>
    assert.rejects(promise, (err: Error) => {
      assert.match(String((err.cause as Error | undefined)?.message), reason);
      return true;
    });

  describe('openid-client rejects a tampered ID token', () => {
    after(() => {
      idp.tamperIdToken = undefined;
      idp.signWith = 'provider';
    });

    test('signed with a foreign key under the provider kid, once signature checks are enabled', async () => {
      idp.signWith = 'foreign';
      await rejectsFor((await signIn('tm-1', {}, false, verifyingConfig)).exchange(), /signature verification failed/);
      // By default openid-client trusts the TLS connection to the token endpoint instead of the signature.
      assert.equal((await (await signIn('tm-1')).exchange()).claims()?.sub, 'tm-1');
      idp.signWith = 'provider';
      assert.equal((await (await signIn('tm-1', {}, false, verifyingConfig)).exchange()).claims()?.sub, 'tm-1');
    });

    test('re-signed by the provider but unchanged: still accepted (the re-signing itself is sound)', async () => {
      idp.tamperIdToken = (claims) => claims;
      const { exchange } = await signIn('tm-1');
      assert.equal((await exchange()).claims()?.sub, 'tm-1');
    });

    test('nonce removed', async () => {
      idp.tamperIdToken = ({ nonce: _nonce, ...claims }) => claims;
      const { exchange } = await signIn('tm-1');
      await rejectsFor(exchange(), /"nonce" \(nonce\) claim missing/);
    });

    test('wrong nonce', async () => {
      idp.tamperIdToken = (claims) => ({ ...claims, nonce: 'not-the-nonce' });
      const { exchange } = await signIn('tm-1');
      await rejectsFor(exchange(), /unexpected ID Token "nonce" claim value/);
    });
  });
});
