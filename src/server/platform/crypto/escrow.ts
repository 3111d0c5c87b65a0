import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { type Algorithm, hashRaw, type Version } from '@node-rs/argon2';
import { z } from 'zod';
import { MASTER_FILE, MasterFile } from './local-key-provider.ts';
import { writeNewFile } from './master-key-file.ts';

/**
 * Escrow of the master keys: the master key file encrypted under a recovery passphrase, for
 * offline storage (a lost master key is lost data). argon2id derives the key from the passphrase;
 * AES-256-GCM encrypts the file's exact text, with the header as additional data, so that a
 * changed KDF parameter, date or version hint fails like a wrong passphrase instead of going
 * unnoticed. The document is JSON so that an operator can see what an escrow holds without
 * opening it.
 */
export const ESCROW_FORMAT = 'tma-master-key-escrow';
const ESCROW_VERSION = 1;
/** Algorithm.Argon2id and Version.V0x13: the package declares const enums, which erasable TypeScript cannot import. */
const ARGON2ID = 2 as Algorithm;
const ARGON2_V13 = 1 as Version;

export interface KdfParams {
  /** KiB. */
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}
export const DEFAULT_KDF: KdfParams = { memoryCost: 65_536, timeCost: 3, parallelism: 1 };

/**
 * What a file may ask of the KDF. The bounds keep a hostile file from making recovery hang or
 * exhaust memory; the floor is argon2's own (8 KiB per lane).
 */
const KDF_BOUNDS = { maxMemoryKiB: 4 * 1024 * 1024, maxIterations: 100, maxParallelism: 16 } as const;
const MAX_ESCROW_CHARS = 1_000_000;

export type EscrowProblem =
  | 'malformed'
  | 'unsupported_version'
  | 'wrong_passphrase'
  | 'weak_passphrase'
  | 'exists'
  | 'no_passphrase'
  | 'passphrase_mismatch';

/** Messages name the problem and where, never the passphrase or any key material. */
export class EscrowError extends Error {
  readonly problem: EscrowProblem;
  /** For 'weak_passphrase': the unmet rules, as in PASSPHRASE_RULES. */
  readonly rules: readonly string[];
  constructor(problem: EscrowProblem, message: string, rules: readonly string[] = []) {
    super(`master key escrow: ${message}`);
    this.name = 'EscrowError';
    this.problem = problem;
    this.rules = rules;
  }
}

// ---- Passphrase strength ----

const MIN_LENGTH = 16;
const MIN_DISTINCT = 8;
const MIN_CLASSES = 3;
const LONG_LENGTH = 24;
const MIN_BITS = 80;
/** Pool sizes for the estimate: letters of a Latin alphabet, digits, printable ASCII symbols and space. */
const CLASSES = [
  { test: /\p{Ll}/u, size: 26 },
  { test: /\p{Lu}/u, size: 26 },
  { test: /\p{Nd}/u, size: 10 },
] as const;
const OTHER_SIZE = 33;

export const PASSPHRASE_RULES: readonly string[] = [
  `At least ${MIN_LENGTH} characters long.`,
  `At least ${MIN_DISTINCT} different characters.`,
  `At least ${MIN_CLASSES} kinds of characters out of lower-case letters, upper-case letters, digits, and others (symbols, spaces) — or at least ${LONG_LENGTH} characters long, such as several words.`,
  `An estimated strength of at least ${MIN_BITS} bits, counted as the length times log2 of the size of the kinds of characters used (26 lower-case, 26 upper-case, 10 digits, ${OTHER_SIZE} others).`,
  'Not a short pattern repeated (such as "abcabcabc…").',
];

/** NFC, so that the same words typed on another keyboard or system derive the same key. */
const normalise = (passphrase: string): string => passphrase.normalize('NFC');

