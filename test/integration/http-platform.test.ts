import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { isPolicyName } from '../../src/server/access/policies.ts';
import { systemClock } from '../../src/server/platform/clock.ts';
import { defineRoute, installPolicyCheck, routeTable } from '../../src/server/platform/http/routes.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/server/platform/http/security-headers.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

const METRICS_TOKEN = 'm'.repeat(40);

const EXPECTED_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

function fixtureWeb(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tma-web-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/app-abc.js"></script></head></html>',
  );
  writeFileSync(path.join(dir, 'assets', 'app-abc.js'), 'export {}');
  mkdirSync(path.join(dir, 'assets', 'pdfjs-6.5.438'));
  writeFileSync(path.join(dir, 'assets', 'pdfjs-6.5.438', 'openjpeg_nowasm_fallback.js'), 'export default 1');
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

for (const engine of engines()) {
  describe(`HTTP platform on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(engine, { env: { TMA_METRICS_TOKEN: METRICS_TOKEN }, webDir: fixtureWeb() });
    });
    after(() => t.close());

    test('exact security headers on API, HTML and error responses; no X-Powered-By; no HSTS without TLS', async () => {
      for (const url of ['/livez', '/', '/some/client/route', '/api/nope']) {
        const res = await t.app.inject({ method: 'GET', url });
        for (const [name, value] of Object.entries(EXPECTED_HEADERS)) {
          assert.equal(res.headers[name], value, `${name} on ${url}`);
        }
        assert.equal(res.headers['x-powered-by'], undefined);
        assert.equal(res.headers['strict-transport-security'], undefined);
      }
    });

    test('the SPA: index.html for client routes, hashed assets cached for a year, /api never falls back', async () => {
      const page = await t.app.inject({ method: 'GET', url: '/cases/42?tab=persons' });
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['content-type']), /text\/html/);
      const asset = await t.app.inject({ method: 'GET', url: '/assets/app-abc.js' });
      assert.equal(asset.statusCode, 200);
      assert.match(String(asset.headers['cache-control']), /max-age=31536000.*immutable/);
      assert.equal((await t.app.inject({ method: 'GET', url: '/favicon.svg' })).statusCode, 200);
      assert.equal((await t.app.inject({ method: 'GET', url: '/assets/..%2f..%2fpackage.json' })).statusCode, 404);
      // One directory of a library's files under its version (pdf.js's image decoders), as JavaScript.
      const decoder = await t.app.inject({ method: 'GET', url: '/assets/pdfjs-6.5.438/openjpeg_nowasm_fallback.js' });
      assert.equal(decoder.statusCode, 200);
      assert.match(String(decoder.headers['content-type']), /javascript/);
      for (const url of [
        '/assets/pdfjs-6.5.438/..%2f..%2findex.html',
        '/assets/..%2findex.html',
        '/assets/.hidden/x.js',
        '/assets/a/b/c.js',
      ]) {
        assert.equal((await t.app.inject({ method: 'GET', url })).statusCode, 404, url);
      }
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/no-such-resource' })).statusCode, 404);
      assert.equal((await t.app.inject({ method: 'GET', url: '/robots.txt' })).statusCode, 404);
      assert.equal((await t.app.inject({ method: 'GET', url: '/cases/TM-2026-0042' })).statusCode, 200);
    });

    test('/livez is ok; /readyz is ready, 503 while draining', async () => {
      assert.deepEqual((await t.app.inject({ method: 'GET', url: '/livez' })).json(), { status: 'ok' });
      const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(ready.statusCode, 200);
      assert.deepEqual(ready.json(), { status: 'ready', checks: { database: 'ok', keys: 'ok' } });
      t.lifecycle.startDraining();
      const draining = await t.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(draining.statusCode, 503);
      assert.equal(draining.json().status, 'draining');
      assert.equal((await t.app.inject({ method: 'GET', url: '/livez' })).statusCode, 200);
    });

    test('/metrics: invisible without the token, Prometheus text with it, labelled by route template', async () => {
      assert.equal((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 404);
      const wrong = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${'x'.repeat(40)}` },
      });
      assert.equal(wrong.statusCode, 404);
      await t.app.inject({ method: 'GET', url: '/cases/7' });
      const res = await t.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /tma_http_requests_total\{method="GET",route="\/livez",status="200"\}/);
      assert.match(res.body, /tma_http_request_duration_seconds_bucket/);
      assert.match(res.body, /nodejs_eventloop_lag_seconds/);
      assert.match(res.body, /tma_db_pool_connections\{state="total"\}/);
      assert.match(res.body, /tma_audit_unchained_events\{measure="oldest_age_seconds"\} \d/);
      assert.doesNotMatch(res.body, /\/cases\/7/, 'raw paths never become labels');
    });

    test('the OpenAPI document describes the API routes from their zod schemas', async () => {
      const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      assert.equal(doc.openapi, '3.1.0');
      assert.ok(doc.paths['/readyz'].get.responses['503']);
      assert.equal(doc.paths['/readyz'].get['x-policy'], 'public');
      assert.equal(doc.paths['/metrics'].get['x-policy'], 'metrics');
      assert.equal(doc.paths['/api/admin/users/{id}/role'].put['x-step-up'], true);
      const invite = doc.paths['/api/admin/users'].post.requestBody.content['application/json'].schema;
      assert.equal(invite.$ref, '#/components/schemas/InviteUserRequest');
      const schemas = doc.components.schemas;
      assert.equal(schemas.InviteUserRequest.additionalProperties, false, 'unknown fields are refused');
      assert.deepEqual(
        schemas.InviteUserRequest.required,
        ['email', 'displayName', 'role'],
        'input: defaults optional',
      );
      assert.equal(schemas.AdminActionResult.properties.user.$ref, '#/components/schemas/User');
      // Every reference points at a schema that exists.
      for (const ref of JSON.stringify(doc).match(/#\/components\/schemas\/[A-Za-z]+/g) ?? []) {
        assert.ok(schemas[ref.split('/').pop() ?? ''], ref);
      }
      assert.equal(doc.paths['/*'], undefined, 'the SPA shell is not an API');
      // Every templated path declares its parameters, with the schema the route checks.
      for (const [path, methods] of Object.entries(
        doc.paths as Record<string, Record<string, { parameters?: { name: string }[] }>>,
      ))
        for (const op of Object.values(methods))
          assert.deepEqual(
            (op.parameters ?? []).map((p) => p.name),
            [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]),
            path,
          );
      const [id] = doc.paths['/api/admin/users/{id}/role'].put.parameters;
      assert.deepEqual([id.in, id.required, id.schema.format], ['path', true, 'uuid']);
      const [key] = doc.paths['/api/models/{key}/diff'].get.parameters;
      assert.equal(key.schema.pattern, '^[a-z][a-z0-9_]*$');
    });
  });
}

