import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TFunction } from 'i18next';
import { PasskeyCeremonyError } from '../features/mfa/passkey-error.ts';
import { ApiError } from './client.ts';
import { describeError, tooManyAttempts } from './error-message.ts';

/** A stand-in for i18next's t: the key and its values, so the tests see which text was chosen. */
const t = ((key: string, values?: Record<string, unknown>) =>
  values === undefined ? key : `${key} ${JSON.stringify(values)}`) as unknown as TFunction;

const problem = (status: number, code: string) => ({
  type: 'about:blank',
  title: 'x',
  status,
  code,
  correlationId: 'c0ffee',
});

test('known problem codes get their own message and no support reference', () => {
  const error = new ApiError(401, problem(401, 'invalid_credentials'), 'x');
  assert.deepEqual(describeError(t, error), { message: 'errors.invalid_credentials', reference: undefined });
});

test('unexpected failures get the generic or server message with the request reference', () => {
  assert.deepEqual(describeError(t, new ApiError(500, problem(500, 'internal'), 'x')), {
    message: 'errors.server',
    reference: 'c0ffee',
  });
  assert.deepEqual(describeError(t, new ApiError(400, problem(400, 'bad_request'), 'x')), {
    message: 'errors.generic',
    reference: 'c0ffee',
  });
  assert.deepEqual(describeError(t, new TypeError('Failed to fetch')), {
    message: 'errors.network',
    reference: undefined,
  });
});

test('too many attempts says how long to wait, in seconds up to 90, then in whole minutes', () => {
  assert.equal(tooManyAttempts(t, undefined), 'errors.too_many_attempts');
  assert.equal(tooManyAttempts(t, 30), 'errors.tooManyAttemptsSeconds {"count":30}');
  assert.equal(tooManyAttempts(t, 0), 'errors.tooManyAttemptsSeconds {"count":1}');
  assert.equal(tooManyAttempts(t, 91), 'errors.tooManyAttemptsMinutes {"count":2}');
  assert.equal(tooManyAttempts(t, 900), 'errors.tooManyAttemptsMinutes {"count":15}');
  const error = new ApiError(429, problem(429, 'too_many_attempts'), 'x', 120);
  assert.equal(describeError(t, error).message, 'errors.tooManyAttemptsMinutes {"count":2}');
});

test('a failed passkey ceremony in the browser is told by its reason, without a reference', () => {
  for (const reason of ['cancelled', 'exists', 'unsupported', 'failed'] as const) {
    assert.deepEqual(describeError(t, new PasskeyCeremonyError(reason, new Error('raw'))), {
      message: `errors.passkey.${reason}`,
      reference: undefined,
    });
  }
});