/** The rules of PASSPHRASE_RULES the passphrase does not meet, in their order; empty if it is strong enough. */
export function passphraseProblems(passphrase: string): string[] {
  const chars = [...normalise(passphrase)];
  const used = new Set<number>();
  for (const c of chars) {
    const index = CLASSES.findIndex((k) => k.test.test(c));
    used.add(index === -1 ? CLASSES.length : index);
  }
  const pool = [...used].reduce((sum, i) => sum + (CLASSES[i]?.size ?? OTHER_SIZE), 0);
  const bits = pool > 1 ? chars.length * Math.log2(pool) : 0;
  const unmet = [
    chars.length < MIN_LENGTH,
    new Set(chars).size < MIN_DISTINCT,
    used.size < MIN_CLASSES && chars.length < LONG_LENGTH,
    bits < MIN_BITS,
    chars.length > 1 && smallestPeriod(chars) <= chars.length / 2,
  ];
  return PASSPHRASE_RULES.filter((_, i) => unmet[i]);
}

/** The shortest p with chars[i] = chars[i + p] throughout (Knuth–Morris–Pratt failure function: linear time). */
function smallestPeriod(chars: readonly string[]): number {
  const border = new Array<number>(chars.length).fill(0);
  for (let i = 1, k = 0; i < chars.length; i++) {
    while (k > 0 && chars[i] !== chars[k]) k = border[k - 1] ?? 0;
    if (chars[i] === chars[k]) k++;
    border[i] = k;
  }
  return chars.length - (border[chars.length - 1] ?? 0);
}

// ---- The escrow document ----

const base64Bytes = (min: number, max: number) =>
  z.base64().refine((s) => {
    const n = Buffer.from(s, 'base64').length;
    return n >= min && n <= max;
  }, `${min} to ${max} bytes`);

const Kdf = z
  .strictObject({
    algorithm: z.literal('argon2id'),
    memoryKiB: z.number().int().min(8).max(KDF_BOUNDS.maxMemoryKiB),
    iterations: z.number().int().min(1).max(KDF_BOUNDS.maxIterations),
    parallelism: z.number().int().min(1).max(KDF_BOUNDS.maxParallelism),
    salt: base64Bytes(16, 64),
  })
  .refine((k) => k.memoryKiB >= 8 * k.parallelism, 'argon2 needs at least 8 KiB per lane');

/** The non-secret hint: which master versions the escrow holds. */
const HeldVersion = z.strictObject({ version: z.number().int().positive(), createdAt: z.iso.datetime() });

const Escrow = z.strictObject({
  format: z.literal(ESCROW_FORMAT),
  version: z.literal(ESCROW_VERSION),
  createdAt: z.iso.datetime(),
  masterVersions: z.array(HeldVersion).min(1).max(10_000),
  kdf: Kdf,
  cipher: z.literal('aes-256-gcm'),
  nonce: base64Bytes(12, 12),
  /** The ciphertext followed by the 16-byte GCM tag. */
  ciphertext: base64Bytes(17, MAX_ESCROW_CHARS),
});
type Escrow = z.infer<typeof Escrow>;
type Header = Omit<Escrow, 'nonce' | 'ciphertext'>;

/**
 * The header as written, fields in a fixed order; its bytes are the additional data. Rebuilt
 * from the parsed fields (not the file's text), so reformatting the JSON changes nothing, while
 * changing any value fails authentication.
 */
function header(h: Header): Header {
  return {
    format: h.format,
    version: h.version,
    createdAt: h.createdAt,
    masterVersions: h.masterVersions.map((v) => ({ version: v.version, createdAt: v.createdAt })),
    kdf: {
      algorithm: h.kdf.algorithm,
      memoryKiB: h.kdf.memoryKiB,
      iterations: h.kdf.iterations,
      parallelism: h.kdf.parallelism,
      salt: h.kdf.salt,
    },
    cipher: h.cipher,
  };
}
const additionalData = (h: Header): Buffer => Buffer.from(JSON.stringify(header(h)), 'utf8');

async function deriveKey(passphrase: string, kdf: Header['kdf']): Promise<Buffer> {
  const secret = Buffer.from(normalise(passphrase), 'utf8');
  try {
    return await hashRaw(secret, {
      algorithm: ARGON2ID,
      version: ARGON2_V13,
      memoryCost: kdf.memoryKiB,
      timeCost: kdf.iterations,
      parallelism: kdf.parallelism,
      salt: Buffer.from(kdf.salt, 'base64'),
      outputLen: 32,
    });
  } finally {
    secret.fill(0);
  }
}

