import { readFile } from 'node:fs/promises';
import * as client from 'openid-client';
import type { SsoErrorReason } from '../../../contract/sso.ts';
import type { OidcConfig } from '../../config.ts';
import { fetchTrusting } from './idp-fetch.ts';

/**
 * TMA as an OpenID Connect relying party (openid-client): authorization code with PKCE (S256),
 * state and nonce, a confidential client. The provider's metadata is discovered at the first use
 * and kept; a failed discovery is tried again at the next sign-in, so TMA starts even while the
 * provider is down. ID-token signatures are checked against the provider's keys
 * (enableNonRepudiationChecks): openid-client would otherwise trust any token that came over the
 * TLS connection, and TMA wants a forged or altered token refused whatever carried it.
 */
export interface AuthorizationRequest {
  readonly url: URL;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface RelyingPartyOptions {
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
}

/** The provider's part: its answer was missing, refused or not genuine. */
export type SsoFailure = Extract<
  SsoErrorReason,
  'cancelled' | 'unavailable' | 'state' | 'nonce' | 'issuer' | 'signature' | 'token'
>;

/** Why a callback was refused: the reason goes to the audit trail and picks the error page's text. */
export class SsoError extends Error {
  readonly reason: SsoFailure | SsoRefusal;
  /** The TMA account concerned, once known (for the audit trail). */
  readonly userId: string | null;
  constructor(reason: SsoFailure | SsoRefusal, userId?: string | null, cause?: unknown) {
    super(`single sign-on refused: ${reason}`, { cause });
    this.name = 'SsoError';
    this.reason = reason;
    this.userId = userId ?? null;
  }
}

/** Refusals of TMA's own rules, after the provider's answer was found genuine. */
export type SsoRefusal = Exclude<SsoErrorReason, SsoFailure>;

/** The chain of an error and its causes, for classification (never logged whole: causes may carry claims). */
function* chain(e: unknown): Generator<Error> {
  for (let x = e, depth = 0; x instanceof Error && depth < 5; x = x.cause, depth++) yield x;
}

/**
 * An outage, not an attack: the provider unreachable, too slow, or its TLS certificate not trusted (a
 * misconfiguration), which must not be recorded as a forged answer.
 */
function isOutage(e: unknown): boolean {
  for (const x of chain(e)) {
    const code = (x as { code?: unknown }).code;
    if (x.name === 'AbortError' || x.name === 'TimeoutError' || x.message === 'fetch failed') return true;
    if (typeof code === 'string' && /^(E[A-Z]+|ERR_TLS_.*|.*CERT.*|UNABLE_TO_.*|.*SELF_SIGNED.*)$/.test(code)) {
      return true;
    }
  }
  return false;
}

/** Sorts openid-client's errors into reasons: what the provider refused, what was unreachable, what was forged. */
export function failureOf(e: unknown): SsoFailure {
  if (e instanceof client.AuthorizationResponseError) {
    return e.error === 'server_error' || e.error === 'temporarily_unavailable' ? 'unavailable' : 'cancelled';
  }
  if (isOutage(e)) return 'unavailable';
  for (const x of chain(e)) {
    const claim = (x as { claim?: unknown }).claim;
    if (claim === 'nonce') return 'nonce';
    if (claim === 'iss') return 'issuer';
  }
  const text = [...chain(e)].map((x) => x.message).join(' ');
  if (/\bnonce\b/i.test(text)) return 'nonce';
  if (/\bstate\b/i.test(text)) return 'state';
  if (/\biss\b|issuer/i.test(text)) return 'issuer';
  if (/signature/i.test(text)) return 'signature';
  return 'token';
}

/** What may be logged of a refused answer: messages and codes, never the causes' payloads (claims). */
export function describeFailure(e: unknown): string {
  return [...chain(e)]
    .map((x) => {
      const code = (x as { code?: unknown }).code;
      return typeof code === 'string' ? `${x.message} [${code}]` : x.message;
    })
    .join(' <- ')
    .slice(0, 1000);
}

export class RelyingParty {
  readonly oidc: OidcConfig;
  readonly options: RelyingPartyOptions;
  #configuration: Promise<client.Configuration> | undefined;

  constructor(oidc: OidcConfig, options: RelyingPartyOptions) {
    this.oidc = oidc;
    this.options = options;
  }

  private configuration(): Promise<client.Configuration> {
    this.#configuration ??= this.discover().catch((e: unknown) => {
      this.#configuration = undefined;
      throw new SsoError('unavailable', null, e);
    });
    return this.#configuration;
  }

  private async discover(): Promise<client.Configuration> {
    const { oidc } = this;
    const fetch = oidc.caFile === undefined ? undefined : fetchTrusting(await readFile(oidc.caFile, 'utf8'));
    return client.discovery(oidc.issuer, oidc.clientId, undefined, client.ClientSecretBasic(oidc.clientSecret), {
      ...(fetch !== undefined ? { [client.customFetch]: fetch } : {}),
      execute: [client.enableNonRepudiationChecks],
      timeout: 10,
    });
  }

  /**
   * The URL to send the browser to. `reauthenticate` (a step-up) asks the provider to
   * authenticate the user anew (max_age=0, prompt=login) whatever session it holds.
   */
  async authorizationRequest(reauthenticate: boolean): Promise<AuthorizationRequest> {
    const config = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const params: Record<string, string> = {
      redirect_uri: this.options.redirectUri,
      scope: this.oidc.scopes,
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    };
    if (this.oidc.mfaAcrValues.length > 0) params.acr_values = this.oidc.mfaAcrValues.join(' ');
    if (reauthenticate) Object.assign(params, { max_age: '0', prompt: 'login' });
    return { url: client.buildAuthorizationUrl(config, params), state, nonce, codeVerifier };
  }

  /** Exchanges the code of a callback for the ID token's claims, after every check of openid-client. */
  async claimsOf(callbackUrl: URL, flow: { state: string; nonce: string; codeVerifier: string }) {
    const config = await this.configuration();
    try {
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (claims === undefined) throw new Error('no ID token');
      return { issuer: claims.iss, subject: claims.sub, claims: claims as Record<string, unknown> };
    } catch (e) {
      throw new SsoError(failureOf(e), null, e);
    }
  }

  /** Where to send the browser so that the provider ends its session too; undefined if it offers no such thing. */
  async endSessionUrl(): Promise<string | undefined> {
    try {
      const config = await this.configuration();
      if (config.serverMetadata().end_session_endpoint === undefined) return undefined;
      return client.buildEndSessionUrl(config, { post_logout_redirect_uri: this.options.postLogoutRedirectUri }).href;
    } catch {
      // The provider being down must not keep anyone signed in to TMA: the TMA session is ended already.
      return undefined;
    }
  }
}
