import { z } from 'zod';

/** Multi-factor authentication: authenticator apps (TOTP) and recovery codes. See docs/accounts.md. */

/** A six-digit code of the authenticator app. */
export const TotpCode = z.string().regex(/^\d{6}$/, 'six digits');
/** A recovery code as shown at enrolment: ten letters and digits in two groups of five, e.g. "k3m9q-7xw2p". */
export const RecoveryCode = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]{5}-?[a-z0-9]{5}$/, 'a recovery code has ten letters and digits');

/** The second step of a sign-in: a code of the authenticator app, or one of the recovery codes. */
export const MfaChallengeRequest = z
  .union([z.strictObject({ code: TotpCode }), z.strictObject({ recoveryCode: RecoveryCode })])
  .meta({ id: 'MfaChallengeRequest' });
export type MfaChallengeRequest = z.input<typeof MfaChallengeRequest>;

export const MfaStatus = z
  .strictObject({
    totp: z.strictObject({ enrolled: z.boolean(), enrolledAt: z.iso.datetime().nullable() }),
    recoveryCodesLeft: z.number().int(),
  })
  .meta({ id: 'MfaStatus' });
export type MfaStatus = z.infer<typeof MfaStatus>;

/**
 * A started enrolment: the secret to put into the authenticator app, as a QR code of `uri` or
 * typed in as `secret` (base32, shown in groups of four). Confirm with a code to finish.
 */
export const TotpEnrolment = z
  .strictObject({ secret: z.string(), uri: z.string(), expiresAt: z.iso.datetime() })
  .meta({ id: 'TotpEnrolment' });
export type TotpEnrolment = z.infer<typeof TotpEnrolment>;

export const TotpConfirmRequest = z.strictObject({ code: TotpCode }).meta({ id: 'TotpConfirmRequest' });

/** Ten single-use recovery codes, shown this once: only their digests are stored. */
export const RecoveryCodes = z
  .strictObject({ recoveryCodes: z.array(z.string()).length(10) })
  .meta({ id: 'RecoveryCodes' });
export type RecoveryCodes = z.infer<typeof RecoveryCodes>;
