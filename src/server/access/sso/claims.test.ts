import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROLES } from '../../../contract/accounts.ts';
import { loadConfig, type OidcConfig } from '../../config.ts';
import { providerAssertsMfa, roleConfirmed, rolesAsserted, verifiedEmail } from './claims.ts';

function oidc(env: Record<string, string> = {}): OidcConfig {
  const config = loadConfig({
    TMA_OIDC_ISSUER: 'https://idp.example.com',
    TMA_OIDC_CLIENT_ID: 'tma',
    TMA_OIDC_CLIENT_SECRET: 'secret',
    ...env,
  });
  assert.ok(config.oidc);
  return config.oidc;
}

test('the provider asserts MFA only through a configured acr or amr value', () => {
  const none = oidc();
  assert.equal(providerAssertsMfa(none, { acr: 'anything', amr: ['mfa'] }), false, 'nothing configured: never');
  const acr = oidc({ TMA_OIDC_MFA_ACR_VALUES: 'urn:mfa, urn:phr' });
  assert.equal(providerAssertsMfa(acr, { acr: 'urn:phr' }), true);
  assert.equal(providerAssertsMfa(acr, { acr: 'urn:pwd' }), false);
  assert.equal(providerAssertsMfa(acr, { acr: ['urn:mfa'] }), false, 'acr is a string, not a list');
  const amr = oidc({ TMA_OIDC_MFA_AMR_VALUES: 'mfa,hwk' });
  assert.equal(providerAssertsMfa(amr, { amr: ['pwd', 'hwk'] }), true);
  assert.equal(providerAssertsMfa(amr, { amr: ['pwd'] }), false);
  assert.equal(providerAssertsMfa(amr, { amr: 'mfa' }), false, 'amr is a list');
});

test('roles from the claim: mapped values, role names without a map, nothing without a claim', () => {
  assert.equal(rolesAsserted(oidc(), { groups: ['admin'] }, ROLES), undefined);
  const named = oidc({ TMA_OIDC_ROLE_CLAIM: 'roles' });
  assert.deepEqual(
    [...(rolesAsserted(named, { roles: ['threat_manager', 'superuser'] }, ROLES) ?? [])],
    ['threat_manager'],
  );
  assert.deepEqual([...(rolesAsserted(named, { roles: 'expert team_lead' }, ROLES) ?? [])], ['expert', 'team_lead']);
  const mapped = oidc({ TMA_OIDC_ROLE_CLAIM: 'groups', TMA_OIDC_ROLE_MAP: 'tm-group=threat_manager, leads=team_lead' });
  assert.deepEqual(
    [...(rolesAsserted(mapped, { groups: ['tm-group', 'threat_manager'] }, ROLES) ?? [])],
    ['threat_manager'],
  );
  assert.deepEqual([...(rolesAsserted(mapped, { groups: 42 }, ROLES) ?? [])], []);
});

test("a role needs the provider's word only when a role claim is configured; reporter never does", () => {
  assert.equal(roleConfirmed(undefined, 'admin'), true);
  assert.equal(roleConfirmed(new Set(), 'reporter'), true);
  assert.equal(roleConfirmed(new Set(), 'threat_manager'), false);
  assert.equal(roleConfirmed(new Set(['threat_manager'] as const), 'threat_manager'), true);
});

test('an e-mail address for a new account only when the provider does not deny having verified it', () => {
  assert.equal(verifiedEmail({ email: ' Rita@Example.TEST ' }), 'rita@example.test');
  assert.equal(verifiedEmail({ email: 'rita@example.test', email_verified: false }), undefined);
  assert.equal(verifiedEmail({ email: 'not an address' }), undefined);
  assert.equal(verifiedEmail({}), undefined);
});

test('configuration: https issuers only, all three settings together, a role map needs its claim', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (e) {
      return (e as { problems: string[] }).problems;
    }
  };
  const base = { TMA_OIDC_CLIENT_ID: 'tma', TMA_OIDC_CLIENT_SECRET: 'secret' };
  assert.match(
    problems({ ...base, TMA_OIDC_ISSUER: 'http://idp.example.com' }).join(),
    /TMA_OIDC_ISSUER: must be an https URL/,
  );
  assert.match(problems({ TMA_OIDC_ISSUER: 'https://idp.example.com' }).join(), /must be set together/);
  assert.match(
    problems({ ...base, TMA_OIDC_ISSUER: 'https://idp.example.com', TMA_OIDC_ROLE_MAP: 'g=threat_manager' }).join(),
    /TMA_OIDC_ROLE_MAP is set but TMA_OIDC_ROLE_CLAIM is not/,
  );
  assert.match(
    problems({
      ...base,
      TMA_OIDC_ISSUER: 'https://idp.example.com',
      TMA_OIDC_ROLE_CLAIM: 'g',
      TMA_OIDC_ROLE_MAP: 'g=superuser',
    }).join(),
    /is not claim-value=role/,
  );
});