describe('behind a proxy', () => {
  const ipRoute = (app: FastifyInstance) =>
    defineRoute(app, {
      method: 'GET',
      url: '/api/test/ip',
      policy: 'public',
      summary: 'the client address as the server sees it',
      responses: { 200: { description: 'ip' } },
      handler: (_input, request) => ({ ip: request.ip }),
    });
  const ipOf = async (t: TestApp, remoteAddress: string, forwardedFor: string) =>
    (
      await t.app.inject({
        method: 'GET',
        url: '/api/test/ip',
        remoteAddress,
        headers: { 'x-forwarded-for': forwardedFor },
      })
    ).json().ip;

  test('X-Forwarded-For counts only from the configured proxies; anyone else cannot spoof their address', async () => {
    const t = await buildTestApp('pglite', { env: { TMA_TRUST_PROXY: '10.0.0.0/8' }, extend: ipRoute });
    try {
      assert.equal(await ipOf(t, '10.1.2.3', '203.0.113.9'), '203.0.113.9');
      assert.equal(await ipOf(t, '192.0.2.50', '203.0.113.9'), '192.0.2.50');
    } finally {
      await t.close();
    }
    const untrusting = await buildTestApp('pglite', { extend: ipRoute });
    try {
      assert.equal(await ipOf(untrusting, '10.1.2.3', '203.0.113.9'), '10.1.2.3');
    } finally {
      await untrusting.close();
    }
  });
});

describe('HSTS behind a TLS-terminating proxy', () => {
  test('an https public URL gets HSTS even though the proxy, not TMA, terminates TLS', async () => {
    const t = await buildTestApp('pglite', {
      env: { TMA_PUBLIC_URL: 'https://tma.example.com', TMA_TRUST_PROXY: '10.0.0.0/8' },
    });
    try {
      const res = await t.app.inject({ method: 'GET', url: '/livez' });
      assert.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    } finally {
      await t.close();
    }
  });
});

describe('readiness without a database', () => {
  test('/readyz is 503 when the database does not answer; /livez stays ok', async () => {
    const t = await buildTestApp('pglite');
    await t.database.close();
    try {
      const res = await t.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(res.statusCode, 503);
      assert.deepEqual(res.json(), { status: 'unavailable', checks: { database: 'failed', keys: 'ok' } });
      assert.equal((await t.app.inject({ method: 'GET', url: '/livez' })).statusCode, 200);
    } finally {
      await t.app.close();
    }
  });
});

describe('deny by default', () => {
  test('every route of the app declares a known policy (route-table walk)', async () => {
    const t = await buildTestApp('pglite');
    try {
      const table = routeTable(t.app);
      for (const route of table) {
        assert.ok(isPolicyName(route.policy), `${route.method} ${route.url} has no known policy`);
      }
      const urls = new Set(table.map((r) => r.url));
      for (const url of ['/livez', '/readyz', '/metrics', '/api/openapi.json', '/*']) assert.ok(urls.has(url), url);
    } finally {
      await t.close();
    }
  });

  test('registering a route without a policy fails at start', async () => {
    const app = Fastify();
    installPolicyCheck(app, { metricsToken: undefined, clock: systemClock, stepUpMs: 300_000 });
    assert.throws(() => app.get('/naked', async () => 'hi'), /declares no policy/);
    assert.throws(
      () =>
        defineRoute(app, {
          method: 'GET',
          url: '/bogus',
          policy: 'nobody' as 'public',
          summary: '',
          responses: {},
          handler: () => 1,
        }),
      /declares no policy/,
    );
    await app.close();
  });
});
