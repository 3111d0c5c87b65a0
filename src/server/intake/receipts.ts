import { randomInt } from 'node:crypto';
import { type Algorithm, hash } from '@node-rs/argon2';
import { verifyPassword } from '../access/passwords/password-hashing.ts';

/**
 * The receipt of an anonymous report (SECURITY.md item 29; docs/intake.md): the reporter's only key
 * to the report's status and messages, shown once. It reads as six groups of four characters,
 * `K7QM-3VXH-…`: the first two groups are the report's public id, stored as it is and looked up;
 * the last four are the secret, 16 characters of a 32-letter alphabet (80 bits), stored only as
 * an argon2id hash. The alphabet is Crockford's: no I, L, O or U, and when typed, I and L are read
 * as 1 and O as 0, case and spaces or dashes do not matter.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ID_CHARS = 8;
const SECRET_CHARS = 16;
export const RECEIPT_SECRET_BITS = SECRET_CHARS * Math.log2(ALPHABET.length);

export interface Receipt {
  /** What the reporter is shown, once: the public id and the secret in groups of four. */
  readonly code: string;
  readonly publicId: string;
  readonly secret: string;
}

const draw = (n: number) => Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
const grouped = (s: string) => (s.match(/.{1,4}/g) ?? []).join('-');

/** A new receipt, from the operating system's random source. */
export function newReceipt(): Receipt {
  return receiptOf(draw(ID_CHARS), draw(SECRET_CHARS));
}

/** The receipt of a public id and a secret made elsewhere (a secret derived for an idempotent retry). */
export function receiptOf(publicId: string, secret: string): Receipt {
  if (publicId.length !== ID_CHARS || secret.length !== SECRET_CHARS) throw new Error('not a receipt');
  return { code: grouped(publicId + secret), publicId, secret };
}

/** The receipt as typed, read back into its parts; undefined when it cannot be a receipt. */
export function parseReceipt(typed: string): { publicId: string; secret: string } | undefined {
  if (typed.length > 64) return undefined;
  const chars = typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (chars.length !== ID_CHARS + SECRET_CHARS || [...chars].some((c) => !ALPHABET.includes(c))) return undefined;
  return { publicId: chars.slice(0, ID_CHARS), secret: chars.slice(ID_CHARS) };
}

/**
 * argon2id with lighter parameters than passwords (8 MiB, 2 passes; passwords: 19 MiB, 2 passes).
 * A password is guessable, and its hash must make every guess dear; a receipt's secret is 80 bits
 * from the operating system's random source, which no guessing reaches, hash or not. The slow hash
 * is a second wall here, and heavier parameters would mostly make the anonymous channel, which
 * pays for one hash per report and one check per visit, easier to exhaust (bench/intake.ts).
 */
export const RECEIPT_HASH_PARAMS = { memoryCost: 8_192, timeCost: 2, parallelism: 1 } as const;
/** Algorithm.Argon2id (a const enum in the package's types). */
const ARGON2ID = 2 as Algorithm;

/** The stored form of the secret. */
export function hashReceiptSecret(secret: string): Promise<string> {
  return hash(secret, { algorithm: ARGON2ID, ...RECEIPT_HASH_PARAMS });
}

let dummy: Promise<string> | undefined;

/** A check that cannot succeed, at the cost of a real one: for codes that name no receipt. */
async function verifyAgainstDummy(typed: string): Promise<void> {
  dummy ??= hashReceiptSecret('an unreachable dummy receipt for timing');
  await verifyPassword(await dummy, typed);
}

/**
 * Whether the typed receipt opens a report, and which. A code that cannot be a receipt, an
 * unknown id and a wrong secret cost the same argon2id verification and get the same answer, so
 * neither the answer nor its time tells a guesser that an id exists.
 */
export async function checkReceipt(
  typed: string,
  lookup: (publicId: string) => Promise<{ readonly reportId: string; readonly hash: string } | undefined>,
): Promise<string | undefined> {
  const parsed = parseReceipt(typed);
  const found = parsed === undefined ? undefined : await lookup(parsed.publicId);
  if (parsed === undefined || found === undefined) {
    await verifyAgainstDummy(parsed?.secret ?? typed.slice(0, 64));
    return undefined;
  }
  return (await verifyPassword(found.hash, parsed.secret)) ? found.reportId : undefined;
}
