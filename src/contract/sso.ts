import { z } from 'zod';

/** Single sign-on with OpenID Connect. See docs/accounts.md. */

/** Whether single sign-on is configured, its button's words, and (signed in) whether my account is linked. */
export const SsoStatus = z
  .strictObject({ enabled: z.boolean(), label: z.string().nullable(), linked: z.boolean().nullable() })
  .meta({ id: 'SsoStatus' });
export type SsoStatus = z.infer<typeof SsoStatus>;

/** Where to come back to after a link or a step-up: a path of TMA itself (an open redirect would lend TMA's name to a phishing page). */
export const SsoStartRequest = z
  .strictObject({
    returnTo: z
      .string()
      .regex(/^\/(?![/\\])[\w\-./?=&%#]{0,200}$/, 'a path of TMA')
      .optional(),
  })
  .meta({ id: 'SsoStartRequest' });

/** The provider's address to send the browser to (a full-page navigation). */
export const SsoRedirect = z.strictObject({ url: z.url() }).meta({ id: 'SsoRedirect' });

/** Sign-out of a session that came through single sign-on: also end the session at the provider here. */
export const SignOutResult = z.strictObject({ logoutUrl: z.url() }).meta({ id: 'SignOutResult' });

/** Why a single sign-on failed, as the error page (/sign-in/sso-error?reason=…) names it. */
export const SSO_ERROR_REASONS = [
  'cancelled',
  'unavailable',
  'state',
  'nonce',
  'issuer',
  'signature',
  'token',
  'no_account',
  'email_missing',
  'email_in_use',
  'locked',
  'role_not_asserted',
  'identity_in_use',
  'already_linked',
  'other_subject',
  'not_recent',
] as const;
export type SsoErrorReason = (typeof SSO_ERROR_REASONS)[number];
