import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';

export interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function waitForHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A child process on the pinned Node; its output is discarded (the server logs every request, as in production). */
export function start(script: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export function tempDataDirs(): Record<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tma-bench-'));
  return {
    TMA_DATA_DIR: path.join(dir, 'data'),
    TMA_SECRETS_DIR: path.join(dir, 'secrets'),
    TMA_AUDIT_DIR: path.join(dir, 'audit'),
  };
}

export async function load(
  url: string,
  seconds: number,
  connections: number,
  headers?: Record<string, string>,
  rotate?: readonly Record<string, string>[],
): Promise<Load> {
  let next = 0;
  // Each request takes the next header set in turn (e.g. a different session cookie each time).
  const requests = rotate?.length
    ? [
        {
          setupRequest: (req: autocannon.Request) => ({
            ...req,
            headers: { ...req.headers, ...rotate[next++ % rotate.length] },
          }),
        },
      ]
    : undefined;
  const result = await autocannon({
    url,
    duration: seconds,
    connections,
    ...(headers ? { headers } : {}),
    ...(requests ? { requests } : {}),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

/** The p-quantile (0..1) by the nearest-rank method; 0 for no values. */
export const percentile = (xs: readonly number[], p: number): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? 0;
};

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

export interface Target {
  readonly label: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
  /** Header sets used in turn, one per request. */
  readonly rotate?: readonly Record<string, string>[];
}

/**
 * Loads two targets in interleaved rounds (alternating which goes first, so drift in machine
 * state favours neither), prints both and the median ratio b/a, and returns that ratio.
 */
export async function compare(
  title: string,
  a: Target,
  b: Target,
  target: number,
): Promise<{ ratio: number; b: Load[] }> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const seconds = Number(process.env.BENCH_SECONDS ?? 4);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
  await load(a.url, 1, connections, a.headers, a.rotate);
  await load(b.url, 1, connections, b.headers, b.rotate); // warm-up: JIT and pools
  const results: { a: Load; b: Load }[] = [];
  for (let i = 0; i < rounds; i++) {
    const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
    const x = await load(first.url, seconds, connections, first.headers, first.rotate);
    const y = await load(second.url, seconds, connections, second.headers, second.rotate);
    results.push(first === a ? { a: x, b: y } : { a: y, b: x });
  }
  const ratio = median(results.map((r) => r.b.rps / r.a.rps));
  const row = (t: Target, xs: Load[]) =>
    `${t.label.padEnd(24)} ${median(xs.map((x) => x.rps))
      .toFixed(0)
      .padStart(
        8,
      )} req/s   p50 ${median(xs.map((x) => x.p50)).toFixed(1)} ms   p99 ${median(xs.map((x) => x.p99)).toFixed(1)} ms   errors ${xs.reduce((s, x) => s + x.errors, 0)}`;
  process.stdout.write(
    [
      `${title}: ${rounds} interleaved rounds of ${seconds} s, ${connections} connections, Node ${process.versions.node}`,
      row(
        a,
        results.map((r) => r.a),
      ),
      row(
        b,
        results.map((r) => r.b),
      ),
      `per-round ratios: ${results.map((r) => (r.b.rps / r.a.rps).toFixed(2)).join(' ')}`,
      `median ratio ${b.label} / ${a.label}: ${(ratio * 100).toFixed(1)}% (target >= ${target * 100}%: ${ratio >= target ? 'met' : 'NOT met'})`,
      '',
    ].join('\n'),
  );
  if (results.some((r) => r.a.errors + r.b.errors > 0)) process.exitCode = 1;
  return { ratio, b: results.map((r) => r.b) };
}

/** The URL of another database on the same server. */
export const withDb = (url: string, name: string) => Object.assign(new URL(url), { pathname: `/${name}` }).toString();

/** One statement on the server of DATABASE_URL, on a connection of its own (create or drop a bench database). */
export async function adminQuery(admin: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
