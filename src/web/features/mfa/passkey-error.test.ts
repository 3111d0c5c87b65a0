import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ceremonyFailure } from './passkey-error.ts';

const domError = (name: string) => Object.assign(new Error('raw message of the browser'), { name });

test('the browser’s refusals are told apart by name: cancelled, already there, unsupported, other', () => {
  assert.equal(ceremonyFailure(domError('NotAllowedError')), 'cancelled');
  assert.equal(ceremonyFailure(domError('AbortError')), 'cancelled');
  assert.equal(ceremonyFailure(domError('InvalidStateError')), 'exists');
  assert.equal(ceremonyFailure(domError('NotSupportedError')), 'unsupported');
  assert.equal(ceremonyFailure(domError('ConstraintError')), 'unsupported');
  assert.equal(ceremonyFailure(domError('SecurityError')), 'failed');
  assert.equal(ceremonyFailure('not even an error'), 'failed');
});
