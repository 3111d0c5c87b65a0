import { caseBench, settings } from './case-bench.ts';
import { against, inRounds, table, verdict } from './rounds.ts';

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
const s = settings('cases', 50);
const STATUS = process.env.BENCH_STATUS ?? 'closed';
const RATIO_TARGET = 0.6;
const P99_TARGET_MS = 100;

await caseBench('cases', s, {}, async ({ base, tma, db, seeded, cookies, floor: startFloor }) => {
  const floor = await startFloor('cases-floor.ts');
  const floorBase = floor.base;

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
  // Warm-up and rounds; the checks above were one answer of each kind from each.
  const result = await inRounds(targets, s, db);
  const { runs, ok } = result;
  const served = { list: 2 + (ok[1] ?? 0) + (ok[2] ?? 0), page: 2 + (ok[3] ?? 0) + (ok[4] ?? 0) };

  // Every answered read has its event: it was committed before the answer went out.
  const events = await db.query<{ action: string; n: string }>(
    `select action, count(*)::text as n from audit_events where actor_user_id = $1 and action in ('case.listed', 'case.viewed') group by action`,
    [seeded.benchUserId],
  );
  const eventsOf = (action: string) => Number(events.rows.find((r) => r.action === action)?.n ?? 0);

  const { lines, summaries: st } = table(
    `bench cases: ${s.cases} cases, ${s.persons} persons, member of ${seeded.memberCaseIds.length}; ${s.rounds} rounds of ${s.seconds} s, ${s.connections} connections, pool ${s.poolMax}, Node ${process.versions.node}`,
    result,
  );
  let met = true;
  for (const [name, ours, theirs] of [
    ['list', 1, 2],
    ['page', 3, 4],
  ] as const) {
    const { ratio, rounds } = against(runs[ours] ?? [], runs[theirs] ?? []);
    const p99 = st[ours]?.worstP99 ?? Number.POSITIVE_INFINITY;
    const livez = (st[ours]?.rps ?? 0) / (st[0]?.rps ?? Number.NaN);
    met &&= ratio >= RATIO_TARGET && p99 < P99_TARGET_MS;
    lines.push(
      `${name}: ours/floor ${(ratio * 100).toFixed(1)}% (per round ${rounds}) target >= ${RATIO_TARGET * 100}%: ${verdict(ratio >= RATIO_TARGET)}; ` +
        `worst p99 ${p99.toFixed(1)} ms (the floor's ${(st[theirs]?.worstP99 ?? 0).toFixed(1)}) target < ${P99_TARGET_MS} ms: ${verdict(p99 < P99_TARGET_MS)}; ` +
        `ours/livez ${(livez * 100).toFixed(1)}%, floor/livez ${(((st[theirs]?.rps ?? 0) / (st[0]?.rps ?? Number.NaN)) * 100).toFixed(1)}%`,
    );
  }
  // More events than answers: requests cut off at the end of a load, answered after it.
  const audited = eventsOf('case.listed') >= served.list && eventsOf('case.viewed') >= served.page;
  lines.push(
    `audit: ${eventsOf('case.listed')} case.listed for ${served.list} lists answered, ${eventsOf('case.viewed')} case.viewed for ${served.page} pages answered: ${audited ? 'none missing' : 'EVENTS MISSING'}`,
    '',
  );
  process.stdout.write(lines.join('\n'));
  if (!met || !audited || st.some((x) => x.errors > 0)) process.exitCode = 1;
});