/** The master file parsed, or a typed error that says nothing of its content (JSON.parse quotes its input). */
function parseMasterFile(text: string, what: string): MasterFile {
  let parsed: MasterFile;
  try {
    parsed = MasterFile.parse(JSON.parse(text));
  } catch {
    throw new EscrowError('malformed', `${what} is not a master key file of TMA`);
  }
  if (!parsed.versions.some((v) => v.key !== undefined))
    throw new EscrowError('malformed', `${what} holds no master key`);
  return parsed;
}

const heldVersions = (file: MasterFile): Header['masterVersions'] =>
  file.versions.filter((v) => v.key !== undefined).map((v) => ({ version: v.version, createdAt: v.createdAt }));

export interface SealOptions {
  readonly now?: Date;
  /** Tests use small parameters; the defaults are DEFAULT_KDF. */
  readonly kdf?: KdfParams;
}

/** Encrypts the master key file's text under the passphrase: the escrow document, as JSON text. */
export async function sealEscrow(
  masterFileText: string,
  passphrase: string,
  options: SealOptions = {},
): Promise<string> {
  const problems = passphraseProblems(passphrase);
  if (problems.length > 0) {
    throw new EscrowError('weak_passphrase', `the passphrase is too weak: ${problems.join(' ')}`, problems);
  }
  const file = parseMasterFile(masterFileText, 'the input');
  const params = options.kdf ?? DEFAULT_KDF;
  const kdf = {
    algorithm: 'argon2id' as const,
    memoryKiB: params.memoryCost,
    iterations: params.timeCost,
    parallelism: params.parallelism,
    salt: randomBytes(16).toString('base64'),
  };
  // An escrow that openEscrow would refuse is worse than none.
  if (!Kdf.safeParse(kdf).success) throw new RangeError('KDF parameters outside what openEscrow accepts');
  const head = header({
    format: ESCROW_FORMAT,
    version: ESCROW_VERSION,
    createdAt: (options.now ?? new Date()).toISOString(),
    masterVersions: heldVersions(file),
    kdf,
    cipher: 'aes-256-gcm',
  });
  const key = await deriveKey(passphrase, kdf);
  const nonce = randomBytes(12);
  const plain = Buffer.from(masterFileText, 'utf8');
  try {
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(additionalData(head));
    const sealed = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    const escrow: Escrow = { ...head, nonce: nonce.toString('base64'), ciphertext: sealed.toString('base64') };
    return `${JSON.stringify(escrow, null, 2)}\n`;
  } finally {
    key.fill(0);
    plain.fill(0);
  }
}

/** Reads the document without running the KDF: anything refused here costs no time or memory. */
function parseEscrow(escrowText: string): Escrow {
  if (escrowText.length > MAX_ESCROW_CHARS) throw new EscrowError('malformed', 'the file is too large to be an escrow');
  let json: unknown;
  try {
    json = JSON.parse(escrowText);
  } catch {
    throw new EscrowError('malformed', 'the file is not JSON (truncated?)');
  }
  const head = z.looseObject({ format: z.literal(ESCROW_FORMAT), version: z.unknown() }).safeParse(json);
  if (!head.success) throw new EscrowError('malformed', `the file is not a ${ESCROW_FORMAT} document`);
  const { version } = head.data;
  if (typeof version === 'number' && Number.isInteger(version) && version > ESCROW_VERSION) {
    throw new EscrowError('unsupported_version', `escrow version ${version}; this TMA reads version ${ESCROW_VERSION}`);
  }
  const parsed = Escrow.safeParse(json);
  if (!parsed.success) {
    const where = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(document)'))].join(', ');
    throw new EscrowError('malformed', `invalid field(s): ${where}`);
  }
  return parsed.data;
}

