import { fileURLToPath } from 'node:url';
import { freePort, type Load, load, median, start, stop, tempDataDirs, waitForHttp } from './support.ts';

/**
 * `npm run bench`: TMA's /livez (which passes every hook an API route passes: security headers,
 * policy check, metrics, request log) against a bare node:http server, in interleaved rounds in
 * one run, so that both see the same machine state. Reports ratios, not absolute numbers.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const TARGET = 0.4;

const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite';
const [barePort, tmaPort] = [await freePort(), await freePort()];
const bare = start(fileURLToPath(new URL('./bare-server.ts', import.meta.url)), { PORT: String(barePort) });
const tma = start(fileURLToPath(new URL('../src/server/main.ts', import.meta.url)), {
  ...tempDataDirs(),
  TMA_PORT: String(tmaPort),
  TMA_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
});

try {
  const bareUrl = `http://127.0.0.1:${barePort}/livez`;
  const tmaUrl = `http://127.0.0.1:${tmaPort}/livez`;
  await Promise.all([waitForHttp(bareUrl), waitForHttp(tmaUrl)]);
  await load(bareUrl, 1, CONNECTIONS);
  await load(tmaUrl, 1, CONNECTIONS); // warm-up: JIT and pools

  const rounds: { bare: Load; tma: Load }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate which goes first, so drift in machine state does not favour one side.
    const first = i % 2 === 0 ? bareUrl : tmaUrl;
    const a = await load(first, SECONDS, CONNECTIONS);
    const b = await load(first === bareUrl ? tmaUrl : bareUrl, SECONDS, CONNECTIONS);
    rounds.push(first === bareUrl ? { bare: a, tma: b } : { bare: b, tma: a });
  }

  const ratio = median(rounds.map((r) => r.tma.rps / r.bare.rps));
  const row = (name: string, pick: (r: { bare: Load; tma: Load }) => Load) => {
    const xs = rounds.map(pick);
    return `${name.padEnd(16)} ${median(xs.map((x) => x.rps))
      .toFixed(0)
      .padStart(
        8,
      )} req/s   p50 ${median(xs.map((x) => x.p50)).toFixed(1)} ms   p99 ${median(xs.map((x) => x.p99)).toFixed(1)} ms   errors ${xs.reduce((s, x) => s + x.errors, 0)}`;
  };
  process.stdout.write(
    [
      `bench /livez: engine ${engine}, Node ${process.versions.node}, ${ROUNDS} interleaved rounds of ${SECONDS} s, ${CONNECTIONS} connections`,
      row('bare node:http', (r) => r.bare),
      row('TMA /livez', (r) => r.tma),
      `per-round ratios: ${rounds.map((r) => (r.tma.rps / r.bare.rps).toFixed(2)).join(' ')}`,
      `median ratio TMA/bare: ${(ratio * 100).toFixed(1)}% (target >= ${TARGET * 100}%: ${ratio >= TARGET ? 'met' : 'NOT met'})`,
      '',
    ].join('\n'),
  );
  if (rounds.some((r) => r.tma.errors > 0)) process.exitCode = 1;
} finally {
  await Promise.all([stop(bare), stop(tma)]);
}
