import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../src/server/config.ts';
import { defineRoute } from '../../src/server/platform/http/routes.ts';
import { startServer } from '../../src/server/server.ts';

function get(url: string, agent: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

test('on shutdown an in-flight request completes, while a new one is refused or gets 503', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tma-shutdown-'));
  const config = loadConfig({
    TMA_DATA_DIR: path.join(dir, 'data'),
    TMA_SECRETS_DIR: path.join(dir, 'secrets'),
    TMA_AUDIT_DIR: path.join(dir, 'audit'),
    TMA_PORT: '0',
  });
  let entered!: () => void;
  const inHandler = new Promise<void>((r) => {
    entered = r;
  });
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const server = await startServer(config, pino({ level: 'silent' }), {
    beforeListen: (app) =>
      defineRoute(app, {
        method: 'GET',
        url: '/api/test/slow',
        policy: 'public',
        summary: 'waits for the test',
        responses: { 200: { description: 'done' } },
        handler: async () => {
          entered();
          await gate;
          return { finished: true };
        },
      }),
  });
  const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const warm = await get(`${server.url}/livez`, keepAlive);
  assert.equal(warm.status, 200);

  const inflight = get(`${server.url}/api/test/slow`, keepAlive);
  await inHandler;
  const stopping = server.shutdown();

  const afterSignal = await get(`${server.url}/readyz`, keepAlive).then(
    (r) => r.status,
    (e: NodeJS.ErrnoException) => e.code,
  );
  assert.ok(afterSignal === 503 || afterSignal === 'ECONNREFUSED' || afterSignal === 'ECONNRESET', String(afterSignal));

  release();
  const done = await inflight;
  assert.equal(done.status, 200);
  assert.deepEqual(JSON.parse(done.body), { finished: true });
  await stopping;
  assert.equal(existsSync(path.join(dir, 'data', 'tma.lock')), false);
  keepAlive.destroy();
});
