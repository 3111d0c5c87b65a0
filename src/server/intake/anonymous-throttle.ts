import { createHmac, randomBytes } from 'node:crypto';
import { ipPrefix } from '../access/throttle.ts';

/**
 * Flood protection for the anonymous channel (SECURITY.md item 29): counts per client address,
 * in memory only, under a keyed hash whose key is drawn at start and never leaves the process. A
 * plain hash of an IPv4 address is reversed by trying all 2^32; without the key, the counts name
 * nobody, and they are gone with the process. Each address gets `limit` requests per window; IPv6
 * clients count per /64. The map is bounded: past `maxKeys` addresses, the oldest window goes.
 */
export class AnonymousThrottle {
  readonly #key = randomBytes(32);
  readonly #windows = new Map<string, { start: number; count: number }>();
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;

  readonly #keyOf: (who: string) => string;

  /** `keyOf`: what is counted of `who`; an address's prefix (IPv6 per /64) unless told otherwise (an account's id). */
  constructor(options: {
    readonly limit: number;
    readonly windowMs: number;
    readonly maxKeys?: number;
    readonly keyOf?: (who: string) => string;
  }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#maxKeys = options.maxKeys ?? 100_000;
    this.#keyOf = options.keyOf ?? ipPrefix;
  }

  /** Counts one request of this address; 0 when it may go on, else how many milliseconds to wait. */
  take(address: string, now: number): number {
    const name = createHmac('sha256', this.#key).update(this.#keyOf(address)).digest('base64url');
    const current = this.#windows.get(name);
    if (current === undefined || now - current.start >= this.#windowMs) {
      this.#windows.delete(name);
      while (this.#windows.size >= this.#maxKeys) {
        const oldest = this.#windows.keys().next().value;
        if (oldest === undefined) break;
        this.#windows.delete(oldest);
      }
      this.#windows.set(name, { start: now, count: 1 });
      return 0;
    }
    if (current.count >= this.#limit) return current.start + this.#windowMs - now;
    current.count += 1;
    return 0;
  }

  /** How many addresses are counted now (for tests and metrics; never which). */
  get size(): number {
    return this.#windows.size;
  }
}
