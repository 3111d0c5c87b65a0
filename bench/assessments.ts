import { AssessmentList } from '../src/contract/assessments.ts';
import { seedAssessments } from './assessments-seed.ts';
import { caseBench, settings } from './case-bench.ts';
import { against, inRounds, table, verdict } from './rounds.ts';

/**
 * The assessments of a case and its risk curve under load (issue 13), on PostgreSQL, against a
 * floor in the same run: GET /api/cases/:id/assessments is what the case page's Assessments tab
 * reads, the list and everything the risk curve draws (each finalised assessment's judgments,
 * opened from their own sealed column; the incidents on the same axis; the review date).
 *
 * Data: bench/cases-seed.ts (BENCH_CASES cases, default 2,000, with BENCH_PERSONS persons, default
 * 10,000: the list reads one case's rows by an index, so the size of the rest hardly matters),
 * then bench/assessments-seed.ts: the open default model published, and BENCH_MEASURED_CASES
 * (default 10) of the bench user's cases with BENCH_CASE_ASSESSMENTS (default 50) finalised
 * assessments each and BENCH_CASE_INCIDENTS (default 20) incidents.
 *
 * Loads, BENCH_CONNECTIONS (default 50, as the case page's bench) for BENCH_SECONDS a round,
 * BENCH_ROUNDS rounds (bench/rounds.ts): /livez, ours, and the floor (bench/assessments-floor.ts:
 * the same statements, nothing opened). Targets, the case page's of the cases issue: ours at least
 * 60% of the floor's requests/s (the median of the rounds' ratios) and p99 under 100 ms (the worst
 * round). Afterwards every answered list must have its case.viewed event.
 *
 * Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/assessments.ts; small:
 * BENCH_CASES=300 BENCH_PERSONS=1000 BENCH_SECONDS=3 BENCH_ROUNDS=1. BENCH_KEEP=1 keeps the database.
 */
const s = settings('assessments', 50);
const MEASURED = Number(process.env.BENCH_MEASURED_CASES ?? 10);
const PER_CASE = Number(process.env.BENCH_CASE_ASSESSMENTS ?? 50);
const INCIDENTS = Number(process.env.BENCH_CASE_INCIDENTS ?? 20);
const RATIO_TARGET = 0.6;
const P99_TARGET_MS = 100;
const small = {
  ...s,
  cases: Number(process.env.BENCH_CASES ?? 2_000),
  persons: Number(process.env.BENCH_PERSONS ?? 10_000),
};

const seed = async (
  seeded: { memberCaseIds: string[]; benchUserId: string },
  at: { url: string; secretsDir: string },
) => {
  const done = await seedAssessments({
    ...at,
    candidates: seeded.memberCaseIds,
    measured: MEASURED,
    perCase: PER_CASE,
    incidents: INCIDENTS,
    benchUserId: seeded.benchUserId,
  });
  process.stdout.write(
    `seeded ${done.assessments} finalised assessments on ${done.measuredCaseIds.length} cases in ${done.seconds.toFixed(0)} s\n`,
  );
  return done;
};

await caseBench('assessments', small, { seed }, async (bench) => {
  const { base, tma, db, seeded, more, cookies } = bench;
  const floor = await bench.floor('assessments-floor.ts');
  const paths = more.measuredCaseIds.map((id) => `/api/cases/${id}/assessments`);
  const check = async (b: string, p: string) => {
    const res = await fetch(`${b}${p}`, { headers: { cookie: cookies[0] ?? '' } });
    if (res.status !== 200) throw new Error(`${b}${p}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as unknown;
  };
  // Both answer the same assessments and incidents; ours as the contract says, every judgment opened.
  const ours = AssessmentList.parse(await check(base, paths[0] ?? ''));
  const theirs = (await check(floor.base, paths[0] ?? '')) as { assessments: { id: string }[]; incidents: unknown[] };
  if (
    ours.assessments.map((a) => a.id).join() !== theirs.assessments.map((a) => a.id).join() ||
    ours.incidents.length !== theirs.incidents.length
  )
    throw new Error("the floor's list differs from ours");
  if (ours.assessments.length !== PER_CASE || ours.assessments.some((a) => a.judgments.priority === undefined))
    throw new Error('an assessment came without its judgments');
  process.stdout.write(
    `assessments: ${ours.assessments.length} finalised, ${ours.incidents.length} incidents, ${JSON.stringify(ours).length} bytes (the floor's ${JSON.stringify(theirs).length})\n`,
  );

  const targets = [
    { label: 'TMA /livez', base, paths: ['/livez'], cookies: [] as string[], pid: tma.pid },
    { label: 'TMA GET assessments', base, paths, cookies, pid: tma.pid },
    { label: 'floor: assessments SQL', base: floor.base, paths, cookies, pid: floor.pid },
  ];
  const result = await inRounds(targets, small, db);
  const { runs, ok } = result;
  const served = 2 + (ok[1] ?? 0) + (ok[2] ?? 0);
  const events = await db.query<{ n: string }>(
    `select count(*)::text as n from audit_events
      where actor_user_id = $1 and action = 'case.viewed' and detail::jsonb ->> 'part' = 'assessments'`,
    [seeded.benchUserId],
  );
  const viewed = Number(events.rows[0]?.n ?? 0);
  const { lines, summaries: st } = table(
    `bench assessments: ${small.cases} cases, ${more.measuredCaseIds.length} measured with ${PER_CASE} finalised assessments and ${INCIDENTS} incidents each; ${small.rounds} rounds of ${small.seconds} s, ${small.connections} connections, pool ${small.poolMax}, Node ${process.versions.node}`,
    result,
  );
  const { ratio, rounds } = against(runs[1] ?? [], runs[2] ?? []);
  const p99 = st[1]?.worstP99 ?? Number.POSITIVE_INFINITY;
  const livez = st[0]?.rps ?? Number.NaN;
  lines.push(
    `assessments: ours/floor ${(ratio * 100).toFixed(1)}% (per round ${rounds}) target >= ${RATIO_TARGET * 100}%: ${verdict(ratio >= RATIO_TARGET)}; worst p99 ${p99.toFixed(1)} ms (per round ${(runs[1] ?? []).map((r) => r.p99).join(' ')}; the floor's ${(st[2]?.worstP99 ?? 0).toFixed(1)}, per round ${(runs[2] ?? []).map((r) => r.p99).join(' ')}) target < ${P99_TARGET_MS} ms: ${verdict(p99 < P99_TARGET_MS)}; ours/livez ${(((st[1]?.rps ?? 0) / livez) * 100).toFixed(1)}%`,
    `audit: ${viewed} case.viewed (assessments) for ${served} lists answered: ${viewed >= served ? 'none missing' : 'EVENTS MISSING'}`,
    '',
  );
  process.stdout.write(lines.join('\n'));
  if (ratio < RATIO_TARGET || p99 >= P99_TARGET_MS || viewed < served || st.some((x) => x.errors > 0))
    process.exitCode = 1;
});
