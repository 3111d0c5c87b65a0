import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { type Seeded, seedCases } from './cases-seed.ts';
import { adminQuery, freePort, median, start, stop, tempDataDirs, waitForHttp, withDb } from './support.ts';

/**
 * What the benches of case routes under load share (bench/cases.ts, bench/timeline.ts): their
 * settings, a real server on a fresh database seeded by cases-seed.ts with the member's sessions
 * (caseBench), loads in rounds with the order reversed every other round, CPU metered per request
 * from Linux's /proc, and the table of the results.
 */
export interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  ok: number;
  /** CPU time per request of the process that served it, and of the bench database's backends. */
  serverMs: number;
  postgresMs: number;
  /** Cores that processes outside this bench kept busy meanwhile: the noise of a shared machine. */
  others: number;
}

type Metered = Pick<Run, 'serverMs' | 'postgresMs' | 'others'>;

/**
 * CPU seconds so far of a process, or (no pid) of the whole machine, busy rather than idle or
 * waiting, from Linux's /proc in clock ticks of 10 ms; 0 elsewhere or for a process gone.
 */
function cpuSeconds(pid?: number): number {
  try {
    if (pid !== undefined) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) / 100;
    }
    const ticks = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1, 9).map(Number);
    return (ticks.reduce((a, b) => a + b, 0) - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / 100;
  } catch {
    return 0;
  }
}

/**
 * Where the CPU goes, so that the server's overhead shows apart from the cost of the SQL (which
 * the floor pays too: its PostgreSQL time per request should match ours) and from whatever else
 * runs on the machine.
 */
