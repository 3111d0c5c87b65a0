/**
 * Why the browser's part of a passkey ceremony failed, in the words the UI has for it:
 *  - `cancelled`: the user closed the prompt, it timed out, or no passkey of this account was at hand (browsers
 *    deliberately answer all three alike, NotAllowedError, so that a site cannot probe for passkeys);
 *  - `exists`: this authenticator already holds a passkey of the account (excludeCredentials);
 *  - `unsupported`: no WebAuthn here, or no authenticator that can keep a passkey with user verification;
 *  - `failed`: anything else the authenticator or the browser refused.
 */
export type CeremonyFailure = 'cancelled' | 'exists' | 'unsupported' | 'failed';

/** A failure of the browser's part of the ceremony (not of the server's): shown in words, never raw. */
export class PasskeyCeremonyError extends Error {
  readonly reason: CeremonyFailure;
  constructor(reason: CeremonyFailure, cause?: unknown) {
    super(`passkey ceremony failed: ${reason}`, { cause });
    this.name = 'PasskeyCeremonyError';
    this.reason = reason;
  }
}

const BY_NAME: Readonly<Record<string, CeremonyFailure>> = {
  NotAllowedError: 'cancelled',
  AbortError: 'cancelled',
  InvalidStateError: 'exists',
  NotSupportedError: 'unsupported',
  ConstraintError: 'unsupported',
};

/**
 * The failure an error of @simplewebauthn/browser stands for. Its WebAuthnError keeps the DOMException's name;
 * a browser without WebAuthn gets a plain Error before any prompt.
 */
export function ceremonyFailure(error: unknown): CeremonyFailure {
  if (typeof window !== 'undefined' && window.PublicKeyCredential === undefined) return 'unsupported';
  const name = error instanceof Error ? error.name : undefined;
  return (name !== undefined ? BY_NAME[name] : undefined) ?? 'failed';
}
