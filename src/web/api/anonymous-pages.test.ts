import assert from 'node:assert/strict';
import { afterEach, mock, test } from 'node:test';
import { z } from 'zod';
import { onAnonymousPage } from './anonymous-pages.ts';
import { apiGet, apiPost, apiUpload, setCsrfToken, UploadRefusedError } from './client.ts';

/** The headers of each request fetch was called with. */
let sent: { path: string; headers: Record<string, string> }[] = [];

function answer(status: number, body: unknown): void {
  sent = [];
  mock.method(globalThis, 'fetch', async (path: string, init?: RequestInit) => {
    sent.push({ path, headers: { ...(init?.headers as Record<string, string>) } });
    const type = status >= 400 ? 'application/problem+json' : 'application/json';
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
  });
}

/** The browser's address, as the node test runner has none. */
function at(pathname: string | undefined): void {
  if (pathname === undefined) Reflect.deleteProperty(globalThis, 'location');
  else Object.defineProperty(globalThis, 'location', { value: { pathname }, configurable: true });
}

afterEach(() => {
  mock.restoreAll();
  at(undefined);
  setCsrfToken(undefined);
});

test('the anonymous pages are /report and /report/status, with or without a trailing slash', () => {
  assert.equal(onAnonymousPage(), false);
  for (const page of ['/report', '/report/', '/report/status']) {
    at(page);
    assert.equal(onAnonymousPage(), true, page);
  }
  for (const page of ['/reports', '/reports/new', '/triage', '/']) {
    at(page);
    assert.equal(onAnonymousPage(), false, page);
  }
});

test('on an anonymous page every request is passive, and the anonymous API gets no CSRF token', async () => {
  setCsrfToken('token-of-the-session');
  at('/report');
  answer(200, {});
  await apiGet('/api/session', z.object({}));
  await apiPost('/api/anonymous/receipt', { receipt: 'x' }, z.object({}));
  assert.equal(sent[0]?.headers['x-tma-passive'], '1');
  assert.equal(sent[1]?.headers['x-tma-passive'], '1');
  assert.equal(sent[1]?.headers['x-csrf-token'], undefined);

  // Elsewhere the user's own requests count as activity and carry the token.
  at('/reports/new');
  answer(200, {});
  await apiGet('/api/session', z.object({}));
  await apiPost('/api/reports', {}, z.object({}));
  assert.equal(sent[0]?.headers['x-tma-passive'], undefined);
  assert.equal(sent[1]?.headers['x-csrf-token'], 'token-of-the-session');
});

test('an upload refused for a known reason says which; another failure stays a plain ApiError', async () => {
  const file = new File(['hello'], 'note.pdf', { type: 'application/pdf' });
  const refusal = {
    type: 'about:blank',
    title: 'Bad Request',
    status: 400,
    code: 'upload_refused',
    correlationId: 'c',
  };
  answer(400, { ...refusal, reason: 'type_mismatch' });
  const error = await apiUpload('/api/documents', { ownerType: 'report' }, file, z.object({})).catch((e) => e);
  assert.ok(error instanceof UploadRefusedError);
  assert.equal(error.reason, 'type_mismatch');
  assert.equal(error.code, 'upload_refused');

  answer(400, { ...refusal, reason: 'something_new' });
  const other = await apiUpload('/api/documents', {}, file, z.object({})).catch((e) => e);
  assert.ok(!(other instanceof UploadRefusedError));
  assert.equal(other.code, 'upload_refused');
});
