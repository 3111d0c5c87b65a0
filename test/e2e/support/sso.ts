import type { IdpAccount } from '../../support/oidc-idp.ts';
import { MAIN_PORT } from './servers.ts';

/**
 * The identity provider of the single-sign-on journey and what the TMA server 'sso' is told about it: fixed
 * before either starts, since Playwright starts its web servers from a static list.
 */
export const IDP = {
  port: MAIN_PORT + 20,
  issuer: `https://localhost:${MAIN_PORT + 20}`,
  clientId: 'tma-test-client',
  // Test only: the provider exists for the run's length on loopback.
  clientSecret: 'e2e-test-idp-client-secret-not-for-production',
  label: 'Example Corp',
  mfaAcr: 'urn:tma:test:mfa',
  passwordAcr: 'urn:tma:test:pwd',
} as const;

/** People at the provider: a reporter TMA does not know yet, and the threat manager who links their account. */
export const SSO_ACCOUNTS: IdpAccount[] = [
  {
    sub: 'rita',
    email: 'rita.reporter@example.org',
    name: 'Rita Reporter',
    claims: { tma_roles: [] },
    acr: IDP.passwordAcr,
  },
  {
    sub: 'tom',
    email: 'tom.manager@example.org',
    name: 'Tom Manager',
    claims: { tma_roles: ['tma-threat-managers'] },
    acr: IDP.mfaAcr,
    amr: ['pwd', 'otp'],
  },
];

/** The TMA server's single-sign-on settings for the journey. */
export function ssoServerEnv(caFile: string): Record<string, string> {
  return {
    TMA_OIDC_ISSUER: IDP.issuer,
    TMA_OIDC_CLIENT_ID: IDP.clientId,
    TMA_OIDC_CLIENT_SECRET: IDP.clientSecret,
    TMA_OIDC_CA_FILE: caFile,
    TMA_OIDC_LABEL: IDP.label,
    TMA_OIDC_ROLE_CLAIM: 'tma_roles',
    TMA_OIDC_ROLE_MAP: 'tma-threat-managers=threat_manager',
    TMA_OIDC_JIT_PROVISIONING: 'reporter',
    TMA_OIDC_MFA_ACR_VALUES: IDP.mfaAcr,
  };
}