/** Decrypts an escrow: the master key file's text, exactly as sealed. */
export async function openEscrow(escrowText: string, passphrase: string): Promise<string> {
  // No strength check here: a rule added later must not lock out an escrow sealed before it.
  const escrow = parseEscrow(escrowText);
  const sealed = Buffer.from(escrow.ciphertext, 'base64');
  const key = await deriveKey(passphrase, escrow.kdf);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(escrow.nonce, 'base64'));
    decipher.setAAD(additionalData(escrow));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  } catch {
    // GCM cannot tell a wrong key from changed bytes.
    throw new EscrowError('wrong_passphrase', 'wrong passphrase, or the file was altered');
  } finally {
    key.fill(0);
  }
  const text = plain.toString('utf8');
  plain.fill(0);
  const file = parseMasterFile(text, 'the decrypted content');
  if (JSON.stringify(heldVersions(file)) !== JSON.stringify(header(escrow).masterVersions)) {
    throw new EscrowError('malformed', 'the version hint does not match the master versions inside');
  }
  return text;
}

export interface RecoverOptions {
  /** The master key file, if not secrets/master-keys.json: as LocalKeyProvider.open's `file`. */
  readonly file?: string | undefined;
}

/**
 * Writes a recovered master key file (mode 0600), never over an existing one: recovery goes into
 * an empty secrets directory. Written to a temporary file first and then linked into place, which
 * fails if the name exists, so a crash or a concurrent start leaves the whole file or none.
 * Returns the path written.
 */
export function recoverInto(secretsDir: string, masterFileText: string, options: RecoverOptions = {}): string {
  parseMasterFile(masterFileText, 'the recovered text');
  const file = options.file ?? path.join(secretsDir, MASTER_FILE);
  if (!writeNewFile(file, masterFileText)) {
    throw new EscrowError('exists', `${file} exists; recover into an empty secrets directory`);
  }
  return file;
}

// ---- Reading the passphrase ----

export interface ReadPassphraseOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: NodeJS.ReadableStream;
  /** Where prompts go; stderr by default, so that stdout can carry an escrow. */
  readonly output?: NodeJS.WritableStream;
  /** Ask twice on a terminal (when sealing). */
  readonly confirm?: boolean;
}

/**
 * The passphrase from the file named by TMA_ESCROW_PASSPHRASE_FILE (for automation), else from
 * the input: prompted without echo on a terminal, else its first line.
 */
export async function readPassphrase(options: ReadPassphraseOptions = {}): Promise<string> {
  const fromFile = (options.env ?? process.env).TMA_ESCROW_PASSPHRASE_FILE;
  if (fromFile) return nonEmpty(readFileSync(fromFile, 'utf8').replace(/\r?\n$/, ''));
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stderr;
  if (!(input as { isTTY?: boolean }).isTTY) return nonEmpty(await readLine(input));
  const first = nonEmpty(await readLine(input, output, 'Recovery passphrase: '));
  if (options.confirm && normalise(await readLine(input, output, 'Once more: ')) !== normalise(first)) {
    throw new EscrowError('passphrase_mismatch', 'the two passphrases differ');
  }
  return first;
}

function nonEmpty(passphrase: string): string {
  if (passphrase === '') throw new EscrowError('no_passphrase', 'no passphrase given');
  return passphrase;
}

/** One line; with a prompt, on a terminal whose echo goes to a muted stream. */
function readLine(input: NodeJS.ReadableStream, output?: NodeJS.WritableStream, prompt?: string): Promise<string> {
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({
    input,
    output: prompt === undefined ? undefined : muted,
    terminal: prompt !== undefined,
    historySize: 0,
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  if (prompt !== undefined) output?.write(prompt);
  return new Promise((resolve, reject) => {
    let done = false;
    rl.once('line', (line) => {
      done = true;
      rl.close();
      if (prompt !== undefined) output?.write('\n');
      resolve(line);
    });
    rl.once('SIGINT', () => rl.close());
    rl.once('close', () => {
      if (done) return;
      if (prompt !== undefined) output?.write('\n');
      reject(new EscrowError('no_passphrase', 'no passphrase given (input ended or was cancelled)'));
    });
  });
}
