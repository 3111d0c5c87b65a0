import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminQuery, compare, freePort, start, stop, tempDataDirs, waitForHttp, withDb } from './support.ts';

/**
 * An authenticated API request that reads no case data (GET /api/session: session lookup in
 * the database, CSRF and policy checks) against /livez of the same server in the same run.
 * On PostgreSQL when DATABASE_URL is set (a fresh database is made from it and dropped after),
 * otherwise on the embedded engine. Each request carries the next of as many sessions as there
 * are connections. The administrator has no second factor set up, so the sessions are confined
 * to the set-up; GET /api/session is open to them, and the lookup and checks are the same.
 * Targets: at least 30% of /livez, p99 under 50 ms.
 */
const ORIGIN_HEADER = { 'content-type': 'application/json' };
const admin = process.env.DATABASE_URL;
const dbName = `tma_bench_${process.pid}`;

if (admin) await adminQuery(admin, `create database ${dbName}`);
const dirs = tempDataDirs();
const port = await freePort();
const origin = `http://localhost:${port}`;
const tma = start(fileURLToPath(new URL('../src/server/main.ts', import.meta.url)), {
  ...dirs,
  DATABASE_URL: admin ? withDb(admin, dbName) : '',
  TMA_MIGRATION_DATABASE_URL: '',
  TMA_PORT: String(port),
  TMA_PUBLIC_URL: origin,
  TMA_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
});

try {
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/readyz`);
  // The real first run: the setup link from the secrets directory, then sign in.
  const link = readFileSync(path.join(dirs.TMA_SECRETS_DIR ?? '', 'setup-link.txt'), 'utf8').trim();
  const password = 'a long benchmark passphrase';
  const setup = await fetch(`${base}/api/setup`, {
    method: 'POST',
    headers: { ...ORIGIN_HEADER, origin },
    body: JSON.stringify({
      token: link.split('#')[1],
      admin: { email: 'bench-admin@example.com', displayName: 'Bench', password },
      teamLead: { email: 'bench-lead@example.com', displayName: 'Lead' },
    }),
  });
  if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${await setup.text()}`);
  // As many sessions as connections, used in turn: concurrent requests carry different cookies,
  // as they would from a team, so nothing is measured that one repeated cookie would flatter.
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
  const cookies: { cookie: string }[] = [];
  for (let i = 0; i < connections; i++) {
    const signIn = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { ...ORIGIN_HEADER, origin },
      body: JSON.stringify({ email: 'bench-admin@example.com', password }),
    });
    const cookie = signIn.headers.get('set-cookie')?.split(';')[0];
    if (!cookie) throw new Error(`sign-in failed: ${signIn.status}`);
    cookies.push({ cookie });
  }

  process.stdout.write(`engine: ${admin ? 'postgres' : 'pglite'}\n`);
  const { b } = await compare(
    'bench authenticated GET /api/session vs /livez',
    { label: 'TMA /livez', url: `${base}/livez` },
    { label: 'TMA GET /api/session', url: `${base}/api/session`, rotate: cookies },
    0.3,
  );
  const p99 = Math.max(...b.map((x) => x.p99));
  process.stdout.write(`worst p99 of GET /api/session: ${p99} ms (target < 50 ms: ${p99 < 50 ? 'met' : 'NOT met'})\n`);
} finally {
  await stop(tma);
  if (admin) await adminQuery(admin, `drop database if exists ${dbName} with (force)`);
}
