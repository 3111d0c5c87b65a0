/**
 * A real OpenID Provider (oidc-provider v9) for the tests of TMA's OIDC sign-in, so that the relying party is
 * proven against a conformant IdP over verified TLS rather than against mocks that agree with it by construction.
 *
 * Why it looks like this:
 * - HTTPS with a CA made in the test (test-ca.ts): the RP must verify the IdP's certificate as in production; it
 *   trusts `caPem` (write it with `writeCaFile`), Chromium is told the server key's `spkiHash`.
 * - Our own tiny login page (label "Login", button "Sign in") instead of devInteractions: a Playwright test can fill
 *   it, and `authorize()` can post it without scraping. Consent is granted silently, so a browser only ever sees
 *   the login page. An unknown login ends the flow with `error=access_denied` at the RP's redirect_uri.
 * - The ID token always carries `acr`, `amr` and `auth_time` (released with the `openid` scope, client
 *   `require_auth_time`), because oidc-provider otherwise adds them only when requested (acr_values, max_age).
 *   `conformIdTokenClaims: false` puts email/profile claims into the ID token, not only the userinfo response.
 *   Custom claims (`customClaims`, default: the keys of the initial accounts' `claims` plus `tma_roles`) are
 *   released with both the `openid` and the `tma` scope, so the RP gets them whether or not it asks for `tma`.
 * - PKCE is required for this confidential client (oidc-provider requires it by default only for public clients).
 * - `tamperIdToken` / `signWith` rewrite the ID token in token responses: the RP's validation (nonce, signature,
 *   iss, aud, exp...) can be shown to reject what a compromised or confused IdP might send. The foreign key signs
 *   under the provider's own kid, so the RP sees a bad signature, not an unknown key.
 * - In-memory storage of our own: no development-adapter warnings; everything is gone on close().
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Provider, { type InteractionResult, type KoaContext } from 'oidc-provider';
import { createTestCertificates, fetchTrusting, type TrustingFetch } from './test-ca.ts';

export interface IdpAccount {
  sub: string;
  email?: string;
  name?: string;
  /** Further claims, e.g. `{ tma_roles: ['threat_manager'] }`; their names must be among the IdP's custom claims. */
  claims?: Record<string, unknown>;
  acr?: string;
  amr?: string[];
}

