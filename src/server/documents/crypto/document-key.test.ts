import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import type { DataKey } from '../../platform/crypto/sealed-field.ts';
import {
  DocumentKeyError,
  newDocumentKey,
  unwrapDocumentKey,
  WRAPPED_DOCUMENT_KEY_BYTES,
  wrapDocumentKey,
  wrappedDocumentKeyOwner,
} from './document-key.ts';

const flipped = (bytes: Buffer, at: number, bit = 0x01) => {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ bit;
  return copy;
};

test('a document key unwraps only with its owner key, for its document', () => {
  const owner: DataKey = { id: randomUUID(), key: randomBytes(32) };
  const documentId = randomUUID();
  const key = newDocumentKey();
  const wrapped = wrapDocumentKey(owner, documentId, key);
  assert.equal(wrapped.length, WRAPPED_DOCUMENT_KEY_BYTES);
  assert.equal(wrappedDocumentKeyOwner(wrapped), owner.id);
  assert.ok(unwrapDocumentKey(owner, documentId, wrapped).equals(key));
  assert.ok(!wrapDocumentKey(owner, documentId, key).equals(wrapped), 'a fresh nonce every time');
  assert.ok(!newDocumentKey().equals(key));
  const refused = (run: () => unknown, problem: string) =>
    assert.throws(run, (e: unknown) => e instanceof DocumentKeyError && e.problem === problem);
  refused(() => unwrapDocumentKey({ id: randomUUID(), key: owner.key }, documentId, wrapped), 'wrong_key');
  refused(() => unwrapDocumentKey({ id: owner.id, key: randomBytes(32) }, documentId, wrapped), 'tampered');
  refused(() => unwrapDocumentKey(owner, randomUUID(), wrapped), 'tampered');
  for (let at = 0; at < wrapped.length; at++) {
    refused(
      () => unwrapDocumentKey(owner, documentId, flipped(wrapped, at)),
      at === 0 ? 'unsupported_version' : at <= 16 ? 'wrong_key' : 'tampered',
    );
  }
  refused(() => unwrapDocumentKey(owner, documentId, wrapped.subarray(0, wrapped.length - 1)), 'malformed');
  refused(() => unwrapDocumentKey(owner, documentId, Buffer.concat([wrapped, Buffer.alloc(1)])), 'malformed');
  assert.throws(() => wrapDocumentKey(owner, documentId, key.subarray(1)), TypeError);
});
