import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';

/**
 * Sealed fields: one column value encrypted with AES-256-GCM under a data key (docs/security.md).
 *
 *   offset  size  what
 *   0       1     format version (1)
 *   1       16    key id: the data key's UUID
 *   17      12    nonce: random, never reused with one key (2^32 seals per key stay far below the
 *                 collision bound of random 96-bit nonces)
 *   29      n     ciphertext
 *   29+n    16    tag
 *
 * The additional authenticated data binds the header (version, key id, nonce) and where the value
 * lives: table, column and row id, each length-prefixed so that no two contexts share an
 * encoding. A flipped bit, a truncation, a wrong key, or a value copied to another row, column or
 * table fails with a SealedFieldError, and no plaintext is released. Not detected by the format:
 * a cell set back to an older value of the same cell (the audit trail records every change).
 */
export const SEALED_VERSION = 1;
const KEY_ID_BYTES = 16;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES;
/** Where the nonce starts: after the version and the key id. */
export const NONCE_AT = 1 + KEY_ID_BYTES;

/** Where a sealed value lives; sealing and opening must name the same place. */
export interface FieldContext {
  readonly table: string;
  readonly column: string;
  readonly rowId: string;
}

/** A data key in the clear: only in memory, never logged (see toJSON), never in an error. */
export interface DataKey {
  readonly id: string;
  readonly key: Buffer;
}

export type SealedFieldProblem = 'malformed' | 'unsupported_version' | 'wrong_key' | 'tampered';

/** Why a sealed value could not be opened; says nothing of the value or the key. */
export class SealedFieldError extends Error {
  readonly problem: SealedFieldProblem;
  constructor(problem: SealedFieldProblem, context?: FieldContext) {
    const where = context === undefined ? '' : ` (${context.table}.${context.column})`;
    super(`sealed field cannot be opened: ${problem}${where}`);
    this.name = 'SealedFieldError';
    this.problem = problem;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function keyIdBytes(id: string): Buffer {
  if (!UUID.test(id)) throw new TypeError('a data key id is a lower-case UUID');
  return Buffer.from(id.replaceAll('-', ''), 'hex');
}

/** The last key id read, bytes and text: a list's fifty values of one case all name the same key. */
let lastKeyId: { readonly bytes: Buffer; readonly id: string } | undefined;

function keyIdOf(bytes: Uint8Array): string {
  if (lastKeyId?.bytes.equals(bytes) === true) return lastKeyId.id;
  const copy = Buffer.from(bytes);
  const hex = copy.toString('hex');
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  lastKeyId = { bytes: copy, id };
  return id;
}

/**
 * The header, then the table, column and row id as UTF-8, each after its length (4 bytes, big
 * endian), written into one buffer: a list opens dozens of fields per request, and building the
 * parts apart and joining them cost more than the deciphering.
 */
function aadOf(header: Uint8Array, context: FieldContext): Buffer {
  const { table, column, rowId } = context;
  const lengths = [Buffer.byteLength(table), Buffer.byteLength(column), Buffer.byteLength(rowId)] as const;
  const aad = Buffer.allocUnsafe(16 + header.length + lengths[0] + lengths[1] + lengths[2]);
  let at = aad.writeUInt32BE(header.length, 0);
  aad.set(header, at);
  at += header.length;
  for (const [i, text] of [table, column, rowId].entries()) {
    at = aad.writeUInt32BE(lengths[i as 0 | 1 | 2], at);
    at += aad.write(text, at, 'utf8');
  }
  return aad;
}

function checkKey(key: DataKey): void {
  if (key.key.length !== 32) throw new TypeError('a data key is 32 bytes (AES-256)');
}

/**
 * The cipher's key object for a data key, made once per key rather than on every seal and open
 * (Node builds one from a raw Buffer on each call: most of the cost of opening a short field).
 * Keyed by the key's own bytes, so that a key wiped from the ring (KeyRing.forget) takes its key
 * object along through forgetKeyObject and nothing opens with it afterwards.
 */
const keyObjects = new WeakMap<Buffer, KeyObject>();

function keyObjectOf(key: DataKey): KeyObject {
  let made = keyObjects.get(key.key);
  if (made === undefined) {
    made = createSecretKey(key.key);
    keyObjects.set(key.key, made);
  }
  return made;
}

const idBytes = new WeakMap<DataKey, Buffer>();

function idBytesOf(key: DataKey): Buffer {
  let bytes = idBytes.get(key);
  if (bytes === undefined) {
    bytes = keyIdBytes(key.id);
    idBytes.set(key, bytes);
  }
  return bytes;
}

/** Drops the key object made from these bytes: called as the bytes are wiped. */
export function forgetKeyObject(bytes: Buffer): void {
  keyObjects.delete(bytes);
}

export function sealField(key: DataKey, plaintext: Uint8Array | string, context: FieldContext): Buffer {
  checkKey(key);
  const header = Buffer.concat([Buffer.from([SEALED_VERSION]), keyIdBytes(key.id), randomBytes(NONCE_BYTES)]);
  const cipher = createCipheriv('aes-256-gcm', keyObjectOf(key), header.subarray(1 + KEY_ID_BYTES), {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(aadOf(header, context));
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  return Buffer.concat([header, cipher.update(data), cipher.final(), cipher.getAuthTag()]);
}

function checkHeader(sealed: Uint8Array, context?: FieldContext): void {
  if (sealed.length < HEADER_BYTES + TAG_BYTES) throw new SealedFieldError('malformed', context);
  if (sealed[0] !== SEALED_VERSION) throw new SealedFieldError('unsupported_version', context);
}

/** The id of the data key a sealed value needs, to fetch that key before opening. */
export function sealedKeyId(sealed: Uint8Array, context?: FieldContext): string {
  checkHeader(sealed, context);
  return keyIdOf(sealed.subarray(1, 1 + KEY_ID_BYTES));
}

/** A sealed value's nonce, which no other value sealed with its key shares: what tells one sealing from another. */
export function sealedNonce(sealed: Uint8Array): Buffer {
  checkHeader(sealed);
  return Buffer.from(sealed.subarray(NONCE_AT, NONCE_AT + NONCE_BYTES));
}

/** Opens a sealed value with its data key; all or nothing. */
export function openField(key: DataKey, sealed: Uint8Array, context: FieldContext): Buffer {
  checkKey(key);
  checkHeader(sealed, context);
  // Compared as bytes: the key's id is written out as text once per key, not once per field.
  if (!idBytesOf(key).equals(sealed.subarray(1, 1 + KEY_ID_BYTES))) throw new SealedFieldError('wrong_key', context);
  const header = sealed.subarray(0, HEADER_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', keyObjectOf(key), header.subarray(1 + KEY_ID_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(aadOf(header, context));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  const body = decipher.update(sealed.subarray(HEADER_BYTES, sealed.length - TAG_BYTES));
  let rest: Buffer;
  try {
    rest = decipher.final();
  } catch {
    // The bytes deciphered so far are dropped unread: nothing of a tampered value leaves this function.
    body.fill(0);
    throw new SealedFieldError('tampered', context);
  }
  // GCM gives everything from update and nothing from final: no copy to join them.
  return rest.length === 0 ? body : Buffer.concat([body, rest]);
}

export function openFieldText(key: DataKey, sealed: Uint8Array, context: FieldContext): string {
  return openField(key, sealed, context).toString('utf8');
}
