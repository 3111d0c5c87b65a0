import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeRedirect } from './redirect.ts';

test('paths of this app are kept, with their search', () => {
  assert.equal(safeRedirect('/admin/users'), '/admin/users');
  assert.equal(safeRedirect('/profile?tab=sessions'), '/profile?tab=sessions');
  assert.equal(safeRedirect('/sign-inside'), '/sign-inside');
});

test('other origins, protocol-relative and backslash tricks, and the sign-in page itself are refused', () => {
  for (const target of [
    'https://evil.example',
    '//evil.example/x',
    '/\\evil.example',
    'profile',
    '/sign-in',
    '/sign-in?x=1',
    '/sign-in#x',
    '/sign-in/code',
    '/sign-in/code?redirect=%2Fprofile',
    '/sign-in/set-up',
    '/sign-in/set-up?redirect=%2Fadmin%2Fusers',
    7,
    undefined,
  ]) {
    assert.equal(safeRedirect(target), undefined, String(target));
  }
});
