import { createHash, randomInt } from 'node:crypto';

/** Letters and digits without the ones people confuse (0/o, 1/l/i). */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten codes of ten characters, about 49 bits each: "k3m9q-7xw2p". Shown once; only digests are kept. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: 10 }, () => {
    const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** Per user: one pass over all possible codes recovers no one else's from a dump. */
export function recoveryCodeHash(userId: string, code: string): string {
  const normalized = code.trim().toLowerCase().replace('-', '');
  return createHash('sha256').update(`tma recovery code:${userId}:${normalized}`).digest('hex');
}
