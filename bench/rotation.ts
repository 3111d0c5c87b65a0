import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rewrapAll } from '../src/server/keys/rotation.ts';
import { contextOf } from '../src/server/platform/crypto/key-ring.ts';
import { LocalKeyProvider } from '../src/server/platform/crypto/local-key-provider.ts';
import { type Database, openEmbedded, openPostgres } from '../src/server/platform/db/database.ts';
import { migrate } from '../src/server/platform/db/migrate.ts';
import { adminQuery, withDb } from './support.ts';

/**
 * Master-key rotation (issue 6): 100,000 wrapped case keys re-wrapped under a new master version
 * by `rewrapAll`, the code `npm run keys:rotate` runs, on PostgreSQL when DATABASE_URL is set (a
 * fresh database, dropped after), otherwise on the embedded engine. Beside it, in the same run,
 * the bare cost of the cryptography alone (unwrap + wrap of every key, no database), so the ratio
 * says how much of the time the database takes. Target: under 60 s on PostgreSQL.
 */
const admin = process.env.DATABASE_URL;
const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);
const TARGET_S = 60;
const dbName = `tma_bench_rotation_${process.pid}`;
async function open(dir: string): Promise<Database> {
  if (admin === undefined) return openEmbedded({ dataDir: path.join(dir, 'data') });
  await adminQuery(admin, `create database ${dbName}`);
  return openPostgres({ url: withDb(admin, dbName), poolMax: 4, statementTimeoutMs: 600_000, onPoolError: () => {} });
}

const dir = mkdtempSync(path.join(tmpdir(), 'tma-bench-rotation-'));
const provider = LocalKeyProvider.open(path.join(dir, 'secrets'));
const database = await open(dir);
try {
  await migrate(database.db);
  const rows = [];
  for (let i = 0; i < KEYS; i++) {
    const owner = randomUUID();
    const { wrapped, masterVersion, key } = await provider.generateDataKey({ purpose: 'case', owner });
    key.fill(0);
    rows.push({
      id: randomUUID(),
      purpose: 'case' as const,
      owner_id: owner,
      wrapped,
      master_version: masterVersion,
      created_at: new Date(),
    });
  }
  for (let i = 0; i < rows.length; i += 2000) {
    await database.db
      .insertInto('data_keys')
      .values(rows.slice(i, i + 2000))
      .execute();
  }

  provider.addVersion();
  const bareStart = performance.now();
  for (const row of rows) {
    const context = contextOf({ purpose: row.purpose, owner_id: row.owner_id, case_id: null });
    await provider.rewrap(row.wrapped, context, context);
  }
  const bareS = (performance.now() - bareStart) / 1000;

  const start = performance.now();
  const result = await rewrapAll(database.db, provider);
  const rotationS = (performance.now() - start) / 1000;
  const left = await database.db
    .selectFrom('data_keys')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('master_version', '<>', provider.currentVersion())
    .executeTakeFirstOrThrow();
  if (result.rewrapped !== KEYS || Number(left.n) !== 0 || result.failed.length > 0) {
    throw new Error(
      `rotation incomplete: ${result.rewrapped} re-wrapped, ${left.n} left, ${result.failed.length} failed`,
    );
  }
  const engine = admin === undefined ? 'the embedded engine' : 'PostgreSQL';
  process.stdout.write(
    [
      `master-key rotation of ${KEYS} wrapped data keys on ${engine}, Node ${process.versions.node}`,
      `bare unwrap + wrap, no database      ${bareS.toFixed(1).padStart(6)} s`,
      `rewrapAll (keys:rotate)              ${rotationS.toFixed(1).padStart(6)} s (${Math.round(KEYS / rotationS)} keys/s)`,
      `ratio bare / rotation: ${((bareS / rotationS) * 100).toFixed(1)}% (the rest is the database)`,
      `target < ${TARGET_S} s${admin === undefined ? ' (set for PostgreSQL)' : ''}: ${rotationS < TARGET_S ? 'met' : 'NOT met'}`,
      '',
    ].join('\n'),
  );
  if (admin !== undefined && rotationS >= TARGET_S) process.exitCode = 1;
} finally {
  await database.close();
  if (admin !== undefined) await adminQuery(admin, `drop database if exists ${dbName} with (force)`);
  rmSync(dir, { recursive: true, force: true });
}
