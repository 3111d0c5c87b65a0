import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { GENESIS, linkHash } from '../../src/server/audit/canonical.ts';
import { chainRepository } from '../../src/server/audit/chain.repository.ts';
import { chainAll, writeCheckpoint } from '../../src/server/audit/chainer.ts';
import type { CheckpointSigner } from '../../src/server/audit/checkpoints.ts';
import { recordAudit } from '../../src/server/audit/record.ts';
import type { Database } from '../../src/server/platform/db/database.ts';
import type { DB } from '../../src/server/platform/db/schema.ts';
import { asOwner, type TestDatabase } from './db.ts';

/**
 * Chains until nothing is left unchained: a chainer run leaves the events of transactions still
 * open for the next run, so a test that needs exact positions waits here.
 */
export async function chainEverything(database: Database, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await chainAll(database);
    if ((await chainRepository.unchained(database.db)).count === 0) return;
    if (Date.now() > deadline) throw new Error('audit events stayed unchained');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A sign-in event at a fixed time of 1 November 2026 (second i). */
export async function recordSignIn(db: Kysely<DB>, i: number): Promise<void> {
  await recordAudit(db, new Date(Date.UTC(2026, 10, 1, 8, 0, i)), {
    action: 'session.signed_in',
    outcome: 'allowed',
    actorUserId: randomUUID(),
    object: { type: 'session', id: randomUUID() },
    ip: '192.0.2.7',
    userAgent: 'Mozilla/5.0 (test)',
  });
}

/** The chain every tampering starts from: 40 events, a checkpoint (in the database and the file in dir) at 30. */
export async function seedCleanChain(database: Database, signer: CheckpointSigner, dir: string): Promise<void> {
  for (let i = 0; i < 30; i++) await recordSignIn(database.db, i);
  await chainEverything(database);
  await writeCheckpoint(database, signer, dir, { info() {} }, new Date());
  for (let i = 30; i < 40; i++) await recordSignIn(database.db, i);
  await chainEverything(database);
}

/** Disables the append-only triggers around fn: what someone with the owner's password could do. */
export async function tamper(t: TestDatabase, fn: (db: Kysely<DB>) => Promise<void>): Promise<void> {
  await asOwner(t, async (db) => {
    for (const table of ['audit_events', 'audit_chain', 'audit_checkpoints']) {
      await sql`alter table ${sql.table(table)} disable trigger user`.execute(db);
    }
    try {
      await fn(db);
    } finally {
      for (const table of ['audit_events', 'audit_chain', 'audit_checkpoints']) {
        await sql`alter table ${sql.table(table)} enable trigger user`.execute(db);
      }
    }
  });
}

/** A change to a clean chain (seedCleanChain), the kind of break the verifier must name first, and where. */
export type Tampering = readonly [
  name: string,
  change: (db: Kysely<DB>) => Promise<void>,
  kind: string,
  seq: string | null,
];

export const TAMPERINGS: readonly Tampering[] = [
  [
    'an edited event',
    (db) =>
      sql`update audit_events set ip = '203.0.113.9' where id = (select event_id from audit_chain where seq = 12)`
        .execute(db)
        .then(() => {}),
    'edited',
    '12',
  ],
  [
    'a deleted event',
    (db) =>
      sql`delete from audit_events where id = (select event_id from audit_chain where seq = 7)`
        .execute(db)
        .then(() => {}),
    'missing_event',
    '7',
  ],
  [
    'a deleted event with its link',
    async (db) => {
      await sql`delete from audit_events where id = (select event_id from audit_chain where seq = 20)`.execute(db);
      await sql`delete from audit_chain where seq = 20`.execute(db);
    },
    'missing_link',
    '21',
  ],
  [
    'two events swapped',
    async (db) => {
      const ids = await sql<{
        seq: string;
        event_id: string;
      }>`select seq, event_id from audit_chain where seq in (33, 34) order by seq`.execute(db);
      const [a, b] = ids.rows;
      assert.ok(a && b);
      await sql`update audit_chain set event_id = -1 where seq = 33`.execute(db);
      await sql`update audit_chain set event_id = ${a.event_id} where seq = 34`.execute(db);
      await sql`update audit_chain set event_id = ${b.event_id} where seq = 33`.execute(db);
    },
    'reordered',
    '33',
  ],
  [
    'a truncated tail (events and links after the checkpoint removed, and the checkpoint row too)',
    async (db) => {
      await sql`delete from audit_events where id in (select event_id from audit_chain where seq > 25)`.execute(db);
      await sql`delete from audit_chain where seq > 25`.execute(db);
      await sql`delete from audit_checkpoints`.execute(db);
    },
    'truncated',
    '30',
  ],
  [
    'an edited event with the whole chain recomputed after it',
    async (db) => {
      await sql`update audit_events set action = 'session.signed_out' where id = (select event_id from audit_chain where seq = 3)`.execute(
        db,
      );
      const rows = await db
        .selectFrom('audit_chain as c')
        .innerJoin('audit_events as e', 'e.id', 'c.event_id')
        .selectAll('e')
        .select(['c.seq'])
        .orderBy('c.seq')
        .execute();
      let previous = GENESIS;
      for (const r of rows) {
        previous = linkHash(previous, r, r.seq);
        await db.updateTable('audit_chain').set({ hash: previous }).where('seq', '=', r.seq).execute();
      }
    },
    'checkpoint_mismatch',
    '30',
  ],
  [
    'the first two events swapped',
    async (db) => {
      const ids = await sql<{
        event_id: string;
      }>`select event_id from audit_chain where seq in (1, 2) order by seq`.execute(db);
      const [a, b] = ids.rows;
      assert.ok(a && b);
      await sql`update audit_chain set event_id = -1 where seq = 1`.execute(db);
      await sql`update audit_chain set event_id = ${a.event_id} where seq = 2`.execute(db);
      await sql`update audit_chain set event_id = ${b.event_id} where seq = 1`.execute(db);
    },
    'reordered',
    '1',
  ],
  [
    'a detail given a __proto__ key',
    (db) =>
      sql`update audit_events set detail = '{"__proto__": {"note": "exported all cases"}}'::jsonb where id = (select event_id from audit_chain where seq = 9)`
        .execute(db)
        .then(() => {}),
    'edited',
    '9',
  ],
  [
    'an event slipped in below the horizon, where the chainer never looks',
    (db) =>
      sql`insert into audit_events (id, txid, at, action, outcome) overriding system value values (777777, '3', date_trunc('milliseconds', now()), 'session.signed_in', 'allowed')`
        .execute(db)
        .then(() => {}),
    'orphaned_event',
    null,
  ],
];
