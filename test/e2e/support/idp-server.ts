import { writeFile } from 'node:fs/promises';
import { startTestIdp } from '../../support/oidc-idp.ts';
import { IDP, SSO_ACCOUNTS } from './sso.ts';

/**
 * The identity provider of the single-sign-on journey (test/e2e/sso.spec.ts), run by Playwright as one of its web
 * servers: a real oidc-provider over HTTPS with a CA made at start. The TMA server is configured before this one
 * runs (fixed port, client secret and CA file path); it reads the CA file at its first sign-in through the
 * provider, by when this process has written it. Runs until Playwright stops it.
 */
const rp = process.env.TMA_E2E_SSO_RP;
const caFile = process.env.TMA_E2E_SSO_CA_FILE;
if (rp === undefined || caFile === undefined) throw new Error('idp-server: TMA_E2E_SSO_RP and TMA_E2E_SSO_CA_FILE');

const idp = await startTestIdp({
  port: IDP.port,
  clientSecret: IDP.clientSecret,
  redirectUris: [`${rp}/api/sso/callback`],
  postLogoutRedirectUris: [`${rp}/sign-in`],
  accounts: SSO_ACCOUNTS,
});
await writeFile(caFile, idp.caPem);
process.stdout.write(`test IdP at ${idp.issuer}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => void idp.close().then(() => process.exit(0)));
