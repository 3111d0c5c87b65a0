import { createCipheriv, createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/**
 * Full-text tokens: 64 bits for a (scope, word form) pair, unrelated between scopes, computed for
 * thousands of scopes at once (a query runs over every case the actor may see).
 *
 *   mask(scope)        = HMAC-SHA-256(K_mask, scope type ‖ 0 ‖ scope id), bytes 0 to 15
 *   bucket(scope)      = the same HMAC, bytes 16 and 17
 *   digest(form)       = HMAC-SHA-256(K_form, form), first 16 bytes
 *   token(scope, form) = bucket(scope) ‖ bytes 2 to 7 of AES-256_K_cipher(mask(scope) XOR digest(form))
 *
 * The mask is the scope's key material, derived from the search key and the scope's id (the
 * issue's per-case key); AES under a key of the search key turns each masked form into a value
 * no one without the key can compute or relate. The same form in two scopes enters AES as two
 * inputs differing by the XOR of two secret random masks, so the tokens are independent; one
 * scope's tokens are deterministic (equal words, equal tokens: the leakage docs/security.md
 * accepts). The digest is keyed too, so that no one can prepare two words whose tokens agree in
 * every scope. Why not an HMAC per token: Node makes every HMAC an object (about 3 µs), and a
 * two-word query over 10,000 cases needs some 40,000 tokens (two stems, a prefix); one AES-ECB
 * call over all the masked blocks of a form takes well under a millisecond.
 *
 * The bucket puts a scope's tokens side by side in the postings' B-tree (one of 65,536 ranges), so
 * that indexing a case's texts writes a few index pages instead of pages all over the index
 * (measured in docs/security.md). It says which scope a token belongs to, which the posting's
 * entry says anyway; the 48 bits after it keep tokens apart within a bucket.
 *
 * Kept in memory: the masks (18 bytes a scope, at most MAX_MASKS) and the digests of recent words
 * (at most MAX_DIGESTS, the words themselves as the map's keys: a running server's memory holds
 * the texts it indexes anyway, and is outside what encryption at rest protects).
 */
const MAX_MASKS = 200_000;
const MAX_DIGESTS = 50_000;

function xorInto(target: Buffer, offset: number, a: Buffer, b: Buffer): void {
  for (let i = 0; i < 16; i++) target[offset + i] = (a[i] as number) ^ (b[i] as number);
}

export interface Scope {
  readonly type: 'case' | 'report';
  readonly id: string;
}

export class ScopeTokens {
  readonly #maskKey: KeyObject;
  readonly #formKey: KeyObject;
  readonly #cipherKey: KeyObject;
  readonly #masks = new Map<string, Buffer>();
  readonly #digests = new Map<string, Buffer>();

  constructor(keys: { readonly mask: Buffer; readonly form: Buffer; readonly cipher: Buffer }) {
    if (keys.mask.length !== 32 || keys.form.length !== 32 || keys.cipher.length !== 32) {
      throw new TypeError('search keys are 32 bytes');
    }
    this.#maskKey = createSecretKey(keys.mask);
    this.#formKey = createSecretKey(keys.form);
    this.#cipherKey = createSecretKey(keys.cipher);
  }

  /**
   * The tokens of every form in one scope (for indexing a text), de-duplicated and sorted: in the
   * order of the text they would show the order and the lengths of its words.
   */
  tokensIn(scope: Scope, forms: readonly string[]): bigint[] {
    const distinct = [...new Set(forms)];
    const mask = this.#mask(scope);
    const blocks = Buffer.allocUnsafe(16 * distinct.length);
    for (const [i, form] of distinct.entries()) xorInto(blocks, 16 * i, mask, this.#digest(form));
    return [...new Set(this.#encrypt(blocks, () => mask))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The token of one form in each of the scopes, in their order (for a query). */
  tokensOf(scopes: readonly Scope[], form: string): BigInt64Array {
    const digest = this.#digest(form);
    const blocks = Buffer.allocUnsafe(16 * scopes.length);
    const masks = scopes.map((scope) => this.#mask(scope));
    for (const [i, mask] of masks.entries()) xorInto(blocks, 16 * i, mask, digest);
    return this.#encrypt(blocks, (i) => masks[i] as Buffer);
  }

  /** The tokens of the masked blocks: each block's scope bucket, then 48 bits of its cipher text. */
  #encrypt(blocks: Buffer, maskOf: (block: number) => Buffer): BigInt64Array {
    const cipher = createCipheriv('aes-256-ecb', this.#cipherKey, null).setAutoPadding(false);
    const out = cipher.update(blocks);
    cipher.final();
    const tokens = new BigInt64Array(blocks.length / 16);
    for (let i = 0; i < tokens.length; i++) {
      const mask = maskOf(i);
      out[16 * i] = mask[16] as number;
      out[16 * i + 1] = mask[17] as number;
      tokens[i] = out.readBigInt64BE(16 * i);
    }
    return tokens;
  }

  /** The keyed digest of a form, first 16 bytes; recent ones are remembered (texts repeat their words). */
  #digest(form: string): Buffer {
    let digest = this.#digests.get(form);
    if (digest === undefined) {
      digest = createHmac('sha256', this.#formKey).update(form, 'utf8').digest().subarray(0, 16);
      if (this.#digests.size >= MAX_DIGESTS) this.#digests.clear();
      this.#digests.set(form, digest);
    }
    return digest;
  }

  /** A scope shredded: its mask leaves memory (it is derived from the search key, so this frees memory only). */
  forget(scope: Scope): void {
    this.#masks.delete(`${scope.type}:${scope.id}`);
  }

  #mask(scope: Scope): Buffer {
    const name = `${scope.type}:${scope.id}`;
    let mask = this.#masks.get(name);
    if (mask === undefined) {
      // 16 bytes of mask and 2 of bucket.
      mask = createHmac('sha256', this.#maskKey).update(`${scope.type}\0${scope.id}`).digest().subarray(0, 18);
      if (this.#masks.size >= MAX_MASKS) this.#masks.delete(this.#masks.keys().next().value as string);
      this.#masks.set(name, mask);
    }
    return mask;
  }
}
