import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type Seeded, seedCases } from './cases-seed.ts';
import { adminQuery, freePort, start, stop, tempDataDirs, waitForHttp, withDb } from './support.ts';

/**
 * What the benches of case routes under load run against (bench/cases.ts, bench/timeline.ts):
 * their settings, and a real server on a fresh database seeded by cases-seed.ts with the member's
 * sessions (caseBench). How they measure is bench/rounds.ts.
 */

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
