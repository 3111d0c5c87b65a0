import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import {
  type DataKey,
  type FieldContext,
  forgetKeyObject,
  openField,
  openFieldText,
  SEALED_VERSION,
  SealedFieldError,
  sealedKeyId,
  sealField,
} from './sealed-field.ts';

const newKey = (): DataKey => ({ id: randomUUID(), key: randomBytes(32) });
const here: FieldContext = { table: 'persons', column: 'name', rowId: randomUUID() };
const SECRET = 'Max Mustermann, Abteilung Lager';

function refused(run: () => unknown, problem: string): void {
  assert.throws(run, (e: unknown) => {
    assert.ok(e instanceof SealedFieldError, String(e));
    assert.equal(e.problem, problem);
    assert.ok(!e.message.includes('Mustermann'), 'the error says nothing of the value');
    return true;
  });
}

test('a sealed value opens with its key in its place, and shows nothing of the plaintext', () => {
  const key = newKey();
  const sealed = sealField(key, SECRET, here);
  assert.equal(sealed[0], SEALED_VERSION);
  assert.equal(sealedKeyId(sealed), key.id);
  assert.equal(sealed.length, 1 + 16 + 12 + Buffer.byteLength(SECRET) + 16);
  assert.ok(!sealed.includes(Buffer.from('Mustermann')));
  assert.equal(openFieldText(key, sealed, here), SECRET);
  assert.equal(openFieldText(key, sealField(key, '', here), here), '', 'the empty string too');
  assert.notDeepEqual(sealField(key, SECRET, here), sealed, 'a fresh nonce every time');
});

test('each value names its own key, whichever key the value read before it named', () => {
  const [one, two] = [newKey(), newKey()];
  const sealed = [one, one, two, one, two, two].map((key) => ({ key, value: sealField(key, SECRET, here) }));
  for (const { key, value } of sealed) assert.equal(sealedKeyId(value), key.id);
  // A caller that changes the bytes it passed changes no later answer.
  const first = sealed[0]?.value ?? Buffer.alloc(0);
  assert.equal(sealedKeyId(first), one.id);
  first.fill(0xff, 1, 17);
  assert.equal(sealedKeyId(sealField(one, SECRET, here)), one.id);
});

test('a value sealed by an earlier build opens: the format and the context it binds stay as they were', () => {
  // Sealed by this module as of commit 2acf5f6, before the context was written in one buffer; a
  // multi-byte row id and plaintext, so that a length counted in characters would show.
  const key: DataKey = {
    id: '0f1e2d3c-4b5a-4697-8877-665544332211',
    key: Buffer.from(Array.from({ length: 32 }, (_, i) => i)),
  };
  const sealed = Buffer.from(
    '010f1e2d3c4b5a4697887766554433221165d1d31e162be90e9dd5bf7cd4fbc3a147856900500bbbe8ab32c069fdfa921bdc78b0be28e886b9e24ecfa79a0abefb',
    'hex',
  );
  const place: FieldContext = { table: 'assessments', column: 'judgments', rowId: 'Zeile-ä/7' };
  assert.equal(openFieldText(key, sealed, place), 'Gefährdung – hoch');
  refused(() => openField(key, sealed, { ...place, rowId: 'Zeile-a/7' }), 'tampered');
  refused(() => openField(key, sealed, { ...place, table: 'assessment', column: 'sjudgments' }), 'tampered');
});

test('every flipped bit is refused as tampered (or as another version or key, for the header)', () => {
  const key = newKey();
  const sealed = sealField(key, SECRET, here);
  for (let byte = 0; byte < sealed.length; byte++) {
    for (const bit of [0x01, 0x80]) {
      const copy = Buffer.from(sealed);
      copy[byte] = (copy[byte] ?? 0) ^ bit;
      const problem = byte === 0 ? 'unsupported_version' : byte <= 16 ? 'wrong_key' : 'tampered';
      refused(() => openField(key, copy, here), problem);
    }
  }
});

test('a truncated or extended value is refused', () => {
  const key = newKey();
  const sealed = sealField(key, SECRET, here);
  for (const length of [0, 1, 17, 29, 44, sealed.length - 1]) {
    refused(() => openField(key, sealed.subarray(0, length), here), length < 45 ? 'malformed' : 'tampered');
  }
  refused(() => openField(key, Buffer.concat([sealed, Buffer.from([0])]), here), 'tampered');
});

test('a value copied to another row, column or table, or opened with another key, is refused', () => {
  const key = newKey();
  const sealed = sealField(key, SECRET, here);
  refused(() => openField(key, sealed, { ...here, rowId: randomUUID() }), 'tampered');
  refused(() => openField(key, sealed, { ...here, column: 'role' }), 'tampered');
  refused(() => openField(key, sealed, { ...here, table: 'reports' }), 'tampered');
  // The length prefixes keep ("ab", "c") and ("a", "bc") apart.
  const split = sealField(key, SECRET, { table: 'ab', column: 'c', rowId: 'x' });
  refused(() => openField(key, split, { table: 'a', column: 'bc', rowId: 'x' }), 'tampered');
  refused(() => openField(newKey(), sealed, here), 'wrong_key');
  // A key that claims the right id but is other bytes.
  refused(() => openField({ id: key.id, key: randomBytes(32) }, sealed, here), 'tampered');
});

test('only 32-byte keys with UUID ids are accepted', () => {
  assert.throws(() => sealField({ id: randomUUID(), key: randomBytes(16) }, SECRET, here), TypeError);
  assert.throws(() => sealField({ id: 'system', key: randomBytes(32) }, SECRET, here), TypeError);
});

test('a key wiped as the ring forgets it opens nothing afterwards, though its key object was made once', () => {
  const key = newKey();
  const sealed = sealField(key, SECRET, here);
  assert.equal(openFieldText(key, sealed, here), SECRET, 'the key object is made and kept');
  // What KeyRing.forget does for a shredded key: the key object goes, the bytes are wiped.
  forgetKeyObject(key.key);
  key.key.fill(0);
  refused(() => openField(key, sealed, here), 'tampered');
});
