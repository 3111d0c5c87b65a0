import { Dashboard } from '../src/contract/dashboard.ts';
import { chartCounts, TimelineChart, TimelinePage } from '../src/contract/timeline.ts';
import { caseBench, settings } from './case-bench.ts';
import { against, inRounds, table, verdict } from './rounds.ts';
import { seedTimeline } from './timeline-seed.ts';

/**
 * The case timeline and the dashboard under load (issue 11), on PostgreSQL, the timeline against a
 * floor in the same run.
 *
 * Data: bench/cases-seed.ts writes BENCH_CASES cases (default 10,000) with BENCH_PERSONS persons
 * (default 50,000); the signed-in threat manager is a member of BENCH_MEMBER_CASES of them
 * (default 50, a third of them as lead, all with the full scope). bench/timeline-seed.ts then fills
 * the timelines until the database holds BENCH_TIMELINE_ENTRIES entries (default 500,000): every
 * case its history (opened, status and priority changes, grants) and more on top, written entries
 * (incident, observation, conversation, measure note, exculpatory, note; a quarter of them edited
 * once or twice; warning behaviours on some, persons of the case on half) and recorded ones
 * (documents uploaded and downloaded, grants, revocations, reports, break-glasses), over up to
 * three years from the case's opening. BENCH_MEASURED_CASES (default 10) of the member's cases,
 * those open for three years first, hold BENCH_CASE_ENTRIES entries each (default 2,000) and twelve
 * documents. The search index holds none of the entries (no load here uses `q`). As many sessions
 * of the member as connections are used in turn.
 *
 * Loads, each BENCH_CONNECTIONS connections (default 20) for BENCH_SECONDS a round, BENCH_ROUNDS
 * rounds, the order reversed every other round so that drift in the machine favours no target:
 * - GET /livez of the server;
 * - GET /api/cases/:id/timeline, each request the next measured case: the first page (50 entries,
 *   newest first, each written one's current version decrypted) with the chart's data (entries
 *   per day and kind, warning behaviours per day, over the whole timeline: counted on the first
 *   request for a case, kept by the server after that, as nothing writes to the timelines during
 *   the load), and case.viewed recorded;
 * - its floor, bench/timeline-floor.ts: a bare node:http server with a bare `pg` Pool of the
 *   server's size (TMA_DB_POOL_MAX, default 10) issuing the same statements in the same order and
 *   answering the rows as JSON, nothing opened;
 * - GET /api/dashboard as the member (contract/dashboard.ts: their cases, their load, the recent
 *   activity in their cases), without a floor: its ratio to /livez is printed.
 *
 * How the floor's SQL was derived: as for bench/cases.ts, PostgreSQL's log_statement = 'all' on
 * the bench database in a throwaway run (set after seeding, the server restarted on it), one
 * timeline request, the statements read from the log and checked against the Kysely code:
 * timeline/list.service.ts (listTimeline, pageOf, chartOf), timeline/context.ts (hiddenDocuments),
 * timeline/present.ts (presentEntries), cases/reach.ts, cases/cases.repository.ts userRefs,
 * audit/record.ts. Per request: session lookup; reach (named prepared statements, as in the
 * server); the case's restricted documents hidden from the caller; the page of entries with their
 * current versions; the revision of the case's timeline and the caller's conflicts
 * (timeline/chart-cache.ts), and only when the chart is not kept for these: the chart's days and
 * its warning behaviours (these and the page leave out the reports of the caller's conflicts,
 * report_conflicts); the positions of the page's persons; the
 * names of its documents; its reports; the names of its authors, editors and subjects; insert
 * case.viewed. Left out as in bench/cases.ts: the session's touch, the data keys' reads (cached).
 * When the route's SQL changes, capture it again and change timeline-floor.ts with it.
 *
 * Targets (the issue's): the timeline's p99 under 100 ms and the dashboard's under 150 ms (the worst
 * round of each). The timeline's requests/s against its floor (the median of the rounds' ratios)
 * is reported; the issue sets no bound on it. Afterwards every 2xx of the timeline (ours and the
 * floor's) must have its case.viewed event with part 'timeline', and every 2xx of the dashboard
 * its dashboard.viewed. Also printed, as in cases.ts, CPU time per request of the serving process
 * and of the bench database's backends (about equal for ours and the floor: the check that the
 * floor's SQL is ours), and the other processes' load.
 *
 * Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/timeline.ts (seeding the
 * full size takes a few minutes); small for development: BENCH_TIMELINE_ENTRIES=20000
 * BENCH_CASES=300 BENCH_PERSONS=1000 BENCH_SECONDS=3 BENCH_ROUNDS=1. BENCH_KEEP=1 keeps the database.
 */
