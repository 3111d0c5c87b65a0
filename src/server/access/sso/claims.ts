import type { Role } from '../../../contract/accounts.ts';
import type { OidcConfig } from '../../config.ts';

/**
 * What TMA reads from a verified ID token. Pure functions over its claims, so that each rule has
 * a unit test of its own (claims.test.ts).
 */
export type IdTokenClaims = Readonly<Record<string, unknown>>;

/**
 * Whether the provider asserts multi-factor authentication: one of the configured acr values, or
 * one of the configured amr values among the token's. Nothing configured: never (TMA then asks
 * for its own second factor).
 */
export function providerAssertsMfa(oidc: OidcConfig, claims: IdTokenClaims): boolean {
  const acr = claims.acr;
  if (typeof acr === 'string' && oidc.mfaAcrValues.includes(acr)) return true;
  const amr = claims.amr;
  return Array.isArray(amr) && amr.some((m) => typeof m === 'string' && oidc.mfaAmrValues.includes(m));
}

/**
 * The roles the provider's role claim grants: its values mapped through TMA_OIDC_ROLE_MAP, or taken
 * as role names when no map is set. undefined when no role claim is configured (the provider then
 * has no say about roles).
 */
export function rolesAsserted(
  oidc: OidcConfig,
  claims: IdTokenClaims,
  roleNames: readonly Role[],
): Set<Role> | undefined {
  if (oidc.roleClaim === undefined) return undefined;
  const raw = claims[oidc.roleClaim];
  const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(' ') : [];
  const roles = new Set<Role>();
  for (const value of values) {
    if (typeof value !== 'string') continue;
    const mapped = oidc.roleMap.size > 0 ? oidc.roleMap.get(value) : roleNames.find((r) => r === value);
    if (mapped !== undefined) roles.add(mapped);
  }
  return roles;
}

/**
 * A role is TMA's to grant (four-eyes); with a role claim configured the provider must assert it
 * too, so that leaving the group at the provider ends access to cases at the next sign-in.
 * Reporter needs no assertion: anyone in the company may report.
 */
export function roleConfirmed(asserted: Set<Role> | undefined, role: Role): boolean {
  return role === 'reporter' || asserted === undefined || asserted.has(role);
}

/** The e-mail address for a new account, when the provider vouches for it. */
export function verifiedEmail(claims: IdTokenClaims): string | undefined {
  const email = claims.email;
  if (typeof email !== 'string' || claims.email_verified === false) return undefined;
  const normalized = email.normalize('NFKC').trim().toLowerCase();
  return /^[^\s@]{1,64}@[^\s@]{1,255}$/.test(normalized) ? normalized : undefined;
}

export function displayNameOf(claims: IdTokenClaims): string | undefined {
  const name = claims.name ?? claims.preferred_username;
  return typeof name === 'string' && name.trim() !== '' ? name.trim().slice(0, 200) : undefined;
}
