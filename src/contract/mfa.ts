import { z } from 'zod';
import { uuid } from './uuid.ts';

/** Multi-factor authentication: authenticator apps (TOTP), passkeys and recovery codes. See docs/accounts.md. */

/** A six-digit code of the authenticator app. */
export const TotpCode = z.string().regex(/^\d{6}$/, 'six digits');
/** A recovery code as shown at enrolment: ten letters and digits in two groups of five, e.g. "k3m9q-7xw2p". */
export const RecoveryCode = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]{5}-?[a-z0-9]{5}$/, 'a recovery code has ten letters and digits');

/** base64url as WebAuthn's JSON encodings use it; bounded, since it arrives from anyone. */
const B64u = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[A-Za-z0-9_-]*$/, 'base64url');
const Transports = z.array(z.string().max(20)).max(8).optional();
const ExtensionResults = z.record(z.string(), z.unknown()).optional().default({});

/** What the browser's navigator.credentials.create() answered, in WebAuthn's JSON form. */
export const PasskeyRegistrationResponse = z
  .object({
    id: B64u(1400),
    rawId: B64u(1400),
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: B64u(4000),
      attestationObject: B64u(16000),
      transports: Transports,
      authenticatorData: B64u(16000).optional(),
      publicKey: B64u(2000).optional(),
      publicKeyAlgorithm: z.number().int().optional(),
    }),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
    clientExtensionResults: ExtensionResults,
  })
  .meta({ id: 'PasskeyRegistrationResponse' });
export type PasskeyRegistrationResponse = z.infer<typeof PasskeyRegistrationResponse>;

/** What the browser's navigator.credentials.get() answered, in WebAuthn's JSON form. */
export const PasskeyAuthenticationResponse = z
  .object({
    id: B64u(1400),
    rawId: B64u(1400),
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: B64u(4000),
      authenticatorData: B64u(16000),
      signature: B64u(2000),
      userHandle: B64u(200).optional(),
    }),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
    clientExtensionResults: ExtensionResults,
  })
  .meta({ id: 'PasskeyAuthenticationResponse' });
export type PasskeyAuthenticationResponse = z.infer<typeof PasskeyAuthenticationResponse>;

/**
 * The options for navigator.credentials.create() or .get(), in WebAuthn's JSON form (pass them to
 * @simplewebauthn/browser as they are). Its challenge works once, for five minutes.
 */
export const PasskeyOptions = z.record(z.string(), z.unknown()).meta({ id: 'PasskeyOptions' });
export type PasskeyOptions = z.infer<typeof PasskeyOptions>;

/** The second step of a sign-in: a code of the authenticator app, a passkey, or one of the recovery codes. */
export const MfaChallengeRequest = z
  .union([
    z.strictObject({ code: TotpCode }),
    z.strictObject({ recoveryCode: RecoveryCode }),
    z.strictObject({ passkey: PasskeyAuthenticationResponse }),
  ])
  .meta({ id: 'MfaChallengeRequest' });
export type MfaChallengeRequest = z.infer<typeof MfaChallengeRequest>;

export const PasskeySummary = z
  .strictObject({
    id: uuid(),
    name: z.string(),
    createdAt: z.iso.datetime(),
    lastUsedAt: z.iso.datetime().nullable(),
    /** Synced across the user's devices by their platform, rather than bound to one. */
    synced: z.boolean(),
  })
  .meta({ id: 'PasskeySummary' });
export type PasskeySummary = z.infer<typeof PasskeySummary>;

export const MfaStatus = z
  .strictObject({
    totp: z.strictObject({ enrolled: z.boolean(), enrolledAt: z.iso.datetime().nullable() }),
    passkeys: z.array(PasskeySummary),
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

/** A name the user gives a passkey to tell it from their others, e.g. "Work laptop". */
export const PasskeyName = z.string().trim().min(1, 'give the passkey a name').max(60);

export const PasskeyRegistrationRequest = z
  .strictObject({ name: PasskeyName, response: PasskeyRegistrationResponse })
  .meta({ id: 'PasskeyRegistrationRequest' });
export type PasskeyRegistrationRequest = z.infer<typeof PasskeyRegistrationRequest>;

/** A registered passkey; recovery codes (shown once) when it is the account's first second factor. */
export const PasskeyRegistered = z
  .strictObject({ passkey: PasskeySummary, recoveryCodes: z.array(z.string()).length(10).nullable() })
  .meta({ id: 'PasskeyRegistered' });
export type PasskeyRegistered = z.infer<typeof PasskeyRegistered>;

/** A sign-in with a passkey alone: it proves possession and, with user verification, the person. */
export const PasskeySignInRequest = z
  .strictObject({ response: PasskeyAuthenticationResponse })
  .meta({ id: 'PasskeySignInRequest' });
