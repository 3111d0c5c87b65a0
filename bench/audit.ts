import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { chainRepository } from '../src/server/audit/chain.repository.ts';
import { AuditChainer } from '../src/server/audit/chainer.ts';
import { loadSigner } from '../src/server/audit/checkpoints.ts';
import { recordAudit } from '../src/server/audit/record.ts';
import { verifyTrail } from '../src/server/audit/verify.ts';
import { systemClock } from '../src/server/platform/clock.ts';
import { type Database, openEmbedded, openPostgres } from '../src/server/platform/db/database.ts';
import { migrate } from '../src/server/platform/db/migrate.ts';
import type { DB } from '../src/server/platform/db/schema.ts';
import { type Load as CommonLoad, median, percentile } from './support.ts';

/**
 * The cost of the audit trail on the write path: concurrent writers, each committing one
 * transaction after another, that (a) insert one row into a plain table with the columns of
 * audit_events (no extra indexes, no triggers, no chain), or (b) record one realistic audit event
 * with recordAudit while the real chainer runs beside them. Rounds alternate which load goes
 * first. Also samples, every 100 ms of the audit load, the age of the oldest unchained event (the
 * chainer's lag), and at the end verifies the whole chain. On PostgreSQL when DATABASE_URL is set
 * (a fresh database is made from it and dropped after), otherwise on the embedded engine.
 * Targets: audit append at least 70% of bare insert; chainer lag at most 2 s.
 */
const admin = process.env.DATABASE_URL;
const dbName = `tma_bench_audit_${process.pid}`;
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const writers = Number(process.env.BENCH_WRITERS ?? 50);
/** TMA's default pool size (TMA_DB_POOL_MAX). */
const poolMax = Number(process.env.BENCH_POOL_MAX ?? 10);
const RATIO_TARGET = 0.7;
const LAG_TARGET_MS = 2000;
const SAMPLE_MS = 100;
const USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

const withDb = (url: string, name: string) => Object.assign(new URL(url), { pathname: `/${name}` }).toString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function adminQuery(text: string, values: unknown[] = []): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    return (await client.query(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A closed pool's backends may still be exiting: wait for them (up to 5 s) rather than have the
 * forced drop terminate them, which their clients would report as errors.
 */
async function dropDatabase(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const rows = await adminQuery('select 1 from pg_stat_activity where datname = $1', [dbName]);
    if (rows.length === 0) break;
    await sleep(100);
  }
  await adminQuery(`drop database if exists ${dbName} with (force)`);
}

let errors = 0;
const fail = (what: string, error: unknown) => {
  errors++;
  process.stderr.write(`${what}: ${(error as Error)?.message ?? String(error)}\n`);
};

// The chainer logs its failures as warnings and retries: count them as errors of the run.
const log = pino(
  {
    level: process.env.BENCH_LOG_LEVEL ?? 'warn',
    hooks: {
      logMethod(args, method, level) {
        if (level >= 40) errors++;
        method.apply(this, args);
      },
    },
  },
  pino.destination(2),
);

/** One load of the writers: the common measures, and how many rows they committed. */
interface Load extends CommonLoad {
  rows: number;
}

/** writers async loops, each committing one transaction after another until the time is up. */
async function drive(label: string, secs: number, once: () => Promise<void>): Promise<Load> {
  const start = performance.now();
  const deadline = start + secs * 1000;
  const latencies: number[] = [];
  let failed = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await once();
          latencies.push(performance.now() - t0);
        } catch (error) {
          if (failed++ === 0) fail(label, error);
          else errors++;
        }
        // The embedded engine answers without I/O: without a turn of the event loop the writers
        // would run as one chain of microtasks and starve every timer (the chainer, the sampler),
        // which a server fed by sockets never does.
        await yieldToLoop();
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return {
    rows: latencies.length,
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    errors: failed,
  };
}

/** The same row for both loads: a sign-in by a user, about its new session. */
function event() {
  return {
    action: 'session.signed_in',
    outcome: 'allowed',
    actorUserId: randomUUID(),
    object: { type: 'session', id: randomUUID() },
    ip: '127.0.0.1',
    userAgent: USER_AGENT,
  } as const;
}

type Plain = { bench_plain_events: DB['audit_events'] };

async function bareInsert(database: Database): Promise<void> {
  const e = event();
  await database.transaction(async (tx) => {
    await tx
      .withTables<Plain>()
      .insertInto('bench_plain_events')
      .values({
        at: new Date(),
        actor_user_id: e.actorUserId,
        action: e.action,
        object_type: e.object.type,
        object_id: e.object.id,
        case_id: null,
        outcome: e.outcome,
        ip: e.ip,
        user_agent: e.userAgent,
        purpose: null,
        detail: '{}',
      })
      .execute();
  });
}

