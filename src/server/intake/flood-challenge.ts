import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A proof of work for the anonymous channel under a flood (SECURITY.md item 29; docs/intake.md):
 * the per-address limit does not hold back a flood from many addresses, so when more anonymous
 * reports arrive in a minute than `threshold`, each further one must bring the solution of a
 * challenge: a nonce such that SHA-256(seed ":" nonce) begins with `difficulty` zero bits. A
 * browser finds one in a second or two; a flood pays that for every report.
 *
 * Challenges are stateless (the seed carries its expiry and an HMAC under a key drawn at start)
 * and single-use (a spent seed is remembered until it expires). Nothing here knows an address:
 * the counts are of reports, all together.
 */
export interface ChallengeOptions {
  /** Reports per minute, from everyone together, above which a proof is required. */
  readonly threshold: number;
  /** Leading zero bits of the hash. */
  readonly difficulty: number;
  readonly ttlMs?: number;
}

export interface Challenge {
  readonly seed: string;
  readonly difficulty: number;
}

export interface Proof {
  readonly seed: string;
  readonly nonce: string;
}

const MINUTE = 60_000;
const MAX_SPENT = 1_000_000;

export function leadingZeroBits(digest: Buffer): number {
  let bits = 0;
  for (const byte of digest) {
    if (byte === 0) {
      bits += 8;
      continue;
    }
    return bits + Math.clz32(byte) - 24;
  }
  return bits;
}

export const workOf = (seed: string, nonce: string): Buffer => createHash('sha256').update(`${seed}:${nonce}`).digest();

export class FloodChallenge {
  readonly #key = randomBytes(32);
  readonly #threshold: number;
  readonly #difficulty: number;
  readonly #ttlMs: number;
  /** Arrival minute → reports counted in it (the current and the previous minute only). */
  #counts = new Map<number, number>();
  /** Spent seeds until they expire, in the order they were spent (and so, nearly, of expiry). */
  readonly #spent = new Map<string, number>();
  #sweptAt = 0;

  constructor(options: ChallengeOptions) {
    this.#threshold = options.threshold;
    this.#difficulty = options.difficulty;
    this.#ttlMs = options.ttlMs ?? 10 * MINUTE;
  }

  /** Whether reports must bring a proof now: the last full minute or this one went past the threshold. */
  required(now: number): boolean {
    const minute = Math.floor(now / MINUTE);
    return (this.#counts.get(minute) ?? 0) > this.#threshold || (this.#counts.get(minute - 1) ?? 0) > this.#threshold;
  }

  /** Counts one report that was let through. */
  count(now: number): void {
    const minute = Math.floor(now / MINUTE);
    this.#counts.set(minute, (this.#counts.get(minute) ?? 0) + 1);
    for (const m of this.#counts.keys()) if (m < minute - 1) this.#counts.delete(m);
  }

  issue(now: number): Challenge {
    const body = `${(now + this.#ttlMs).toString(36)}.${randomBytes(12).toString('base64url')}`;
    return { seed: `${body}.${this.#mac(body)}`, difficulty: this.#difficulty };
  }

  /** Whether the proof solves a challenge of ours that has not expired and was not spent; spends it. */
  accept(proof: Proof, now: number): boolean {
    this.#sweep(now);
    // Bounded: a flood of solved seeds cannot grow the map past what ten minutes of work can solve.
    if (this.#spent.size >= MAX_SPENT) return false;
    const parts = proof.seed.split('.');
    if (parts.length !== 3 || proof.nonce.length > 64) return false;
    const [expiry, random, mac] = parts as [string, string, string];
    const expected = Buffer.from(this.#mac(`${expiry}.${random}`));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    const expires = Number.parseInt(expiry, 36);
    if (!Number.isFinite(expires) || expires <= now || this.#spent.has(proof.seed)) return false;
    if (leadingZeroBits(workOf(proof.seed, proof.nonce)) < this.#difficulty) return false;
    this.#spent.set(proof.seed, expires);
    return true;
  }

  /** Drops expired seeds, oldest first, at most once a second: not a walk of the whole map per request. */
  #sweep(now: number): void {
    if (now - this.#sweptAt < 1000) return;
    this.#sweptAt = now;
    for (const [seed, expires] of this.#spent) {
      if (expires > now) break;
      this.#spent.delete(seed);
    }
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest('base64url').slice(0, 22);
  }
}
