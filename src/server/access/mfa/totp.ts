import { generateSecret, generateURI, verifySync } from 'otplib';

/**
 * TOTP (RFC 6238) with the parameters every authenticator app understands: SHA-1, six digits,
 * 30-second steps, a 160-bit secret. A code is accepted one step early or late (clock drift), and
 * only for a step later than the last one accepted (stored per user), so a code works once.
 */
export const TOTP_PERIOD_SECONDS = 30;

export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

export function totpUri(secret: string, account: string): string {
  return generateURI({ issuer: 'TMA', label: account, secret });
}

/** The time step the code belongs to, or undefined when it is no code of the secret now. */
export function totpStep(secret: string, code: string, now: Date): number | undefined {
  const result = verifySync({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: TOTP_PERIOD_SECONDS,
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
