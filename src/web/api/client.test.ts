import assert from 'node:assert/strict';
import { afterEach, mock, test } from 'node:test';
import { Readiness } from '../../contract/health.ts';
import { fetchReadiness } from '../health/readiness.ts';
import { ApiError, apiDownload, apiGet, attachmentName } from './client.ts';

const problemBody = {
  type: 'about:blank',
  title: 'Not Found',
  status: 404,
  code: 'not_found',
  correlationId: 'c0ffee',
};

/** The requests fetch was called with, newest last. */
let requests: { path: string; init: RequestInit | undefined }[] = [];

function answer(status: number, body: unknown, contentType = 'application/json'): void {
  requests = [];
  mock.method(globalThis, 'fetch', async (path: string, init?: RequestInit) => {
    requests.push({ path, init });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': contentType } });
  });
}

afterEach(() => mock.restoreAll());

test('a 2xx body matching the schema is returned, fetched same-origin as JSON', async () => {
  answer(200, { status: 'ready', checks: { database: 'ok', keys: 'ok' } });
  assert.deepEqual(await apiGet('/readyz', Readiness), { status: 'ready', checks: { database: 'ok', keys: 'ok' } });
  const [{ path, init } = { path: '', init: undefined }] = requests;
  assert.equal(path, '/readyz');
  assert.equal(init?.credentials, 'same-origin');
  assert.deepEqual(init?.headers, { accept: 'application/json' });
});

test('a problem+json answer becomes an ApiError carrying the problem', async () => {
  answer(404, problemBody, 'application/problem+json; charset=utf-8');
  const error = await apiGet('/api/nothing', Readiness).catch((e: unknown) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 404);
  assert.deepEqual(error.problem, problemBody);
});

test('a non-2xx answer without a problem body is an ApiError without one', async () => {
  answer(502, { whatever: true });
  const error = await apiGet('/readyz', Readiness).catch((e: unknown) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 502);
  assert.equal(error.problem, undefined);
});

test('a 2xx body that breaks the contract is an ApiError', async () => {
  answer(200, { status: 'fine' });
  await assert.rejects(apiGet('/readyz', Readiness), ApiError);
});

test('/readyz answering 503 with a Readiness body is data, not an error', async () => {
  answer(503, { status: 'unavailable', checks: { database: 'failed', keys: 'ok' } });
  assert.deepEqual(await fetchReadiness(), { status: 'unavailable', checks: { database: 'failed', keys: 'ok' } });
});

test('/readyz answering 503 with a problem body is still an error', async () => {
  answer(
    503,
    { ...problemBody, status: 503, code: 'unavailable', title: 'Service Unavailable' },
    'application/problem+json',
  );
  const error = await fetchReadiness().catch((e: unknown) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(error.problem?.code, 'unavailable');
});

test('a download is a blob with the name the server suggests; a failure is an ApiError before any file', async () => {
  requests = [];
  mock.method(globalThis, 'fetch', async (path: string, init?: RequestInit) => {
    requests.push({ path, init });
    return new Response('a,b\n1,2\n', {
      status: 200,
      headers: { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="audit-2025.csv"' },
    });
  });
  const download = await apiDownload('/api/x.csv', 'text/csv');
  assert.equal(await download.blob.text(), 'a,b\n1,2\n');
  assert.equal(download.filename, 'audit-2025.csv');
  assert.equal(requests[0]?.init?.credentials, 'same-origin');

  answer(401, { ...problemBody, status: 401, code: 'step_up_required' }, 'application/problem+json');
  const error = await apiDownload('/api/x.csv', 'text/csv').catch((e: unknown) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(error.code, 'step_up_required');
});

test('only a plain file name is taken from Content-Disposition', () => {
  assert.equal(attachmentName('attachment; filename="a.csv"'), 'a.csv');
  assert.equal(attachmentName('attachment; filename=b.csv'), 'b.csv');
  assert.equal(attachmentName('attachment; filename="../etc/passwd"'), undefined);
  assert.equal(attachmentName('attachment'), undefined);
  assert.equal(attachmentName(null), undefined);
});