const s = settings('timeline', 20);
const ENTRIES = Number(process.env.BENCH_TIMELINE_ENTRIES ?? 500_000);
const CASE_ENTRIES = Number(process.env.BENCH_CASE_ENTRIES ?? 2_000);
const MEASURED = Number(process.env.BENCH_MEASURED_CASES ?? 10);
const TIME_ZONE = process.env.TMA_TIME_ZONE ?? 'Europe/Berlin';
const TIMELINE_P99_MS = 100;
const DASHBOARD_P99_MS = 150;

const seed = async (seeded: { memberCaseIds: string[] }, at: { url: string; secretsDir: string }) => {
  const timeline = await seedTimeline({
    ...at,
    entries: ENTRIES,
    caseEntries: CASE_ENTRIES,
    candidates: seeded.memberCaseIds,
    measured: MEASURED,
    timeZone: TIME_ZONE,
  });
  process.stdout.write(
    `seeded ${timeline.entries} timeline entries (${timeline.versions} versions of written ones), ${timeline.measuredCaseIds.length} cases of ${CASE_ENTRIES} measured, in ${timeline.seconds.toFixed(0)} s\n`,
  );
  return timeline;
};

await caseBench('timeline', s, { env: { TMA_TIME_ZONE: TIME_ZONE }, seed }, async (bench) => {
  const { base, tma, db, seeded, more: timeline, cookies } = bench;
  const floor = await bench.floor('timeline-floor.ts', { TIME_ZONE });

  const timelinePaths = timeline.measuredCaseIds.map((id) => `/api/cases/${id}/timeline`);
  const dashboardPath = ['/api/dashboard'];
  const check = async (b: string, p: string) => {
    const res = await fetch(`${b}${p}`, { headers: { cookie: cookies[0] ?? '' } });
    if (res.status !== 200) throw new Error(`${b}${p}: ${res.status} ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as unknown;
  };
  // Both answer the same: the same entries on the first page, the same chart. Ours as the contract says.
  const ours = TimelinePage.parse(await check(base, timelinePaths[0] ?? ''));
  const floorAnswer = (await check(floor.base, timelinePaths[0] ?? '')) as {
    entries: { id: string }[];
    chart: unknown;
  };
  const theirs = TimelineChart.parse(floorAnswer.chart);
  const theirIds = floorAnswer.entries;
  const counts = ours.chart === null ? undefined : chartCounts(ours.chart);
  const total = (xs: readonly { count: number }[]) => xs.reduce((n, x) => n + x.count, 0);
  if (
    counts === undefined ||
    ours.entries.map((e) => e.id).join() !== theirIds.map((e) => e.id).join() ||
    JSON.stringify(ours.chart) !== JSON.stringify(theirs)
  ) {
    throw new Error("the floor's timeline differs from ours");
  }
  if (ours.entries.some((e) => e.written && e.title === null)) throw new Error('a written entry came without its text');
  process.stdout.write(
    `timeline: ${ours.entries.length} entries on the first page, chart of ${counts.days.length} day and kind counts (${total(counts.days)} entries) and ${counts.tags.length} warning-behaviour counts, ${JSON.stringify(ours.chart).length} bytes\n`,
  );
  // The dashboard as its contract says (src/contract/dashboard.ts).
  const dashboard = Dashboard.parse(await check(base, dashboardPath[0] ?? ''));
  process.stdout.write(
    `dashboard: ${dashboard.myCases.length} of the member's cases, ${dashboard.activity.length} activities, reports ${dashboard.reports === null ? 'not theirs' : dashboard.reports.items.length}\n`,
  );

  const targets = [
    { label: 'TMA /livez', base, paths: ['/livez'], cookies: [] as string[], pid: tma.pid },
    { label: 'TMA GET timeline', base, paths: timelinePaths, cookies, pid: tma.pid },
    { label: 'floor: timeline SQL', base: floor.base, paths: timelinePaths, cookies, pid: floor.pid },
    { label: 'TMA GET /api/dashboard', base, paths: dashboardPath, cookies, pid: tma.pid },
  ];
  const result = await inRounds(targets, s, db);
  const { runs, ok } = result;
  // The checks above were one timeline from each, and one dashboard.
  const served = { timeline: 2 + (ok[1] ?? 0) + (ok[2] ?? 0), dashboard: 1 + (ok[3] ?? 0) };

  // Every answered read has its event: it was committed before the answer went out.
  const events = await db.query<{ timelines: string; dashboards: string }>(
    `select count(*) filter (where action = 'case.viewed' and object_type = 'case' and detail::jsonb ->> 'part' = 'timeline')::text as timelines,
            count(*) filter (where action = 'dashboard.viewed')::text as dashboards
       from audit_events where actor_user_id = $1`,
    [seeded.benchUserId],
  );
  const viewed = Number(events.rows[0]?.timelines ?? 0);
  const dashboards = Number(events.rows[0]?.dashboards ?? 0);

  const { lines, summaries: st } = table(
    `bench timeline: ${s.cases} cases, ${timeline.entries} timeline entries, ${timeline.measuredCaseIds.length} measured cases of ${CASE_ENTRIES}; member of ${seeded.memberCaseIds.length}; ${s.rounds} rounds of ${s.seconds} s, ${s.connections} connections, pool ${s.poolMax}, Node ${process.versions.node}`,
    result,
  );
  const livez = st[0]?.rps ?? Number.NaN;
  const { ratio, rounds } = against(runs[1] ?? [], runs[2] ?? []);
  const timelineP99 = st[1]?.worstP99 ?? Number.POSITIVE_INFINITY;
  const dashboardP99 = st[3]?.worstP99 ?? Number.POSITIVE_INFINITY;
  lines.push(
    `timeline: ours/floor ${(ratio * 100).toFixed(1)}% (per round ${rounds}); worst p99 ${timelineP99.toFixed(1)} ms (the floor's ${(st[2]?.worstP99 ?? 0).toFixed(1)}) target < ${TIMELINE_P99_MS} ms: ${verdict(timelineP99 < TIMELINE_P99_MS)}; ` +
      `ours/livez ${(((st[1]?.rps ?? 0) / livez) * 100).toFixed(1)}%, floor/livez ${(((st[2]?.rps ?? 0) / livez) * 100).toFixed(1)}%`,
    `dashboard: worst p99 ${dashboardP99.toFixed(1)} ms target < ${DASHBOARD_P99_MS} ms: ${verdict(dashboardP99 < DASHBOARD_P99_MS)}; ours/livez ${(((st[3]?.rps ?? 0) / livez) * 100).toFixed(1)}%`,
  );
  // More events than answers: requests cut off at the end of a load, answered after it.
  const audited = viewed >= served.timeline && dashboards >= served.dashboard;
  lines.push(
    `audit: ${viewed} case.viewed (timeline) for ${served.timeline} timelines answered, ${dashboards} dashboard.viewed for ${served.dashboard} dashboards answered: ${audited ? 'none missing' : 'EVENTS MISSING'}`,
    '',
  );
  process.stdout.write(lines.join('\n'));
  const met = timelineP99 < TIMELINE_P99_MS && dashboardP99 < DASHBOARD_P99_MS;
  if (!met || !audited || st.some((x) => x.errors > 0)) process.exitCode = 1;
});