async function auditAppend(database: Database): Promise<void> {
  const e = event();
  await database.transaction((tx) => recordAudit(tx, new Date(), e));
}

/**
 * The age of the oldest unchained event, every SAMPLE_MS until stopped. Every event below the
 * chain head's horizon is chained (chainer.ts), and none at or above the snapshot's xmax is
 * visible yet, so only that range of txid is looked at, as the chainer's own query does: an
 * anti-join over the whole table would grow with it and, every 100 ms, take a third of the load's
 * throughput. The bounds go as parameters, so the planner reads only the tail, statistics or not.
 */
async function sampleLag(db: Kysely<DB>, stopped: () => boolean, samples: number[]): Promise<void> {
  while (!stopped()) {
    const t0 = performance.now();
    try {
      const { rows } = await lagSince(db);
      samples.push(Math.max(0, rows[0]?.lag_ms ?? 0));
    } catch (error) {
      fail('lag sample', error);
    }
    await sleep(Math.max(0, SAMPLE_MS - (performance.now() - t0)));
  }
}

async function lagSince(db: Kysely<DB>) {
  const { rows } = await sql<{ horizon: string | null; xmax: string }>`
    select (select horizon from audit_chain order by seq desc limit 1)::text as horizon,
           pg_snapshot_xmax(pg_current_snapshot())::text as xmax`.execute(db);
  const bounds = rows[0];
  if (bounds === undefined) throw new Error('no snapshot');
  return sql<{ lag_ms: number | null }>`
    select (extract(epoch from clock_timestamp() - min(e.at)) * 1000)::float8 as lag_ms
    from audit_events e
    where e.txid >= ${bounds.horizon ?? '0'}::xid8 and e.txid < ${bounds.xmax}::xid8
      and not exists (select 1 from audit_chain c where c.event_id = e.id)`.execute(db);
}

/**
 * On PostgreSQL, the oldest transaction of this database open for longer than minSeconds: the
 * chainer's horizon waits for it, so nothing written after it is chained until it ends.
 */
async function horizonHolder(database: Database, minSeconds: number): Promise<string | undefined> {
  if (database.engine !== 'postgres') return undefined;
  const { rows } = await sql<{ pid: number; state: string | null; seconds: number }>`
    select pid, state, extract(epoch from now() - xact_start)::float8 as seconds
    from pg_stat_activity
    where datname = current_database() and backend_xid is not null and pid <> pg_backend_pid()
      and xact_start < now() - make_interval(secs => ${minSeconds})
    order by xact_start limit 1`.execute(database.db);
  const r = rows[0];
  return (
    r &&
    `a transaction of pid ${r.pid} (${r.state}) has been open for ${r.seconds.toFixed(0)} s: nothing written after it is chained until it ends`
  );
}

async function waitChained(database: Database, timeoutMs = 30_000): Promise<number> {
  const start = performance.now();
  for (;;) {
    const { count } = await chainRepository.unchained(database.db);
    if (count === 0) return performance.now() - start;
    if (performance.now() - start > timeoutMs) {
      const holder = await horizonHolder(database, 5);
      throw new Error(`${count} events still unchained after ${timeoutMs} ms${holder ? `; ${holder}` : ''}`);
    }
    await sleep(20);
  }
}

const auditDir = mkdtempSync(path.join(tmpdir(), 'tma-bench-audit-'));
const signer = loadSigner(path.join(auditDir, 'secrets', 'audit-signing-key.pem'), path.join(auditDir, 'audit'));

interface AuditRound {
  load: Load;
  lag: number[];
  drainMs: number;
}

/** One audit load with a fresh chainer started before it and stopped once everything is chained. */
async function auditRound(database: Database, secs: number): Promise<AuditRound> {
  const chainer = new AuditChainer(database, log, {
    intervalMs: 500,
    checkpointMs: 60_000,
    auditDir: path.join(auditDir, 'audit'),
    signer,
    clock: systemClock,
  });
  chainer.start();
  const lag: number[] = [];
  let done = false;
  const sampler = sampleLag(database.db, () => done, lag);
  let drainMs = 0;
  let load: Load;
  try {
    load = await drive('audit append', secs, () => auditAppend(database));
  } finally {
    done = true;
    await sampler;
    try {
      drainMs = await waitChained(database);
    } finally {
      await chainer.stop();
    }
  }
  return { load, lag, drainMs };
}

