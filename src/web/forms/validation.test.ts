import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkConfirmation,
  checkDisplayName,
  checkEmail,
  checkNewPassword,
  checkRecoveryCode,
  checkTotpCode,
  collect,
  isValid,
  normaliseRecoveryCode,
  normaliseTotpCode,
} from './validation.ts';

test('e-mail addresses: required, and well-formed', () => {
  assert.deepEqual(checkEmail('  '), { key: 'validation.required' });
  assert.deepEqual(checkEmail('not an address'), { key: 'validation.email' });
  assert.equal(checkEmail(' Anna.Berg@Example.org '), undefined);
});

test('display names: required, without control characters', () => {
  assert.deepEqual(checkDisplayName(''), { key: 'validation.required' });
  assert.deepEqual(checkDisplayName('Anna\u0007'), { key: 'validation.displayName' });
  assert.equal(checkDisplayName('Anna Berg'), undefined);
});

test('new passwords: 15 to 128 characters and nothing else', () => {
  assert.deepEqual(checkNewPassword('short'), {
    key: 'validation.passwordTooShort',
    values: { min: 15, count: 5 },
  });
  assert.equal(checkNewPassword('all lower case letters only'), undefined);
  assert.deepEqual(checkNewPassword('x'.repeat(129)), { key: 'validation.passwordTooLong', values: { max: 128 } });
});

test('the confirmation must repeat the password exactly', () => {
  assert.deepEqual(checkConfirmation('a long passphrase', 'a long passphrasE'), { key: 'validation.passwordMismatch' });
  assert.equal(checkConfirmation('a long passphrase', 'a long passphrase'), undefined);
});

test('collect keeps only the fields with a problem', () => {
  const problems = collect({ email: checkEmail(''), name: checkDisplayName('Anna') });
  assert.deepEqual(Object.keys(problems), ['email']);
  assert.equal(isValid(problems), false);
  assert.equal(isValid(collect({ name: undefined })), true);
});

test('codes of the authenticator app: six digits, spaces ignored', () => {
  assert.deepEqual(checkTotpCode(' '), { key: 'validation.required' });
  assert.deepEqual(checkTotpCode('12345'), { key: 'validation.totpCode' });
  assert.deepEqual(checkTotpCode('12345a'), { key: 'validation.totpCode' });
  assert.equal(checkTotpCode('123 456'), undefined);
  assert.equal(normaliseTotpCode(' 123 456 '), '123456');
});

test('recovery codes: ten letters and digits, with or without the dash, in any case', () => {
  assert.deepEqual(checkRecoveryCode(''), { key: 'validation.required' });
  assert.deepEqual(checkRecoveryCode('k3m9q-7xw2'), { key: 'validation.recoveryCode' });
  assert.deepEqual(checkRecoveryCode('k3m9q_7xw2p'), { key: 'validation.recoveryCode' });
  assert.equal(checkRecoveryCode(' K3M9Q-7XW2P '), undefined);
  assert.equal(normaliseRecoveryCode(' K3M9Q-7XW2P '), 'k3m9q-7xw2p');
  assert.equal(normaliseRecoveryCode('k3m9q7xw2p'), 'k3m9q7xw2p');
});
