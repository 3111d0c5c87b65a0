import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256-bit random tokens (sessions, one-time links, setup), base64url: 43 characters. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only digests are stored: a copy of the database opens no session and no link. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The synchronizer token of a session, derived from its secret: nothing more to store. */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('tma csrf v1').digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}
