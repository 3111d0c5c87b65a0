import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { hashReceiptSecret } from '../src/server/intake/receipts.ts';
import { adminQuery, freePort, median, start, stop, tempDataDirs, waitForHttp, withDb } from './support.ts';

/**
 * Anonymous intake (issue 10), on PostgreSQL: POST /api/anonymous/reports, each request a new
 * report with a new idempotency key, so each one costs what a real one does: the receipt's
 * argon2id hash (8 MiB, 2 passes: intake/receipts.ts), a data key of its own, the content sealed, its person in the
 * blind index, the audit event and, for an urgent report, the team's notifications (the bench
 * sends normal ones; BENCH_URGENCY changes that).
 *
 * The anonymous channel is throttled per client address, and asks for a proof of work when more
 * than TMA_ANONYMOUS_FLOOD_PER_MIN reports a minute arrive; the load generator is one address at
 * a flood's rate, so the bench raises both for the run and prints them.
 *
 * Floor: a bare node:http server doing only the irreducible part on a pg Pool of the same size:
 * parse the JSON, hash a secret with the receipt's argon2id parameters, insert one row. The ratio says
 * what the rest of TMA's intake costs on top of the hash.
 *
 * Target: at least 100 reports/s (the median of the rounds); every 201 must be a stored report.
 * Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node bench/intake.ts
 */
const admin = process.env.DATABASE_URL;
if (!admin) {
  process.stdout.write('bench intake: skipped, it runs on PostgreSQL only (set DATABASE_URL to an admin URL)\n');
  process.exit(0);
}
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const POOL_MAX = process.env.TMA_DB_POOL_MAX ?? '10';
const URGENCY = process.env.BENCH_URGENCY ?? 'normal';
const LIMIT = '1000000';
const TARGET_RPS = 100;
const dbName = `tma_bench_intake_${process.pid}`;
const url = withDb(admin, dbName);

const reportBody = () =>
  JSON.stringify({
    urgency: URGENCY,
    whatHappened: 'He said in the canteen that someone will pay for his dismissal, and showed a knife.',
    incidentDate: '',
    whenDetail: 'around noon',
    location: 'canteen, building B',
    persons: [
      {
        role: 'person_of_concern',
        name: 'Max Mustermann',
        orgUnit: 'Logistics',
        contact: 'max.mustermann@example.com',
        employeeNumber: '',
        dateOfBirth: '',
        description: '',
      },
    ],
    behaviours: [{ behaviour: 'leakage', answer: 'yes' }],
    idempotencyKey: randomUUID(),
    consent: true,
  });

interface Run {
  rps: number;
  p50: number;
  p99: number;
  created: number;
  other: number;
}

async function run(target: string, origin: string, seconds: number): Promise<Run> {
  const result = await autocannon({
    url: target,
    method: 'POST',
    duration: seconds,
    connections: CONNECTIONS,
    headers: { 'content-type': 'application/json', origin },
    requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: reportBody() }) }],
  });
  const created = result.statusCodeStats?.['201']?.count ?? 0;
  const others = Object.entries(result.statusCodeStats ?? {}).filter(([code]) => code !== '201');
  if (others.length > 0)
    process.stdout.write(`  (${target}: ${others.map(([c, s]) => `${s.count}×${c}`).join(', ')})\n`);
  return {
    rps: created / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    created,
    other: result.requests.total - created + result.errors + result.timeouts,
  };
}

/** The floor: JSON in, one argon2id hash, one row out. */
function floorServer(pool: pg.Pool): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { idempotencyKey: string };
        const hash = await hashReceiptSecret(body.idempotencyKey.slice(0, 16));
        await pool.query('insert into floor_reports (id, receipt_hash, content) values ($1, $2, $3)', [
          randomUUID(),
          hash,
          Buffer.concat(chunks),
        ]);
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end('{"receipt":"x"}');
      })().catch(() => {
        res.writeHead(500);
        res.end();
      });
    });
  });
}

