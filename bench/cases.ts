import { readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { seedCases } from './cases-seed.ts';
import { adminQuery, freePort, median, start, stop, tempDataDirs, waitForHttp, withDb } from './support.ts';

/**
 * The case list and the case page (issue 9), on PostgreSQL, each against a floor in the same run.
 *
 * Data: bench/cases-seed.ts writes BENCH_CASES cases (default 10,000) with BENCH_PERSONS persons
 * (default 50,000), their memberships, status and priority history, into a fresh database of a
 * running server; the signed-in threat manager is a member of BENCH_MEMBER_CASES of them (default
 * 50, a third of them as lead). As many sessions of theirs as connections are used in turn.
 *
 * Loads, each BENCH_CONNECTIONS connections (default 50) for BENCH_SECONDS a round, BENCH_ROUNDS
 * rounds, the order reversed every other round so that drift in the machine favours no target:
 * - GET /livez of the server;
 * - GET /api/cases?status=BENCH_STATUS (default closed: the filter that gives the member's
 *   biggest first page, about half their cases, each title decrypted and its lead named);
 * - GET /api/cases/:id, each request the next of the member's cases (decrypting title, summary,
 *   tags and the lead's name, and recording case.viewed);
 * - the floor of each: bench/cases-floor.ts, a bare node:http server with a bare `pg` Pool of the
 *   server's size (TMA_DB_POOL_MAX, default 10) issuing the same statements in the same order.
 *
 * How the floor's SQL was derived: PostgreSQL's log_statement = 'all' on the bench database in a
 * throwaway run (`alter database ... set log_statement = 'all'` after seeding, the server's pool
 * reconnected), one request of each kind, and the statements of that request read from the log,
 * checked against the Kysely queries in src/server/cases/ (cases.repository.ts list, findWithLead,
 * userRefs; reach.ts reachOf; audit/record.ts recordAudit) and the session lookup
 * (access/sessions/sessions.repository.ts, a named prepared statement). Per request:
 *   list: session lookup; the list query; the leads' names (users); insert case.listed.
 *   page: session lookup; reachOf; the case row with its lead; the lead's name; insert case.viewed.
 * The session lookup, the list and the reach are named prepared statements in both (the server's
 * Database.prepared and platform/db/prepared.ts). Left out, as in steady state the server issues them rarely or never: the session's touch
 * (at most once a minute per session), the data keys' reads (cached for five minutes), the
 * break-glass read of the list (team leads only). The floor answers with the rows as JSON,
 * nothing opened: decryption, validation, policy and serialisation are what the ratio measures.
 * When the routes' SQL changes, capture it again and change cases-floor.ts with it.
 *
 * Targets: each route at least 60% of its floor's requests/s (the median of the rounds' ratios),
 * p99 under 100 ms (the worst round). Afterwards every 2xx of the list and the page (ours and the
 * floor's) must have its audit event. Also printed, from Linux's /proc: CPU time per request of
 * the serving process and of the bench database's backends (about equal for ours and the floor:
 * the check that the floor's SQL is ours), and how many cores other processes kept busy, which
 * says how far a shared machine's figures can be trusted.
 *
 * Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/cases.ts; small for
 * development: BENCH_CASES=500 BENCH_PERSONS=2500 BENCH_SECONDS=5. BENCH_KEEP=1 keeps the database.
 */
const admin = process.env.DATABASE_URL;
if (!admin) {
  // The issue asks for PostgreSQL: a pool of connections means nothing on the embedded engine.
  process.stdout.write('bench cases: skipped, it runs on PostgreSQL only (set DATABASE_URL to an admin URL)\n');
  process.exit(0);
}
const CASES = Number(process.env.BENCH_CASES ?? 10_000);
const PERSONS = Number(process.env.BENCH_PERSONS ?? 50_000);
const MEMBER_CASES = Number(process.env.BENCH_MEMBER_CASES ?? 50);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const STATUS = process.env.BENCH_STATUS ?? 'closed';
const POOL_MAX = process.env.TMA_DB_POOL_MAX ?? '10';
const RATIO_TARGET = 0.6;
const P99_TARGET_MS = 100;
const dbName = `tma_bench_cases_${process.pid}`;
const url = withDb(admin, dbName);
const password = 'a long benchmark passphrase';
const ORIGIN = { 'content-type': 'application/json' };

interface Run {
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
async function meter(db: pg.Client, serving: number | undefined, ours: readonly (number | undefined)[]) {
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
  return async (requests: number) => {
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
async function load(
  base: string,
  paths: readonly string[],
  cookies: readonly string[],
  seconds: number,
  measure?: () => Promise<(requests: number) => Promise<Pick<Run, 'serverMs' | 'postgresMs' | 'others'>>>,
): Promise<Run> {
  let next = 0;
  const done = await measure?.();
  const result = await autocannon({
    url: base,
    duration: seconds,
    connections: CONNECTIONS,
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

await adminQuery(admin, `create database ${dbName}`);
const dirs = tempDataDirs();
const port = await freePort();
const floorPort = await freePort();
const origin = `http://localhost:${port}`;
const tma = start(fileURLToPath(new URL('../src/server/main.ts', import.meta.url)), {
  ...dirs,
  DATABASE_URL: url,
  TMA_MIGRATION_DATABASE_URL: '',
  TMA_PORT: String(port),
  TMA_PUBLIC_URL: origin,
  TMA_DB_POOL_MAX: POOL_MAX,
  TMA_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
});
let floor: ReturnType<typeof start> | undefined;
const db = new pg.Client({ connectionString: url });
db.on('error', () => {});
try {
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/readyz`);
  // The real first run: the setup link from the secrets directory makes the first accounts.
  const link = readFileSync(path.join(dirs.TMA_SECRETS_DIR ?? '', 'setup-link.txt'), 'utf8').trim();
  const setup = await fetch(`${base}/api/setup`, {
    method: 'POST',
    headers: { ...ORIGIN, origin },
    body: JSON.stringify({
      token: link.split('#')[1],
      admin: { email: 'bench-admin@example.com', displayName: 'Bench', password },
      teamLead: { email: 'bench-lead@example.com', displayName: 'Lead' },
    }),
  });
  if (setup.status !== 201) throw new Error(`setup failed: ${setup.status} ${await setup.text()}`);

  const email = 'bench-manager@example.com';
  const seeded = await seedCases({
    url,
    secretsDir: dirs.TMA_SECRETS_DIR ?? '',
    cases: CASES,
    persons: PERSONS,
    benchUser: { email, password },
    memberCases: MEMBER_CASES,
  });
  process.stdout.write(
    `seeded ${CASES} cases, ${PERSONS} persons, ${seeded.memberships} memberships in ${seeded.seconds.toFixed(0)} s\n`,
  );

  // As many sessions as connections, each with its second factor given (as the tests mark it:
  // the bench user has none set up), so that concurrent requests carry different cookies.
  const cookies: string[] = [];
  for (let i = 0; i < CONNECTIONS; i++) {
    const signIn = await fetch(`${base}/api/session`, {
      method: 'POST',
      headers: { ...ORIGIN, origin },
      body: JSON.stringify({ email, password }),
    });
    const cookie = signIn.headers.get('set-cookie')?.split(';')[0];
    if (!cookie) throw new Error(`sign-in failed: ${signIn.status}`);
    cookies.push(cookie);
  }
  await db.connect();
  await db.query('update sessions set mfa_at = now() where user_id = $1', [seeded.benchUserId]);

  floor = start(fileURLToPath(new URL('./cases-floor.ts', import.meta.url)), {
    DATABASE_URL: url,
    PORT: String(floorPort),
    POOL_MAX,
  });
  const floorBase = `http://127.0.0.1:${floorPort}`;
  await waitForHttp(`${floorBase}/livez`);

  const listPath = [`/api/cases?status=${STATUS}`];
  const pagePaths = seeded.memberCaseIds.map((id) => `/api/cases/${id}`);
  // Both answer the same: the same cases on the list, the same case on the page.
  const check = async (b: string, p: string) => {
    const res = await fetch(`${b}${p}`, { headers: { cookie: cookies[0] ?? '' } });
    if (res.status !== 200) throw new Error(`${b}${p}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { total?: number; cases?: unknown[]; id?: string };
  };
  const [ours, theirs] = [await check(base, listPath[0] ?? ''), await check(floorBase, listPath[0] ?? '')];
  if (ours.total !== theirs.total || ours.cases?.length !== theirs.cases?.length) {
    throw new Error(`the floor's list differs: ${theirs.total} against ${ours.total}`);
  }
  const [page, floorPage] = [await check(base, pagePaths[0] ?? ''), await check(floorBase, pagePaths[0] ?? '')];
  if (page.id !== floorPage.id) throw new Error("the floor's case page differs");
  process.stdout.write(`list: ${ours.cases?.length} cases of ${ours.total} with status ${STATUS}\n`);

  const targets = [
    { label: 'TMA /livez', base, paths: ['/livez'], cookies: [] as string[], pid: tma.pid },
    { label: `TMA GET /api/cases`, base, paths: listPath, cookies, pid: tma.pid },
    { label: 'floor: list SQL', base: floorBase, paths: listPath, cookies, pid: floor.pid },
    { label: 'TMA GET /api/cases/:id', base, paths: pagePaths, cookies, pid: tma.pid },
    { label: 'floor: page SQL', base: floorBase, paths: pagePaths, cookies, pid: floor.pid },
  ];
  const runs = targets.map(() => [] as Run[]);
  const loadBefore = loadavg()[0] ?? 0;
  const served = { list: 2, page: 2 };
  const count = (i: number, r: Run) => {
    if (i === 1 || i === 2) served.list += r.ok;
    if (i === 3 || i === 4) served.page += r.ok;
  };
  // Warm-up: JIT, both pools, the data keys' cache, the plans.
  for (const [i, t] of targets.entries()) count(i, await load(t.base, t.paths, t.cookies, 2));
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...targets.keys()];
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const t = targets[i];
      if (t === undefined) continue;
      const r = await load(t.base, t.paths, t.cookies, SECONDS, () => meter(db, t.pid, [tma.pid, floor?.pid]));
      count(i, r);
      runs[i]?.push(r);
    }
  }

  // Every answered read has its event: it was committed before the answer went out.
  const events = await db.query<{ action: string; n: string }>(
    `select action, count(*)::text as n from audit_events where actor_user_id = $1 and action in ('case.listed', 'case.viewed') group by action`,
    [seeded.benchUserId],
  );
  const eventsOf = (action: string) => Number(events.rows.find((r) => r.action === action)?.n ?? 0);

  const stat = (i: number) => {
    const xs = runs[i] ?? [];
    return {
      rps: median(xs.map((x) => x.rps)),
      p50: median(xs.map((x) => x.p50)),
      p99: median(xs.map((x) => x.p99)),
      worstP99: Math.max(0, ...xs.map((x) => x.p99)),
      errors: xs.reduce((s, x) => s + x.errors, 0),
      serverMs: median(xs.map((x) => x.serverMs)),
      postgresMs: median(xs.map((x) => x.postgresMs)),
    };
  };
  const s = targets.map((_, i) => stat(i));
  const others = runs.flat().map((r) => r.others);
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const lines = [
    `machine: ${cpus().length} cores; other processes kept ${median(others).toFixed(2)} cores busy in the median load, ${Math.max(0, ...others).toFixed(2)} at most (load average ${loadBefore.toFixed(1)} before, ${(loadavg()[0] ?? 0).toFixed(1)} after)`,
    `bench cases: ${CASES} cases, ${PERSONS} persons, member of ${seeded.memberCaseIds.length}; ${ROUNDS} rounds of ${SECONDS} s, ${CONNECTIONS} connections, pool ${POOL_MAX}, Node ${process.versions.node}`,
    `${'target'.padEnd(26)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'worst p99'.padStart(10)} ${'errors'.padStart(7)}   CPU ms/req: ${'server'.padStart(6)} ${'postgres'.padStart(8)}`,
    ...targets.map((t, i) => {
      const x = s[i];
      if (x === undefined) return '';
      return `${t.label.padEnd(26)} ${x.rps.toFixed(0).padStart(8)} ${x.p50.toFixed(1).padStart(8)} ${x.p99.toFixed(1).padStart(8)} ${x.worstP99.toFixed(1).padStart(10)} ${String(x.errors).padStart(7)}               ${x.serverMs.toFixed(2).padStart(6)} ${x.postgresMs.toFixed(2).padStart(8)}`;
    }),
  ];
  let met = true;
  for (const [name, ours, theirs] of [
    ['list', 1, 2],
    ['page', 3, 4],
  ] as const) {
    const a = runs[ours] ?? [];
    const b = runs[theirs] ?? [];
    const ratio = median(a.map((x, k) => x.rps / (b[k]?.rps ?? Number.NaN)));
    const p99 = s[ours]?.worstP99 ?? Number.POSITIVE_INFINITY;
    const livez = (s[ours]?.rps ?? 0) / (s[0]?.rps ?? Number.NaN);
    met &&= ratio >= RATIO_TARGET && p99 < P99_TARGET_MS;
    lines.push(
      `${name}: ours/floor ${(ratio * 100).toFixed(1)}% (per round ${a.map((x, k) => (x.rps / (b[k]?.rps ?? Number.NaN)).toFixed(2)).join(' ')}) target >= ${RATIO_TARGET * 100}%: ${verdict(ratio >= RATIO_TARGET)}; ` +
        `worst p99 ${p99.toFixed(1)} ms (the floor's ${(s[theirs]?.worstP99 ?? 0).toFixed(1)}) target < ${P99_TARGET_MS} ms: ${verdict(p99 < P99_TARGET_MS)}; ` +
        `ours/livez ${(livez * 100).toFixed(1)}%, floor/livez ${(((s[theirs]?.rps ?? 0) / (s[0]?.rps ?? Number.NaN)) * 100).toFixed(1)}%`,
    );
  }
  // More events than answers: requests cut off at the end of a load, answered after it.
  const audited = eventsOf('case.listed') >= served.list && eventsOf('case.viewed') >= served.page;
  lines.push(
    `audit: ${eventsOf('case.listed')} case.listed for ${served.list} lists answered, ${eventsOf('case.viewed')} case.viewed for ${served.page} pages answered: ${audited ? 'none missing' : 'EVENTS MISSING'}`,
    '',
  );
  process.stdout.write(lines.join('\n'));
  if (!met || !audited || s.some((x) => x.errors > 0)) process.exitCode = 1;
} finally {
  await db.end().catch(() => {});
  if (floor) await stop(floor);
  await stop(tma);
  // BENCH_KEEP=1 keeps the database for a look afterwards (EXPLAIN of the statements above).
  if (process.env.BENCH_KEEP === '1') process.stdout.write(`kept database ${dbName}\n`);
  else await adminQuery(admin, `drop database if exists ${dbName} with (force)`);
  // The server's directories (support.ts tempDataDirs) hold a master key: nothing of it stays behind.
  const secrets = dirs.TMA_SECRETS_DIR;
  if (secrets?.startsWith(tmpdir())) rmSync(path.dirname(secrets), { recursive: true, force: true });
}
