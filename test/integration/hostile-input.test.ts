import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { routeTable } from '../../src/server/platform/http/routes.ts';
import { type Browser, createAccount, ORIGIN, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';

/**
 * Every endpoint that takes a body, as the most privileged caller it admits, against malformed,
 * oversized and hostile input: always a clear 4xx problem, never a 500, and Object.prototype
 * stays clean. Generated from the route table, so new endpoints are covered as they appear.
 */
const HOSTILE: [string, string | Buffer][] = [
  ['malformed JSON', '{"email": "a@b.c", '],
  ['a JSON array', '[1,2,3]'],
  ['a JSON string', '"hello"'],
  ['__proto__', '{"__proto__": {"polluted": true}, "email": "x@example.com"}'],
  ['constructor.prototype', '{"constructor": {"prototype": {"polluted": true}}}'],
  [
    'control characters',
    JSON.stringify({
      email: 'a\r\nb@example.com',
      displayName: 'X\u0000\u001b[31m',
      password: '\r\n'.repeat(10),
      token: '\u0000'.repeat(43),
    }),
  ],
  ['wrong types', JSON.stringify({ email: 42, password: ['x'], role: { admin: true }, version: 'one', token: null })],
  ['unknown fields', JSON.stringify({ isAdmin: true, role: 'admin', status: 'active' })],
  ['10 MB', Buffer.alloc(10 * 1024 * 1024, 'a')],
];

describe('hostile input on every endpoint that takes a body', () => {
  let t: TestApp;
  let browsers: Map<string, Browser>;
  const lines: string[] = [];
  before(async () => {
    const { pino } = await import('pino');
    t = await buildTestApp('pglite', { log: pino({ level: 'info' }, { write: (l: string) => lines.push(l) }) });
    browsers = new Map();
    for (const role of ['admin', 'team_lead', 'reporter'] as const) {
      const b = await signIn(t, (await createAccount(t, role)).email);
      await stepUp(t, b);
      browsers.set(role, b);
    }
  });
  after(() => t.close());

  test('a clear 4xx, never a 500; no prototype pollution; log lines stay one line each', async () => {
    const routes = routeTable(t.app).filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method));
    assert.ok(routes.length >= 10);
    for (const route of routes) {
      const browser =
        route.policy === 'users.manage'
          ? browsers.get('admin')
          : route.policy === 'approvals.decide'
            ? browsers.get('team_lead')
            : browsers.get('reporter');
      const url = route.url.replace(':id', randomUUID());
      for (const [name, payload] of HOSTILE) {
        const res = await t.app.inject({
          method: route.method as 'POST',
          url,
          payload,
          headers: {
            'content-type': 'application/json',
            origin: ORIGIN,
            ...(route.policy !== 'public' && browser
              ? { cookie: `__Host-tma=${browser.cookie}`, 'x-csrf-token': browser.csrf ?? '' }
              : {}),
          },
        });
        assert.ok(
          res.statusCode >= 400 && res.statusCode < 500,
          `${route.method} ${url} with ${name}: ${res.statusCode} ${res.body.slice(0, 200)}`,
        );
        assert.match(
          String(res.headers['content-type']),
          /application\/problem\+json/,
          `${route.method} ${url} with ${name}`,
        );
      }
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), 'every log line is one JSON object');
    assert.ok(!lines.some((l) => l.includes('\u001b')), 'no raw control characters reach the log');
  });
});
