import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataKey } from '../../platform/crypto/sealed-field.ts';

/**
 * Document keys: one random 256-bit key per stored document version, so that a version's blob can be
 * re-encrypted, copied or deleted without touching any other, and a leaked document key opens one
 * blob only. It is stored only wrapped, with AES-256-GCM under its owner's data key (the case's key,
 * or the report's key until the report joins a case: joining re-wraps the report key, whose id and
 * bytes stay the same, so document keys wrapped under it stay readable; shredding the case shreds
 * them).
 *
 *   offset  size  what
 *   0       1     format version (1)
 *   1       16    owner key id: the UUID of the case or report key
 *   17      12    nonce: random (a data key wraps far fewer than 2^32 document keys)
 *   29      32    the document key, encrypted
 *   61      16    tag
 *
 * The additional authenticated data is, each part prefixed with its length (u32, big-endian), the
 * label 'tma-document-key', the 29 header bytes (version, owner key id, nonce) and the document id
 * (UTF-8). The label keeps these bytes from ever passing for a sealed field, whose additional data
 * starts with the header's length (29), not the label's (16). A wrapped key copied to another
 * document, or opened with another owner key, is refused.
 */
export const WRAPPED_DOCUMENT_KEY_VERSION = 1;
export const DOCUMENT_KEY_BYTES = 32;
const KEY_ID_BYTES = 16;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES;
export const WRAPPED_DOCUMENT_KEY_BYTES = HEADER_BYTES + DOCUMENT_KEY_BYTES + TAG_BYTES;
const LABEL = Buffer.from('tma-document-key', 'utf8');

export type DocumentKeyProblem = 'malformed' | 'unsupported_version' | 'wrong_key' | 'tampered';

/** Why a wrapped document key cannot be unwrapped; says nothing of either key. */
export class DocumentKeyError extends Error {
  readonly problem: DocumentKeyProblem;
  constructor(problem: DocumentKeyProblem) {
    super(`document key cannot be unwrapped: ${problem}`);
    this.name = 'DocumentKeyError';
    this.problem = problem;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function keyIdBytes(id: string): Buffer {
  if (!UUID.test(id)) throw new TypeError('a data key id is a lower-case UUID');
  return Buffer.from(id.replaceAll('-', ''), 'hex');
}

function keyIdOf(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function checkOwnerKey(ownerKey: DataKey): void {
  if (ownerKey.key.length !== 32) throw new TypeError('a data key is 32 bytes (AES-256)');
}

function checkDocumentId(documentId: string): Buffer {
  if (typeof documentId !== 'string' || documentId.length === 0) throw new TypeError('a document id is a string');
  return Buffer.from(documentId, 'utf8');
}

function aadOf(header: Uint8Array, documentId: Buffer): Buffer {
  const parts = [LABEL, header, documentId];
  const out = Buffer.alloc(parts.reduce((sum, part) => sum + 4 + part.length, 0));
  let at = 0;
  for (const part of parts) {
    at = out.writeUInt32BE(part.length, at);
    at += Buffer.from(part.buffer, part.byteOffset, part.byteLength).copy(out, at);
  }
  return out;
}

/** A fresh random document key, for one document version. */
export function newDocumentKey(): Buffer {
  return randomBytes(DOCUMENT_KEY_BYTES);
}

/** The document key wrapped under its owner's key, for the document version's row. */
export function wrapDocumentKey(ownerKey: DataKey, documentId: string, key: Buffer): Buffer {
  checkOwnerKey(ownerKey);
  const id = checkDocumentId(documentId);
  if (key.length !== DOCUMENT_KEY_BYTES) throw new TypeError('a document key is 32 bytes');
  const header = Buffer.concat([
    Buffer.from([WRAPPED_DOCUMENT_KEY_VERSION]),
    keyIdBytes(ownerKey.id),
    randomBytes(NONCE_BYTES),
  ]);
  const cipher = createCipheriv('aes-256-gcm', ownerKey.key, header.subarray(1 + KEY_ID_BYTES), {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(aadOf(header, id));
  return Buffer.concat([header, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
}

/** The id of the owner key a wrapped document key needs (for `KeyRing.keyById`), read without unwrapping. */
export function wrappedDocumentKeyOwner(wrapped: Uint8Array): string {
  if (wrapped.length !== WRAPPED_DOCUMENT_KEY_BYTES) throw new DocumentKeyError('malformed');
  if (wrapped[0] !== WRAPPED_DOCUMENT_KEY_VERSION) throw new DocumentKeyError('unsupported_version');
  return keyIdOf(wrapped.subarray(1, 1 + KEY_ID_BYTES));
}

/** The clear document key; all or nothing. */
export function unwrapDocumentKey(ownerKey: DataKey, documentId: string, wrapped: Uint8Array): Buffer {
  checkOwnerKey(ownerKey);
  const id = checkDocumentId(documentId);
  if (wrappedDocumentKeyOwner(wrapped) !== ownerKey.id) throw new DocumentKeyError('wrong_key');
  const header = wrapped.subarray(0, HEADER_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', ownerKey.key, header.subarray(1 + KEY_ID_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(aadOf(header, id));
  decipher.setAuthTag(wrapped.subarray(HEADER_BYTES + DOCUMENT_KEY_BYTES));
  const key = decipher.update(wrapped.subarray(HEADER_BYTES, HEADER_BYTES + DOCUMENT_KEY_BYTES));
  try {
    decipher.final();
  } catch {
    // Deciphered before the tag was checked: dropped unread, so nothing of a forged key is ever used.
    key.fill(0);
    throw new DocumentKeyError('tampered');
  }
  return key;
}
