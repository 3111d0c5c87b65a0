import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';
import type pg from 'pg';
import type { Settings } from './case-bench.ts';
import { median } from './support.ts';

/**
 * How the benches of case routes under load measure (bench/cases.ts, bench/timeline.ts): loads in
 * rounds with the order reversed every other round, CPU metered per request from Linux's /proc,
 * and the table of the results. What they run against is bench/case-bench.ts.
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

/** Ours against the floor, round by round: the median ratio of requests/s, and each round's. */
export function against(ours: readonly Run[], floor: readonly Run[]): { ratio: number; rounds: string } {
  const ratios = ours.map((x, k) => x.rps / (floor[k]?.rps ?? Number.NaN));
  return { ratio: median(ratios), rounds: ratios.map((r) => r.toFixed(2)).join(' ') };
}