export async function meter(db: pg.Client, serving: number | undefined, ours: readonly (number | undefined)[]) {
  // Pools open and close connections as they go: a backend is counted from its first sighting,
  // and one that is gone by the end only up to the start (a little less, never a negative).
  const backends = async () => {
    const { rows } = await db.query<{ pid: number }>(
      "select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()",
    );
    return new Map(rows.map((r) => [r.pid, cpuSeconds(r.pid)]));
  };
  const self = () => (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
  const read = async () => {
    const postgres = await backends();
    const mine = ours.reduce((a: number, p) => a + cpuSeconds(p), self());
    return { server: cpuSeconds(serving), postgres, mine, machine: cpuSeconds(), at: performance.now() };
  };
  const before = await read();
  return async (requests: number): Promise<Metered> => {
    const after = await read();
    let postgres = 0;
    for (const [pid, cpu] of after.postgres) postgres += cpu - (before.postgres.get(pid) ?? 0);
    const per = (x: number) => (x * 1000) / Math.max(1, requests);
    const others = after.machine - before.machine - postgres - (after.mine - before.mine);
    return {
      serverMs: per(after.server - before.server),
      postgresMs: per(postgres),
      others: Math.max(0, others / ((after.at - before.at) / 1000)),
    };
  };
}

/** One load; each request takes the next path and the next session in turn. */
export async function load(
  base: string,
  paths: readonly string[],
  cookies: readonly string[],
  seconds: number,
  connections: number,
  measure?: () => Promise<(requests: number) => Promise<Metered>>,
): Promise<Run> {
  let next = 0;
  const done = await measure?.();
  const result = await autocannon({
    url: base,
    duration: seconds,
    connections,
    requests: [
      {
        setupRequest: (req: autocannon.Request) => {
          const i = next++;
          return {
            ...req,
            path: paths[i % paths.length],
            headers: { ...req.headers, ...(cookies.length ? { cookie: cookies[i % cookies.length] } : {}) },
          };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
    ok: result['2xx'],
    ...((await done?.(result.requests.total)) ?? { serverMs: 0, postgresMs: 0, others: 0 }),
  };
}

export interface LoadTarget {
  readonly label: string;
  readonly base: string;
  readonly paths: readonly string[];
  readonly cookies: readonly string[];
  /** The process that serves it, for the CPU per request. */
  readonly pid: number | undefined;
}

/**
 * A warm-up of two seconds a target (JIT, pools, the data keys' cache, the plans), then the
 * settings' rounds of every target, the order reversed every other round so that drift in the
 * machine favours no target. Returns each target's rounds, and its 2xx answers, warm-up included
 * (what the audit trail must show).
 */
export async function inRounds(
  targets: readonly LoadTarget[],
  s: Pick<Settings, 'seconds' | 'rounds' | 'connections'>,
  db: pg.Client,
): Promise<Rounds> {
  const loadBefore = loadavg()[0] ?? 0;
  const pids = [...new Set(targets.map((t) => t.pid))];
  const runs = targets.map(() => [] as Run[]);
  const ok = targets.map(() => 0);
  for (const [i, t] of targets.entries()) ok[i] = (await load(t.base, t.paths, t.cookies, 2, s.connections)).ok;
  for (let round = 0; round < s.rounds; round++) {
    const order = [...targets.keys()];
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const t = targets[i];
      if (t === undefined) continue;
      const r = await load(t.base, t.paths, t.cookies, s.seconds, s.connections, () => meter(db, t.pid, pids));
      ok[i] = (ok[i] ?? 0) + r.ok;
      runs[i]?.push(r);
    }
  }
  return { labels: targets.map((t) => t.label), runs, ok, loadBefore };
}

export interface Rounds {
  readonly labels: readonly string[];
  readonly runs: Run[][];
  readonly ok: number[];
  /** The load average before the first round. */
  readonly loadBefore: number;
}

export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  worstP99: number;
  errors: number;
  serverMs: number;
  postgresMs: number;
}

/** The medians of a target's rounds, its worst p99 and all its errors. */
export function summarise(xs: readonly Run[]): Summary {
  return {
    rps: median(xs.map((x) => x.rps)),
    p50: median(xs.map((x) => x.p50)),
    p99: median(xs.map((x) => x.p99)),
    worstP99: Math.max(0, ...xs.map((x) => x.p99)),
    errors: xs.reduce((s, x) => s + x.errors, 0),
    serverMs: median(xs.map((x) => x.serverMs)),
    postgresMs: median(xs.map((x) => x.postgresMs)),
  };
}

/**
 * The machine's line (how far a shared machine's figures can be trusted), the bench's own, and a
 * row a target; with each target's summary.
 */
export function table(title: string, r: Rounds, width = 26): { lines: string[]; summaries: Summary[] } {
  const others = r.runs.flat().map((x) => x.others);
  const summaries = r.runs.map(summarise);
  const lines = [
    `machine: ${cpus().length} cores; other processes kept ${median(others).toFixed(2)} cores busy in the median load, ${Math.max(0, ...others).toFixed(2)} at most (load average ${r.loadBefore.toFixed(1)} before, ${(loadavg()[0] ?? 0).toFixed(1)} after)`,
    title,
    `${'target'.padEnd(width)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'worst p99'.padStart(10)} ${'errors'.padStart(7)}   CPU ms/req: ${'server'.padStart(6)} ${'postgres'.padStart(8)}`,
    ...r.labels.map((label, i) => {
      const x = summaries[i] ?? summarise([]);
      return `${label.padEnd(width)} ${x.rps.toFixed(0).padStart(8)} ${x.p50.toFixed(1).padStart(8)} ${x.p99.toFixed(1).padStart(8)} ${x.worstP99.toFixed(1).padStart(10)} ${String(x.errors).padStart(7)}               ${x.serverMs.toFixed(2).padStart(6)} ${x.postgresMs.toFixed(2).padStart(8)}`;
    }),
  ];
  return { lines, summaries };
}

export const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

const JSON_BODY = { 'content-type': 'application/json' };

/** The real first run: the setup link from the secrets directory makes the first accounts. */
async function firstRun(base: string, origin: string, secretsDir: string, password: string): Promise<void> {
  const link = readFileSync(path.join(secretsDir, 'setup-link.txt'), 'utf8').trim();
  const setup = await fetch(`${base}/api/setup`, {
    method: 'POST',
    headers: { ...JSON_BODY, origin },
    body: JSON.stringify({
      token: link.split('#')[1],
      admin: { email: 'bench-admin@example.com', displayName: 'Bench', password },
      teamLead: { email: 'bench-lead@example.com', displayName: 'Lead' },
    }),
  });
  if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${await setup.text()}`);
}

/**
 * As many sessions as asked, each with its second factor given (as the tests mark it: the bench
 * user has none set up), so that concurrent requests carry different cookies.
 */
async function sessions(
  base: string,
  origin: string,
  account: { email: string; password: string; userId: string },
  n: number,
  db: pg.Client,
): Promise<string[]> {
  const cookies: string[] = [];
  for (let i = 0; i < n; i++) {
    const signIn = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { ...JSON_BODY, origin },
      body: JSON.stringify({ email: account.email, password: account.password }),
    });
    const cookie = signIn.headers.get('set-cookie')?.split(';')[0];
    if (!cookie) throw new Error(`sign-in failed: ${signIn.status}`);
    cookies.push(cookie);
  }
  await db.query('update sessions set mfa_at = now() where user_id = $1', [account.userId]);
  return cookies;
}

/** Drops the bench database (BENCH_KEEP=1 keeps it) and the server's directories. */
async function cleanUp(admin: string, dbName: string, dirs: Record<string, string>): Promise<void> {
  // BENCH_KEEP=1 keeps the database for a look afterwards (EXPLAIN of the statements).
  if (process.env.BENCH_KEEP === '1') process.stdout.write(`kept database ${dbName}\n`);
  else await adminQuery(admin, `drop database if exists ${dbName} with (force)`);
  // The server's directories (support.ts tempDataDirs) hold a master key: nothing of it stays behind.
  const secrets = dirs.TMA_SECRETS_DIR;
  if (secrets?.startsWith(tmpdir())) rmSync(path.dirname(secrets), { recursive: true, force: true });
}

/** A real server process on the bench database, logging as in production (its output discarded). */
function startTma(
  dirs: Record<string, string>,
  url: string,
  port: number,
  poolMax: string,
  env: Record<string, string> = {},
): ChildProcess {
  return start(fileURLToPath(new URL('../src/server/main.ts', import.meta.url)), {
    ...dirs,
    DATABASE_URL: url,
    TMA_MIGRATION_DATABASE_URL: '',
    TMA_PORT: String(port),
    TMA_PUBLIC_URL: `http://localhost:${port}`,
    TMA_DB_POOL_MAX: poolMax,
    TMA_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    ...env,
  });
}

/** Ours against the floor, round by round: the median ratio of requests/s, and each round's. */
export function against(ours: readonly Run[], floor: readonly Run[]): { ratio: number; rounds: string } {
  const ratios = ours.map((x, k) => x.rps / (floor[k]?.rps ?? Number.NaN));
  return { ratio: median(ratios), rounds: ratios.map((r) => r.toFixed(2)).join(' ') };
}

export interface Settings {
  readonly admin: string;
  readonly cases: number;
  readonly persons: number;
  readonly memberCases: number;
  readonly connections: number;
  readonly seconds: number;
  readonly rounds: number;
  readonly poolMax: string;
}

/** What every case bench reads from the environment; without DATABASE_URL it is skipped. */
export function settings(name: string, connections: number): Settings {
  const admin = process.env.DATABASE_URL;
  if (!admin) {
    // The issue asks for PostgreSQL: a pool of connections means nothing on the embedded engine.
    process.stdout.write(`bench ${name}: skipped, it runs on PostgreSQL only (set DATABASE_URL to an admin URL)\n`);
    process.exit(0);
  }
  return {
    admin,
    cases: Number(process.env.BENCH_CASES ?? 10_000),
    persons: Number(process.env.BENCH_PERSONS ?? 50_000),
    memberCases: Number(process.env.BENCH_MEMBER_CASES ?? 50),
    connections: Number(process.env.BENCH_CONNECTIONS ?? connections),
    seconds: Number(process.env.BENCH_SECONDS ?? 10),
    rounds: Number(process.env.BENCH_ROUNDS ?? 3),
    poolMax: process.env.TMA_DB_POOL_MAX ?? '10',
  };
}

export interface CaseBench<T> {
  /** The server, and its process for the CPU per request. */
  readonly base: string;
  readonly tma: ChildProcess;
  /** A connection to the bench database (the meter's, and the audit trail's check). */
  readonly db: pg.Client;
  readonly seeded: Seeded;
  /** What the bench's own generator returned. */
  readonly more: T;
  /** One session of the member per connection. */
  readonly cookies: readonly string[];
  /** Starts a floor (a script beside this one) on the bench database; it is stopped at the end. */
  floor(script: string, env?: Record<string, string>): Promise<{ base: string; pid: number | undefined }>;
}

/**
 * A bench of case routes: a fresh database, a real server on it (its first run through the setup
 * link), the cases' generator, then the bench's own (`seed`), and as many sessions of the member
 * as connections. Whatever happens, the floors and the server are stopped and the database is
 * dropped (BENCH_KEEP=1 keeps it), with the server's directories.
 */
export async function caseBench<T = undefined>(
  name: string,
  s: Settings,
  o: {
    readonly env?: Record<string, string>;
    readonly seed?: (seeded: Seeded, at: { url: string; secretsDir: string }) => Promise<T>;
  },
  run: (bench: CaseBench<T>) => Promise<void>,
): Promise<void> {
  const dbName = `tma_bench_${name}_${process.pid}`;
  const url = withDb(s.admin, dbName);
  const password = 'a long benchmark passphrase';
  await adminQuery(s.admin, `create database ${dbName}`);
  const dirs = tempDataDirs();
  const secretsDir = dirs.TMA_SECRETS_DIR ?? '';
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const tma = startTma(dirs, url, port, s.poolMax, o.env);
  const floors: ChildProcess[] = [];
  const db = new pg.Client({ connectionString: url });
  db.on('error', () => {});
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/readyz`);
    await firstRun(base, origin, secretsDir, password);
    const email = 'bench-manager@example.com';
    const seeded = await seedCases({
      url,
      secretsDir,
      cases: s.cases,
      persons: s.persons,
      benchUser: { email, password },
      memberCases: s.memberCases,
    });
    process.stdout.write(
      `seeded ${s.cases} cases, ${s.persons} persons, ${seeded.memberships} memberships in ${seeded.seconds.toFixed(0)} s\n`,
    );
    const more = (await o.seed?.(seeded, { url, secretsDir })) as T;
    await db.connect();
    const cookies = await sessions(base, origin, { email, password, userId: seeded.benchUserId }, s.connections, db);
    const floor = async (script: string, env: Record<string, string> = {}) => {
      const floorPort = await freePort();
      const child = start(fileURLToPath(new URL(`./${script}`, import.meta.url)), {
        DATABASE_URL: url,
        PORT: String(floorPort),
        POOL_MAX: s.poolMax,
        ...env,
      });
      floors.push(child);
      const floorBase = `http://127.0.0.1:${floorPort}`;
      await waitForHttp(`${floorBase}/livez`);
      return { base: floorBase, pid: child.pid };
    };
    await run({ base, tma, db, seeded, more, cookies, floor });
  } finally {
    await db.end().catch(() => {});
    for (const child of floors) await stop(child);
    await stop(tma);
    await cleanUp(s.admin, dbName, dirs);
  }
}
