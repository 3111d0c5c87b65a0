import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkConfirmation, checkDisplayName, checkEmail, checkNewPassword, collect, isValid } from './validation.ts';

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