export interface TestIdp {
  /** `https://localhost:PORT` (the server listens on 127.0.0.1). */
  readonly issuer: string;
  readonly endSessionEndpoint: string;
  /** The test CA certificate (PEM) the relying party must trust. */
  readonly caPem: string;
  /** base64 SHA-256 of the server certificate's SPKI: `--ignore-certificate-errors-spki-list=${spkiHash}`. */
  readonly spkiHash: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Login name -> account; tests may add accounts at any time. */
  readonly accounts: Map<string, IdpAccount>;
  /** Every login submitted on the login page (by a browser or by authorize()), in order. */
  readonly logins: string[];
  /** While set, rewrites the ID token of token responses: gets its claims, returns the claims to sign instead. */
  tamperIdToken: ((claims: Record<string, unknown>) => Record<string, unknown>) | undefined;
  /** 'foreign' re-signs every ID token (tampered or not) with a key the IdP never published, under its kid. */
  signWith: 'provider' | 'foreign';
  /** A fetch trusting the test CA, e.g. for openid-client's `customFetch` in tests. */
  readonly fetch: TrustingFetch;
  /**
   * Plays the browser from an RP-built authorization URL to the redirect back to the RP, signing in as `login`
   * when the IdP asks, and returns that redirect (redirect_uri with code/state/iss or error) WITHOUT requesting it.
   * Starts with no IdP session unless `reuseSession`, which continues the previous call's session (SSO).
   */
  authorize(authorizationUrl: string, login: string, options?: { reuseSession?: boolean }): Promise<URL>;
  /** Writes caPem to `dir/test-idp-ca.pem` and returns the path. */
  writeCaFile(dir: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestIdpOptions {
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** Initial accounts; each one's login name is its `sub`. */
  accounts?: IdpAccount[];
  customClaims?: string[];
  acrValues?: string[];
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /** A fixed port, for a relying party configured before the IdP starts (the browser tests); default: any free one. */
  port?: number;
  /** A fixed client secret, for the same reason; default: a random one. */
  clientSecret?: string;
}

type Payload = Record<string, unknown>;

/** Model storage for oidc-provider: a Map per IdP, no expiry (the provider checks expiry itself). */
function memoryAdapter() {
  const store = new Map<string, Payload>();
  return (model: string) => {
    const key = (id: string) => `${model}:${id}`;
    const findBy = (field: string, value: string) =>
      [...store].find(([k, p]) => k.startsWith(`${model}:`) && p[field] === value)?.[1];
    return {
      upsert: async (id: string, payload: Payload) => void store.set(key(id), payload),
      find: async (id: string) => store.get(key(id)),
      findByUid: async (uid: string) => findBy('uid', uid),
      findByUserCode: async (userCode: string) => findBy('userCode', userCode),
      consume: async (id: string) => {
        const payload = store.get(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      destroy: async (id: string) => void store.delete(key(id)),
      revokeByGrantId: async (grantId: string) => {
        for (const [k, p] of store) if (p.grantId === grantId) store.delete(k);
      },
    };
  };
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body><main><h1>${title}</h1>${body}</main></body></html>`;

const loginPage = (uid: string) =>
  page(
    'Test IdP sign-in',
    `<form method="post" action="/interaction/${escapeHtml(uid)}"><label for="login">Login</label>` +
      '<input id="login" name="login" type="text" autocomplete="username" autofocus> <button type="submit">Sign in</button></form>',
  );

async function readForm(ctx: KoaContext): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

type Cookie = { name: string; value: string; path: string };

function storeCookies(jar: Map<string, Cookie>, res: Response, url: URL): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const cookie = { name: pair.slice(0, eq), value: pair.slice(eq + 1), path: url.pathname.replace(/\/[^/]*$/, '') };
    let expired = cookie.value === '';
    for (const attribute of attributes) {
      const [name = '', value = ''] = attribute.split('=');
      if (name.toLowerCase() === 'path') cookie.path = value;
      if (name.toLowerCase() === 'max-age' && Number(value) <= 0) expired = true;
      if (name.toLowerCase() === 'expires' && Date.parse(value) < Date.now()) expired = true;
    }
    const key = `${cookie.path} ${cookie.name}`;
    if (expired) jar.delete(key);
    else jar.set(key, cookie);
  }
}

function cookieHeader(jar: Map<string, Cookie>, url: URL): string {
  const matches = (p: string) => url.pathname === p || url.pathname.startsWith(p.endsWith('/') ? p : `${p}/`);
  return [...jar.values()]
    .filter((c) => matches(c.path || '/'))
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
}

export async function startTestIdp(options: TestIdpOptions): Promise<TestIdp> {
  const tls = await createTestCertificates();
  const server = createServer({ key: tls.keyPem, cert: tls.certPem });
  server.listen(options.port ?? 0, '127.0.0.1');
  await once(server, 'listening');
  const issuer = `https://localhost:${(server.address() as AddressInfo).port}`;

  const accounts = new Map((options.accounts ?? []).map((a) => [a.sub, a]));
  const customClaims = [
    ...new Set([
      ...(options.customClaims ?? []),
      ...(options.accounts ?? []).flatMap((a) => Object.keys(a.claims ?? {})),
      'tma_roles',
    ]),
  ];
  const signingKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const foreignKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const clientId = 'tma-test-client';
  const clientSecret = options.clientSecret ?? randomBytes(32).toString('base64url');

  const provider = new Provider(issuer, {
    adapter: memoryAdapter(),
    jwks: { keys: [{ ...signingKey.export({ format: 'jwk' }), kid: 'test-idp-es256', alg: 'ES256', use: 'sig' }] },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris ?? [],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: options.tokenEndpointAuthMethod ?? 'client_secret_basic',
        id_token_signed_response_alg: 'ES256',
        require_auth_time: true,
      },
    ],
    pkce: { required: () => true },
    acrValues: options.acrValues ?? ['urn:tma:test:pwd', 'urn:tma:test:mfa'],
    claims: {
      openid: ['sub', 'acr', 'amr', 'auth_time', ...customClaims],
      email: ['email', 'email_verified'],
      profile: ['name'],
      tma: customClaims,
    },
    conformIdTokenClaims: false,
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    clientBasedCORS: () => false,
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // Confirms at once: the RP asked for the logout, and a browser test sees no extra page.
        logoutSource: async (ctx: KoaContext, form: string) => {
          ctx.body = page(
            'Test IdP sign-out',
            `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>` +
              '<script>document.forms[0].requestSubmit(document.querySelector("button"))</script>',
          );
        },
        postLogoutSuccessSource: async (ctx: KoaContext) => {
          ctx.body = page('Test IdP: signed out', '');
        },
      },
    },
    interactions: { url: async (_ctx: KoaContext, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    renderError: async (ctx: KoaContext, out: Record<string, string>) => {
      ctx.type = 'html';
      ctx.body = page('Test IdP error', `<pre>${escapeHtml(JSON.stringify(out, null, 2))}</pre>`);
    },
    findAccount: async (_ctx: KoaContext, sub: string) => {
      const account = [...accounts.values()].find((a) => a.sub === sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        claims: async () => ({
          ...account.claims,
          sub,
          ...(account.email === undefined ? {} : { email: account.email, email_verified: true }),
          ...(account.name === undefined ? {} : { name: account.name }),
        }),
      };
    },
  });

  const logins: string[] = [];

  // The login page and silent consent, at interactions.url.
  provider.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/interaction/')) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    let result: InteractionResult;
    if (details.prompt.name === 'login') {
      if (ctx.method !== 'POST') {
        ctx.type = 'html';
        ctx.body = loginPage(details.uid);
        return;
      }
      const login = (await readForm(ctx)).get('login') ?? '';
      logins.push(login);
      const account = idp.accounts.get(login);
      result = account
        ? { login: { accountId: account.sub, acr: account.acr, amr: account.amr } }
        : { error: 'access_denied', error_description: 'unknown login at the test IdP' };
    } else if (details.prompt.name === 'consent' && details.session) {
      const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = details.prompt.details;
      const grant =
        (details.grantId === undefined ? undefined : await provider.Grant.find(details.grantId)) ??
        new provider.Grant({ accountId: details.session.accountId, clientId });
      if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
      if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
      for (const [resource, scopes] of Object.entries(missingResourceScopes ?? {})) {
        grant.addResourceScope(resource, scopes.join(' '));
      }
      result = { consent: { grantId: await grant.save() } };
    } else {
      throw new Error(`test IdP: unexpected prompt ${details.prompt.name}`);
    }
    ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result));
    ctx.status = 303;
  });

  // ID token tampering in token responses.
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: unknown } | undefined;
    const rewrite = idp.tamperIdToken;
    if (ctx.path !== '/token' || typeof body?.id_token !== 'string') return;
    if (rewrite === undefined && idp.signWith === 'provider') return;
    const [header = '', payload = ''] = body.id_token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const input = `${header}.${Buffer.from(JSON.stringify(rewrite ? rewrite(claims) : claims)).toString('base64url')}`;
    const key = idp.signWith === 'foreign' ? foreignKey : signingKey;
    const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    ctx.body = { ...body, id_token: `${input}.${signature}` };
  });

  server.on('request', provider.callback());

  const fetch = fetchTrusting(tls.caPem);
  let sessionJar = new Map<string, Cookie>();

  const idp: TestIdp = {
    issuer,
    endSessionEndpoint: `${issuer}/session/end`,
    caPem: tls.caPem,
    spkiHash: tls.spkiHash,
    clientId,
    clientSecret,
    accounts,
    logins,
    tamperIdToken: undefined,
    signWith: 'provider',
    fetch,
    async authorize(authorizationUrl, login, { reuseSession = false } = {}) {
      const jar = reuseSession ? sessionJar : new Map<string, Cookie>();
      sessionJar = jar;
      let url = new URL(authorizationUrl);
      let form: URLSearchParams | undefined;
      for (let hop = 0; hop < 20; hop++) {
        const res = await fetch(url, {
          method: form ? 'POST' : 'GET',
          body: form,
          headers: { cookie: cookieHeader(jar, url) },
          redirect: 'manual',
        });
        storeCookies(jar, res, url);
        form = undefined;
        const location = res.headers.get('location');
        if (res.status >= 300 && res.status < 400 && location !== null) {
          url = new URL(location, url);
          if (options.redirectUris.some((uri) => url.href.startsWith(uri))) return url;
          continue;
        }
        const html = await res.text();
        const action = /<form method="post" action="([^"]+)"><label for="login">/.exec(html)?.[1];
        if (res.status !== 200 || action === undefined) {
          throw new Error(`test IdP: unexpected ${res.status} from ${url.href}: ${html.slice(0, 1000)}`);
        }
        url = new URL(action, url);
        form = new URLSearchParams({ login });
      }
      throw new Error('test IdP: too many redirects');
    },
    async writeCaFile(dir) {
      const file = path.join(dir, 'test-idp-ca.pem');
      await writeFile(file, tls.caPem, { mode: 0o600 });
      return file;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
  return idp;
}