await adminQuery(admin, `create database ${dbName}`);
const dirs = tempDataDirs();
const port = await freePort();
const origin = `http://localhost:${port}`;
const tma = start(fileURLToPath(new URL('../src/server/main.ts', import.meta.url)), {
  ...dirs,
  DATABASE_URL: url,
  TMA_MIGRATION_DATABASE_URL: '',
  TMA_PORT: String(port),
  TMA_PUBLIC_URL: origin,
  TMA_DB_POOL_MAX: POOL_MAX,
  TMA_ANONYMOUS_REQUESTS_PER_10_MIN: LIMIT,
  TMA_ANONYMOUS_FLOOD_PER_MIN: LIMIT,
  TMA_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
});
const pool = new pg.Pool({ connectionString: url, max: Number(POOL_MAX) });
const floor = floorServer(pool);
let failed = false;
try {
  await waitForHttp(`http://127.0.0.1:${port}/readyz`);
  await pool.query(
    'create table floor_reports (id uuid primary key, receipt_hash text not null, content bytea not null)',
  );
  const floorPort = await freePort();
  await new Promise<void>((resolve) => floor.listen(floorPort, '127.0.0.1', resolve));
  const ours = `http://127.0.0.1:${port}/api/anonymous/reports`;
  const bare = `http://127.0.0.1:${floorPort}/`;
  process.stdout.write(
    `bench intake: ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s, pool ${POOL_MAX}, urgency ${URGENCY}\n` +
      `  rate limit for the load generator's address: TMA_ANONYMOUS_REQUESTS_PER_10_MIN=${LIMIT} (default 30)\n` +
      `  flood challenge off for the load: TMA_ANONYMOUS_FLOOD_PER_MIN=${LIMIT} (default 60)\n`,
  );
  await run(ours, origin, 2);
  await run(bare, origin, 2);
  const results: { ours: Run; floor: Run }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const order = i % 2 === 0 ? (['ours', 'floor'] as const) : (['floor', 'ours'] as const);
    const round: Partial<{ ours: Run; floor: Run }> = {};
    for (const which of order) round[which] = await run(which === 'ours' ? ours : bare, origin, SECONDS);
    results.push(round as { ours: Run; floor: Run });
  }
  const line = (label: string, runs: Run[]) =>
    `  ${label.padEnd(28)} ${median(runs.map((r) => r.rps))
      .toFixed(0)
      .padStart(6)} reports/s  p50 ${median(runs.map((r) => r.p50)).toFixed(
      0,
    )} ms  p99 ${Math.max(...runs.map((r) => r.p99)).toFixed(0)} ms  non-201 ${runs.reduce((n, r) => n + r.other, 0)}`;
  process.stdout.write(
    `${line(
      'floor (hash + one insert)',
      results.map((r) => r.floor),
    )}\n`,
  );
  process.stdout.write(
    `${line(
      'POST /api/anonymous/reports',
      results.map((r) => r.ours),
    )}\n`,
  );
  const rps = median(results.map((r) => r.ours.rps));
  const ratio = median(results.map((r) => r.ours.rps / r.floor.rps));
  process.stdout.write(`  ours / floor: ${(ratio * 100).toFixed(0)} %\n`);

  // Every 201 is a stored report (warm-up included), and each has its audit event.
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  // One statement, one snapshot: a request still in flight when the load stopped may commit meanwhile.
  const counts = await db.query(
    `select (select count(*) from reports) as stored,
            (select count(*) from audit_events where action = 'anonymous.report_submitted') as events`,
  );
  const stored = Number(counts.rows[0].stored);
  const events = Number(counts.rows[0].events);
  await db.end();
  const answered = results.reduce((n, r) => n + r.ours.created, 0);
  process.stdout.write(`  stored reports ${stored}, audit events ${events}, 201s in the rounds ${answered}\n`);
  if (stored < answered || events !== stored) {
    process.stdout.write('  MISS: a 201 without its report or audit event\n');
    failed = true;
  }
  if (rps < TARGET_RPS) {
    process.stdout.write(`  MISS: ${rps.toFixed(0)} reports/s, below the target of ${TARGET_RPS}\n`);
    failed = true;
  } else {
    process.stdout.write(`  target met: at least ${TARGET_RPS} reports/s\n`);
  }
} finally {
  floor.close();
  await pool.end();
  await stop(tma);
  if (process.env.BENCH_KEEP !== '1') await adminQuery(admin, `drop database ${dbName} with (force)`);
}
process.exit(failed ? 1 : 0);
