import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Kysely } from 'kysely';
import type { PasskeyAuthenticationResponse, PasskeyRegistrationResponse } from '../../../contract/mfa.ts';
import type { DB, WebauthnChallengeTable } from '../../platform/db/schema.ts';
import { passkeysRepository } from './passkeys.repository.ts';

/**
 * The WebAuthn ceremonies. The relying party is TMA_PUBLIC_URL: its host is the RP id and its
 * origin the only origin accepted, so a passkey made for TMA answers nowhere else and a response
 * collected on another site (phishing) fails here. User verification (PIN or biometrics) is
 * required in every ceremony: a passkey is then two factors at once, which is what lets it sign
 * in alone.
 */
export interface RelyingParty {
  readonly id: string;
  readonly name: string;
  readonly origin: string;
}

export function relyingPartyOf(publicOrigin: string): RelyingParty {
  const url = new URL(publicOrigin);
  return { id: url.hostname, name: 'TMA', origin: url.origin };
}

const CHALLENGE_MS = 5 * 60_000;

/**
 * EdDSA, ES256 and RS256. The library would offer post-quantum ML-DSA first where Node has it, and an
 * authenticator that takes it (Chromium's does) makes a passkey whose 2.4 to 4.6 kB signatures outgrow the
 * bounds of the contract: it would register and never sign in. Widen both together when that is wanted.
 */
const ALGORITHMS = [-8, -7, -257];
/** The transports of WebAuthn Level 3 (AuthenticatorTransport). */
const KNOWN_TRANSPORTS: ReadonlySet<string> = new Set([
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
]);

export type PasskeyFailure = 'challenge' | 'unknown_credential' | 'other_user' | 'verification' | 'counter';

/** A response that proves nothing; `reason` goes to the audit trail, never to the client. */
export class PasskeyError extends Error {
  readonly reason: PasskeyFailure;
  /** The account the passkey belongs to, once known (for the audit trail). */
  readonly userId: string | null;
  constructor(reason: PasskeyFailure, userId: string | null = null) {
    super(`passkey refused: ${reason}`);
    this.name = 'PasskeyError';
    this.reason = reason;
    this.userId = userId;
  }
}

/** The user handle stored in the passkey: the account id's 16 bytes, nothing personal. */
export function userHandleOf(userId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(userId.replaceAll('-', ''), 'hex'));
}

function challengeOf(clientDataJSON: string): string {
  try {
    const data: unknown = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
    if (typeof data === 'object' && data !== null && 'challenge' in data && typeof data.challenge === 'string') {
      return data.challenge;
    }
  } catch {
    // falls through: a response without a readable challenge answers no challenge of ours
  }
  throw new PasskeyError('challenge');
}

async function spend(
  db: Kysely<DB>,
  clientDataJSON: string,
  purpose: WebauthnChallengeTable['purpose'],
  sessionId: string | null,
  now: Date,
): Promise<string> {
  const challenge = challengeOf(clientDataJSON);
  if (!(await passkeysRepository.spendChallenge(db, challenge, purpose, sessionId, now))) {
    throw new PasskeyError('challenge');
  }
  return challenge;
}

export async function registrationOptions(
  db: Kysely<DB>,
  rp: RelyingParty,
  user: { readonly id: string; readonly email: string; readonly displayName: string },
  sessionId: string,
  now: Date,
) {
  const existing = await passkeysRepository.listOfUser(db, user.id);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.email,
    userID: userHandleOf(user.id),
    userDisplayName: user.displayName,
    attestationType: 'none',
    // The same authenticator twice would be one factor counted twice.
    excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: p.transports })),
    // Discoverable, so that it can sign in without an e-mail address first.
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
    timeout: CHALLENGE_MS,
    supportedAlgorithmIDs: ALGORITHMS,
  });
  await passkeysRepository.saveChallenge(
    db,
    options.challenge,
    'register',
    sessionId,
    new Date(now.getTime() + CHALLENGE_MS),
  );
  return options;
}

