import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkPassword } from './password-policy.ts';

test('length decides: 15 to 128 characters, counted as characters, not bytes', () => {
  assert.equal(checkPassword('short but fine'), 'too_short');
  assert.equal(checkPassword('längere Passphrase ohne Regeln'), undefined);
  assert.equal(checkPassword(`${'🐉'.repeat(7)}drachenflug`), undefined);
  assert.equal(checkPassword('x'.repeat(129)), 'too_long');
});

test('no composition rules: a long lower-case passphrase is fine', () => {
  assert.equal(checkPassword('correct horse battery staple'), undefined);
});

test('common, repeated and personal passwords are refused', () => {
  assert.equal(checkPassword('1qaz2wsx3edc4rfv'), 'common');
  assert.equal(checkPassword('passwordpassword'), 'common');
  assert.equal(checkPassword('hausbootfahrthausbootfahrt'), 'repetitive');
  assert.equal(checkPassword('aaaaaaaaaaaaaaaaaaaa'), 'repetitive');
  assert.equal(checkPassword('abababababababab'), 'repetitive');
  assert.equal(checkPassword('123456789012345'), 'repetitive');
  assert.equal(checkPassword('zyxwvutsrqponmlk'), 'repetitive');
  assert.equal(checkPassword('erika.mustermann1', { email: 'erika.mustermann@example.com' }), 'personal');
});
