import { fileURLToPath } from 'node:url';
import { compare, freePort, start, stop, tempDataDirs, waitForHttp } from './support.ts';

/**
 * TMA's /livez, which passes every hook an API route passes (security headers, session lookup
 * when a cookie is sent, CSRF, policy check, metrics, request log), against a bare node:http
 * server in the same run. Target: at least 40% of its throughput.
 */
const [barePort, tmaPort] = [await freePort(), await freePort()];
const bare = start(fileURLToPath(new URL('./bare-server.ts', import.meta.url)), { PORT: String(barePort) });
const tma = start(fileURLToPath(new URL('../src/server/main.ts', import.meta.url)), {
  ...tempDataDirs(),
  DATABASE_URL: '',
  TMA_MIGRATION_DATABASE_URL: '',
  TMA_PORT: String(tmaPort),
  TMA_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
});

try {
  const bareUrl = `http://127.0.0.1:${barePort}/livez`;
  const tmaUrl = `http://127.0.0.1:${tmaPort}/livez`;
  await Promise.all([waitForHttp(bareUrl), waitForHttp(tmaUrl)]);
  await compare(
    'bench /livez vs bare node:http',
    { label: 'bare node:http', url: bareUrl },
    { label: 'TMA /livez', url: tmaUrl },
    0.4,
  );
} finally {
  await Promise.all([stop(bare), stop(tma)]);
}