export async function verifyRegistration(
  db: Kysely<DB>,
  rp: RelyingParty,
  response: PasskeyRegistrationResponse,
  sessionId: string,
  now: Date,
) {
  const challenge = await spend(db, response.response.clientDataJSON, 'register', sessionId, now);
  const result = await verifyRegistrationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    requireUserVerification: true,
    supportedAlgorithmIDs: ALGORITHMS,
  }).catch(() => undefined);
  if (result?.verified !== true) throw new PasskeyError('verification');
  const { credential, credentialBackedUp } = result.registrationInfo;
  // The id comes from the authenticator's data: one we could not store, or not look up again, is refused here.
  if (credential.id.length < 16 || credential.id.length > 1400) throw new PasskeyError('verification');
  return {
    credentialId: credential.id,
    publicKey: credential.publicKey,
    counter: credential.counter,
    // Stored and shown in the clear, so only the transports WebAuthn defines: a browser may send others, which it ignores too.
    transports: (credential.transports ?? []).filter((t) => KNOWN_TRANSPORTS.has(t)),
    backedUp: credentialBackedUp,
  };
}

/**
 * Options for navigator.credentials.get(): for a signed-in session (the second step of a sign-in,
 * a step-up) limited to the user's own passkeys; for a sign-in with a passkey alone open to any.
 */
export async function authenticationOptions(
  db: Kysely<DB>,
  rp: RelyingParty,
  purpose: 'verify' | 'sign_in',
  session: { readonly id: string; readonly userId: string } | null,
  now: Date,
) {
  const allowCredentials =
    session === null
      ? undefined
      : (await passkeysRepository.listOfUser(db, session.userId)).map((p) => ({
          id: p.credential_id,
          transports: p.transports,
        }));
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    userVerification: 'required',
    timeout: CHALLENGE_MS,
    ...(allowCredentials !== undefined ? { allowCredentials } : {}),
  });
  await passkeysRepository.saveChallenge(
    db,
    options.challenge,
    purpose,
    session?.id ?? null,
    new Date(now.getTime() + CHALLENGE_MS),
  );
  return options;
}

/**
 * Checks an answer to one of our challenges and records the passkey's use. `userId` is the
 * signed-in user the passkey must belong to, or null for a sign-in with a passkey alone (then the
 * passkey names the user, and its stored user handle must agree). Answers the passkey's user.
 */
export async function verifyAuthentication(
  db: Kysely<DB>,
  rp: RelyingParty,
  response: PasskeyAuthenticationResponse,
  purpose: 'verify' | 'sign_in',
  session: { readonly id: string; readonly userId: string } | null,
  now: Date,
): Promise<{ userId: string; passkeyId: string }> {
  const challenge = await spend(db, response.response.clientDataJSON, purpose, session?.id ?? null, now);
  const passkey = await passkeysRepository.byCredentialId(db, response.id);
  if (passkey === undefined) throw new PasskeyError('unknown_credential');
  const owner = passkey.user_id;
  if (session !== null && owner !== session.userId) throw new PasskeyError('other_user', session.userId);
  // Signing in alone, the passkey must say whose it is (WebAuthn requires the handle of discoverable credentials).
  const handle = response.response.userHandle;
  if (session === null && handle === undefined) throw new PasskeyError('other_user', owner);
  if (handle !== undefined && handle !== Buffer.from(userHandleOf(owner)).toString('base64url')) {
    throw new PasskeyError('other_user', owner);
  }
  const result = await verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.id,
    requireUserVerification: true,
    credential: {
      id: passkey.credential_id,
      publicKey: new Uint8Array(passkey.public_key),
      counter: Number(passkey.counter),
      transports: passkey.transports,
    },
  }).catch((e: unknown) => {
    throw new PasskeyError(e instanceof Error && /counter/i.test(e.message) ? 'counter' : 'verification');
  });
  if (!result.verified) throw new PasskeyError('verification');
  if (
    !(await passkeysRepository.recordUse(db, passkey.id, passkey.counter, result.authenticationInfo.newCounter, now))
  ) {
    throw new PasskeyError('counter');
  }
  return { userId: passkey.user_id, passkeyId: passkey.id };
}
