import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readLinkToken } from './link-token.ts';

test('the fragment of a one-time link is its token', () => {
  const token = `${'A'.repeat(40)}_-9`;
  assert.deepEqual(readLinkToken(`#${token}`), { status: 'ok', token });
});

test('no fragment, and a fragment that cannot be a token, are told apart', () => {
  assert.deepEqual(readLinkToken(''), { status: 'missing' });
  assert.deepEqual(readLinkToken('#'), { status: 'missing' });
  assert.deepEqual(readLinkToken('#abc'), { status: 'malformed' });
  assert.deepEqual(readLinkToken(`#${'A'.repeat(42)}=`), { status: 'malformed' });
});