async function run(database: Database): Promise<void> {
  const holder = await horizonHolder(database, 5);
  if (holder) process.stderr.write(`warning: ${holder}\n`);
  await sql`create table bench_plain_events (like audit_events including defaults including identity including constraints)`.execute(
    database.db,
  );
  await sql`alter table bench_plain_events add primary key (id)`.execute(database.db);

  // Warm-up: JIT, pool connections, plans.
  await drive('bare insert', 1, () => bareInsert(database));
  await auditRound(database, 1);

  const results: { bare: Load; audit: AuditRound }[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      const bare = await drive('bare insert', seconds, () => bareInsert(database));
      results.push({ bare, audit: await auditRound(database, seconds) });
    } else {
      const audit = await auditRound(database, seconds);
      results.push({ bare: await drive('bare insert', seconds, () => bareInsert(database)), audit });
    }
  }

  const ratio = median(results.map((r) => r.audit.load.rps / r.bare.rps));
  const row = (label: string, xs: Load[]) =>
    `${label.padEnd(24)} ${median(xs.map((x) => x.rps))
      .toFixed(0)
      .padStart(8)} rows/s   p50 ${median(xs.map((x) => x.p50)).toFixed(1)} ms   p99 ${median(
      xs.map((x) => x.p99),
    ).toFixed(1)} ms   errors ${xs.reduce((s, x) => s + x.errors, 0)}`;
  const lag = results.flatMap((r) => r.audit.lag);
  const maxLag = Math.max(0, ...lag);
  const p95Lag = percentile(lag, 0.95);
  process.stdout.write(
    [
      `bench audit append vs bare insert: ${rounds} interleaved rounds of ${seconds} s, ${writers} writers, ${
        database.engine === 'postgres' ? `pool ${poolMax}` : 'one connection'
      }, Node ${process.versions.node}`,
      row(
        'bare insert',
        results.map((r) => r.bare),
      ),
      row(
        'audit append + chainer',
        results.map((r) => r.audit.load),
      ),
      `per-round ratios: ${results.map((r) => (r.audit.load.rps / r.bare.rps).toFixed(2)).join(' ')}`,
      `median ratio audit append / bare insert: ${(ratio * 100).toFixed(1)}% (target >= ${RATIO_TARGET * 100}%: ${
        ratio >= RATIO_TARGET ? 'met' : 'NOT met'
      })`,
      `chainer lag under audit load: max ${maxLag.toFixed(0)} ms, p95 ${p95Lag.toFixed(0)} ms over ${lag.length} samples (target max <= ${LAG_TARGET_MS} ms: ${
        maxLag <= LAG_TARGET_MS ? 'met' : 'NOT met'
      })`,
      `per-round max lag: ${results.map((r) => Math.max(0, ...r.audit.lag).toFixed(0)).join(' ')} ms; all chained ${results
        .map((r) => r.audit.drainMs.toFixed(0))
        .join(' ')} ms after each load stopped`,
      '',
    ].join('\n'),
  );

  await waitChained(database);
  const verification = await verifyTrail(database.db, {
    publicKey: signer.publicKey,
    externalCheckpoints: [],
    now: new Date(),
  });
  const { rows } = await sql<{ n: string }>`select count(*)::text as n from audit_events`.execute(database.db);
  const events = Number(rows[0]?.n ?? 0);
  process.stdout.write(
    `chain: length ${verification.chain.length} of ${events} events, ${verification.checkpoints.checked} checkpoints, unchained ${verification.unchained.count}, ok ${verification.ok}\n`,
  );
  for (const p of verification.problems) process.stderr.write(`  ${p.kind} at ${p.seq}: ${p.message}\n`);
  if (!verification.ok || verification.unchained.count !== 0 || verification.chain.length !== events) {
    process.exitCode = 1;
  }
}

process.stdout.write(`engine: ${admin ? 'postgres' : 'pglite'}\n`);
try {
  if (admin) {
    await adminQuery(`create database ${dbName}`);
    try {
      const url = withDb(admin, dbName);
      const owner = new Kysely<DB>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
      });
      try {
        await migrate(owner);
      } finally {
        await owner.destroy();
      }
      const database = await openPostgres({
        url,
        poolMax,
        statementTimeoutMs: 15_000,
        onPoolError: (error) => fail('pool', error),
      });
      try {
        await run(database);
      } finally {
        await database.close();
      }
    } finally {
      await dropDatabase();
    }
  } else {
    const database = await openEmbedded({});
    try {
      await migrate(database.db);
      await run(database);
    } finally {
      await database.close();
    }
  }
} catch (error) {
  fail('bench', error);
} finally {
  rmSync(auditDir, { recursive: true, force: true });
}
if (errors > 0) {
  process.stderr.write(`${errors} errors\n`);
  process.exitCode = 1;
}
