import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ConflictError } from '../../src/server/platform/http/errors.ts';
import { defineRoute } from '../../src/server/platform/http/routes.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';

/** Fixture routes: the platform's input handling is tested through a route like any other. */
function fixtures(app: FastifyInstance) {
  defineRoute(app, {
    method: 'POST',
    url: '/api/test/echo',
    policy: 'public',
    summary: 'echo',
    body: z.strictObject({ name: z.string().max(100), tags: z.array(z.string()).max(5).optional() }),
    responses: { 200: z.object({ name: z.string() }) },
    handler: ({ body }) => ({ name: body.name }),
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/test/explode',
    policy: 'public',
    summary: 'fails unexpectedly',
    responses: { 500: { description: 'always' } },
    handler: () => {
      throw new Error('select secret_column from hidden_table');
    },
  });
  defineRoute(app, {
    method: 'GET',
    url: '/api/test/conflict',
    policy: 'public',
    summary: 'conflicts',
    responses: { 409: { description: 'always' } },
    handler: () => {
      throw new ConflictError('The record was changed by someone else.');
    },
  });
}

describe('bad input gets a clear problem+json, never a 500', () => {
  let t: TestApp;
  const logLines: string[] = [];
  before(async () => {
    const { pino } = await import('pino');
    t = await buildTestApp('pglite', {
      extend: fixtures,
      env: { TMA_BODY_LIMIT_BYTES: '2048' },
      log: pino({ level: 'info' }, { write: (line: string) => logLines.push(line) }),
    });
  });
  after(() => t.close());

  const post = (payload: string, contentType = 'application/json') =>
    t.app.inject({
      method: 'POST',
      url: '/api/test/echo',
      payload,
      headers: { 'content-type': contentType, origin: 'http://localhost:3000' },
    });

  function assertProblem(res: Awaited<ReturnType<typeof post>>, status: number, code: string) {
    assert.equal(res.statusCode, status, res.body);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    const body = res.json();
    assert.equal(body.status, status);
    assert.equal(body.code, code);
    assert.equal(body.type, `urn:tma:problem:${code}`);
    assert.equal(body.correlationId, res.headers['x-request-id']);
    assert.doesNotMatch(res.body, /at .*\.ts:\d+|stack|select /i);
    return body;
  }

  test('a valid body passes', async () => {
    const res = await post(JSON.stringify({ name: 'x' }));
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { name: 'x' });
  });

  test('unknown route: 404', async () => {
    assertProblem(await t.app.inject({ method: 'GET', url: '/api/nope' }), 404, 'not_found');
    const origin = { origin: 'http://localhost:3000' };
    assertProblem(await t.app.inject({ method: 'DELETE', url: '/livez', headers: origin }), 404, 'not_found');
    assertProblem(await t.app.inject({ method: 'TRACE', url: '/livez', headers: origin }), 404, 'not_found');
    // Without our Origin, any state-changing method is refused before routing.
    assertProblem(await t.app.inject({ method: 'TRACE', url: '/livez' }), 403, 'csrf_failed');
  });

  test('malformed JSON: 400', async () => {
    assertProblem(await post('{"name": '), 400, 'bad_request');
    assertProblem(await post(''), 400, 'bad_request');
  });

  test('oversized body: 413', async () => {
    assertProblem(await post(JSON.stringify({ name: 'x'.repeat(5000) })), 413, 'payload_too_large');
  });

  test('wrong content type: 415', async () => {
    assertProblem(await post('name=x', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
    assertProblem(await post('<name/>', 'text/xml'), 415, 'unsupported_media_type');
  });

  test('__proto__ and constructor.prototype payloads: 400, Object.prototype unchanged', async () => {
    assertProblem(await post('{"name":"x","__proto__":{"polluted":"yes"}}'), 400, 'bad_request');
    assertProblem(await post('{"name":"x","constructor":{"prototype":{"polluted":"yes"}}}'), 400, 'bad_request');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
  });

  test('unknown fields and wrong types: 400 with the field paths', async () => {
    const unknown = assertProblem(await post(JSON.stringify({ name: 'x', role: 'admin' })), 400, 'validation_failed');
    assert.ok(
      unknown.errors.some((e: { path: string }) => e.path === 'body'),
      JSON.stringify(unknown.errors),
    );
    const wrong = assertProblem(await post(JSON.stringify({ name: 5 })), 400, 'validation_failed');
    assert.deepEqual(
      wrong.errors.map((e: { path: string }) => e.path),
      ['body.name'],
    );
  });

  test('a query string on a route that takes none: 400', async () => {
    assertProblem(await t.app.inject({ method: 'GET', url: '/livez?x=1' }), 400, 'validation_failed');
  });

  test('conflict: 409 with its own code', async () => {
    assertProblem(await t.app.inject({ method: 'GET', url: '/api/test/conflict' }), 409, 'conflict');
  });

  test('an unexpected error: generic 500 with a correlation id; details only in the log', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/test/explode' });
    const body = assertProblem(res, 500, 'internal_error');
    assert.doesNotMatch(res.body, /secret_column|hidden_table/);
    const logged = logLines.find((l) => l.includes(body.correlationId) && l.includes('unhandled error'));
    assert.ok(logged, 'the error is logged with the correlation id');
    assert.match(logged, /secret_column/);
  });

  test('request log lines carry the route template, never the query string or body', async () => {
    logLines.length = 0;
    await t.app.inject({ method: 'GET', url: '/?token=abc123secret' });
    await post(JSON.stringify({ name: 'Erika Mustermann' }));
    const text = logLines.join('\n');
    assert.doesNotMatch(text, /abc123secret|Erika/);
    assert.match(text, /"route":"\/api\/test\/echo"/);
  });
});
