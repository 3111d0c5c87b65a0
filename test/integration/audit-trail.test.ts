import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { GENESIS, linkHash } from '../../src/server/audit/canonical.ts';
import { chainRepository } from '../../src/server/audit/chain.repository.ts';
import { chainAll, chainOnce, writeCheckpoint } from '../../src/server/audit/chainer.ts';
import { CHECKPOINT_FILE, loadSigner, readCheckpointFile } from '../../src/server/audit/checkpoints.ts';
import { recordAnonymousAudit, recordAudit } from '../../src/server/audit/record.ts';
import { verifyTrail } from '../../src/server/audit/verify.ts';
import { openEmbedded, openPostgres } from '../../src/server/platform/db/database.ts';
import { migrate } from '../../src/server/platform/db/migrate.ts';
import { chainEverything, recordSignIn, tamper } from '../support/audit.ts';
import { engines, openTestDatabase, type TestDatabase } from '../support/db.ts';

const quiet = { info() {} };

for (const engine of engines()) {
  describe(`audit trail on ${engine}`, () => {
    let t: TestDatabase;
    const auditDir = mkdtempSync(path.join(tmpdir(), 'tma-audit-'));
    const signer = loadSigner(path.join(auditDir, 'key.pem'), auditDir);
    const verify = () =>
      verifyTrail(t.database.db, {
        publicKey: signer.publicKey,
        externalCheckpoints: readCheckpointFile(path.join(auditDir, CHECKPOINT_FILE)).checkpoints,
        now: new Date(),
      });
    before(async () => {
      t = await openTestDatabase(engine);
    });
    after(() => t.close());

    test('an empty trail verifies, and says there is nothing yet', async () => {
      const r = await verify();
      assert.equal(r.ok, true);
      assert.equal(r.chain.length, 0);
      assert.equal(r.unchained.count, 0);
    });

    test('events of a rolled-back transaction are gone with it; unchained events are reported as the tail', async () => {
      await assert.rejects(
        t.database.transaction(async (tx) => {
          await recordSignIn(tx, 0);
          throw new Error('the change failed');
        }),
        /the change failed/,
      );
      assert.equal((await t.database.db.selectFrom('audit_events').select('id').execute()).length, 0);
      for (let i = 1; i <= 5; i++) await recordSignIn(t.database.db, i);
      const soon = await verifyTrail(t.database.db, {
        publicKey: signer.publicKey,
        externalCheckpoints: [],
        now: new Date('2026-11-01T08:01:00Z'),
      });
      assert.equal(soon.ok, true, JSON.stringify(soon.problems));
      assert.equal(soon.chain.length, 0);
      assert.equal(soon.unchained.count, 5);
      assert.equal(soon.unchained.oldestAt, '2026-11-01T08:00:01.000Z');
      // Unprotected for longer than ten minutes: the chain has stalled, and that is a problem.
      const later = await verify();
      assert.deepEqual(
        later.problems.map((p) => p.kind),
        ['stalled'],
      );
    });

    test('the chainer links events in order; each hash covers the previous one and the canonical event', async () => {
      await chainEverything(t.database);
      assert.equal(await chainOnce(t.database), 0);
      const rows = await t.database.db
        .selectFrom('audit_chain as c')
        .innerJoin('audit_events as e', 'e.id', 'c.event_id')
        .selectAll('e')
        .select(['c.seq', 'c.hash'])
        .orderBy('c.seq')
        .execute();
      assert.deepEqual(
        rows.map((r) => r.seq),
        ['1', '2', '3', '4', '5'],
      );
      let previous = GENESIS;
      for (const r of rows) {
        previous = linkHash(previous, r, r.seq);
        assert.equal(r.hash, previous);
      }
      const report = await verify();
      assert.equal(report.ok, true, JSON.stringify(report.problems));
      assert.equal(report.chain.length, 5);
      assert.equal(report.chain.headHash, previous);
    });

    test('checkpoints are signed, stored and written to the file outside the database', async () => {
      const lines: unknown[] = [];
      const c = await writeCheckpoint(
        t.database,
        signer,
        auditDir,
        { info: (o: unknown) => lines.push(o) },
        new Date(),
      );
      assert.equal(c?.seq, '5');
      assert.equal(lines.length, 1, 'the checkpoint goes to the log stream too');
      const file = readCheckpointFile(path.join(auditDir, CHECKPOINT_FILE));
      assert.deepEqual(file.checkpoints, [c]);
      const again = await writeCheckpoint(t.database, signer, auditDir, quiet, new Date());
      assert.deepEqual(again, c, 'an unchanged head is not signed twice');
      const r = await verify();
      assert.equal(r.ok, true);
      assert.equal(r.checkpoints.latest?.seq, '5');
    });

    test('a forged checkpoint row neither stops real checkpoints nor passes for the latest', async () => {
      const head = await chainRepository.head(t.database.db);
      assert.ok(head);
      await tamper(t, async (db) => {
        await db
          .insertInto('audit_checkpoints')
          .values({ seq: '9000000000000000000', hash: 'f', at: new Date(), key_id: 'k', signature: 'AAAA' })
          .execute();
      });
      await recordSignIn(t.database.db, 50);
      await chainEverything(t.database);
      const c = await writeCheckpoint(t.database, signer, auditDir, quiet, new Date());
      assert.equal(c?.seq, String(Number(head.seq) + 1));
      const r = await verify();
      assert.deepEqual(
        r.problems.map((p) => [p.kind, p.seq]),
        [['bad_signature', '9000000000000000000']],
      );
      await tamper(t, (db) =>
        db
          .deleteFrom('audit_checkpoints')
          .where('seq', '=', '9000000000000000000')
          .execute()
          .then(() => {}),
      );
      assert.equal((await verify()).ok, true);
    });

    test('two instances checkpointing at once publish one checkpoint', async () => {
      await recordSignIn(t.database.db, 51);
      await chainEverything(t.database);
      const lines = () => readCheckpointFile(path.join(auditDir, CHECKPOINT_FILE)).checkpoints.length;
      const before = lines();
      await Promise.all([
        writeCheckpoint(t.database, signer, auditDir, quiet, new Date()),
        writeCheckpoint(t.database, signer, auditDir, quiet, new Date(Date.now() + 1)),
      ]);
      assert.equal(lines(), before + 1);
      assert.equal((await verify()).ok, true);
    });

    test('an event time finer than milliseconds is refused: the hash could not see an edit there', async () => {
      await assert.rejects(
        sql`insert into audit_events (at, action, outcome) values ('2026-11-01T08:00:00.0005Z', 'session.signed_in', 'allowed')`.execute(
          t.database.db,
        ),
        /check constraint/,
      );
    });

    test('rows the previous release writes to security_events reach the trail', async () => {
      await t.database.db
        .insertInto('security_events')
        .values({ at: new Date(), action: 'session.sign_in_failed', outcome: 'failed', ip: '192.0.2.1' })
        .execute();
      const row = await t.database.db
        .selectFrom('audit_events')
        .select(['action', 'ip'])
        .where('ip', '=', '192.0.2.1')
        .executeTakeFirstOrThrow();
      assert.equal(row.action, 'session.sign_in_failed');
      await chainEverything(t.database);
      assert.equal((await verify()).ok, true);
    });

    test('the application cannot update, delete or truncate audit rows', async () => {
      for (const statement of [
        sql`update audit_events set action = 'x'`,
        sql`delete from audit_events`,
        sql`truncate audit_events`,
        sql`update audit_chain set hash = 'x'`,
        sql`delete from audit_chain`,
        sql`delete from audit_checkpoints`,
      ]) {
        await assert.rejects(statement.execute(t.database.db), /permission denied|append-only/);
      }
      assert.equal((await verify()).ok, true);
    });

    test('the anonymous channel stores no address, no user agent, no actor and only the day', async () => {
      const event = {
        action: 'anonymous.report_submitted' as const,
        outcome: 'allowed' as const,
        object: { type: 'report' as const, id: randomUUID() },
      };
      // A time of day is refused: the caller gives the day, as midnight (intake/context.ts, companyMidnight).
      await assert.rejects(
        recordAnonymousAudit(t.database.db, new Date('2026-11-02T17:43:12.345Z'), event),
        /dated by a midnight/,
      );
      await recordAnonymousAudit(t.database.db, new Date('2026-11-02T00:00:00.000Z'), event);
      const row = await t.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'anonymous.report_submitted')
        .executeTakeFirstOrThrow();
      assert.equal(row.ip, null);
      assert.equal(row.user_agent, null);
      assert.equal(row.actor_user_id, null);
      assert.equal(row.anonymous, true);
      assert.equal(row.at.toISOString(), '2026-11-02T00:00:00.000Z');
    });

    test('a detail that does not match its action is refused, not stored', async () => {
      await assert.rejects(
        recordAudit(t.database.db, new Date(), {
          action: 'user.invited',
          outcome: 'allowed',
          detail: { role: 'superuser' } as unknown as { role: 'admin' },
        }),
        /does not match its schema/,
      );
    });

    if (engine === 'pglite') {
      test('after a restore from an older backup the verifier says what the backup lacks', async () => {
        const dir = mkdtempSync(path.join(tmpdir(), 'tma-audit-'));
        const live = await openEmbedded({});
        try {
          await migrate(live.db);
          for (let i = 0; i < 8; i++) await recordSignIn(live.db, i);
          await chainEverything(live);
          await writeCheckpoint(live, signer, dir, quiet, new Date());
          const backup = await live.dump();
          for (let i = 8; i < 12; i++) await recordSignIn(live.db, i);
          await chainEverything(live);
          await writeCheckpoint(live, signer, dir, quiet, new Date());
          const restored = await openEmbedded({ loadDataDir: backup });
          try {
            const r = await verifyTrail(restored.db, {
              publicKey: signer.publicKey,
              externalCheckpoints: readCheckpointFile(path.join(dir, CHECKPOINT_FILE)).checkpoints,
              now: new Date(),
            });
            assert.equal(r.ok, false);
            assert.equal(r.problems[0]?.kind, 'truncated');
            assert.match(
              r.problems[0]?.message ?? '',
              /covers 12 links, but the chain ends at 8: .*restored from an older backup/,
            );
            assert.equal(r.chain.length, 8);
          } finally {
            await restored.close();
          }
        } finally {
          await live.close();
        }
      });
    }

    if (engine === 'postgres') {
      test('the chainer waits for transactions still in flight, then chains in transaction order', async () => {
        const urls = t.urls;
        assert.ok(urls);
        await chainAll(t.database);
        const other = await openPostgres({
          url: urls.app,
          poolMax: 2,
          statementTimeoutMs: 30_000,
          onPoolError: () => {},
        });
        let release: () => void = () => {};
        try {
          const before = Number(
            (
              await t.database.db
                .selectFrom('audit_chain')
                .select((eb) => eb.fn.countAll<string>().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
          const held = new Promise<void>((r) => {
            release = r;
          });
          let inserted: () => void = () => {};
          const ready = new Promise<void>((r) => {
            inserted = r;
          });
          // A: records an event, then stays open.
          const a = other.transaction(async (tx) => {
            await recordAudit(tx, new Date(), { action: 'session.signed_out', outcome: 'allowed' });
            inserted();
            await held;
          });
          await Promise.race([ready, a.then(() => assert.fail('A ended before it recorded'))]);
          // B: a later transaction that commits while A is open.
          await recordAudit(t.database.db, new Date(), { action: 'session.revoked', outcome: 'allowed' });
          assert.equal(await chainAll(t.database), 0, 'nothing after A may be chained while A is open');
          release();
          await a;
          await chainEverything(t.database);
          const tail = await t.database.db
            .selectFrom('audit_chain as c')
            .innerJoin('audit_events as e', 'e.id', 'c.event_id')
            .select(['e.action'])
            .where(sql<boolean>`c.seq > ${before}`)
            .orderBy('c.seq')
            .execute();
          assert.deepEqual(
            tail.map((r) => r.action),
            ['session.signed_out', 'session.revoked'],
          );
          assert.equal((await verify()).ok, true);
        } finally {
          release();
          await other.close();
        }
      });

      test('a transaction left open in another database does not hold the chain back', async () => {
        const urls = t.urls;
        assert.ok(urls);
        const elsewhere = await openTestDatabase('postgres');
        let release: () => void = () => {};
        const held = new Promise<void>((r) => {
          release = r;
        });
        let started: () => void = () => {};
        const ready = new Promise<void>((r) => {
          started = r;
        });
        const open = elsewhere.database.transaction(async (tx) => {
          await recordAudit(tx, new Date(), { action: 'session.signed_out', outcome: 'allowed' });
          started();
          await held;
        });
        try {
          await Promise.race([ready, open.then(() => assert.fail('the other transaction ended early'))]);
          await recordAudit(t.database.db, new Date(), { action: 'session.revoked', outcome: 'allowed' });
          await chainEverything(t.database, 5_000);
        } finally {
          release();
          await open;
          await elsewhere.close();
        }
      });

      test('two chainers at once: one chains, the other steps aside', async () => {
        await chainAll(t.database);
        for (let i = 0; i < 20; i++) await recordSignIn(t.database.db, i);
        const urls = t.urls;
        assert.ok(urls);
        const other = await openPostgres({
          url: urls.app,
          poolMax: 2,
          statementTimeoutMs: 30_000,
          onPoolError: () => {},
        });
        try {
          const before = await chainRepository.head(t.database.db);
          await Promise.all([chainAll(t.database), chainAll(other)]);
          await chainEverything(t.database);
          const head = await chainRepository.head(t.database.db);
          assert.equal(Number(head?.seq) - Number(before?.seq), 20);
          assert.equal((await verify()).ok, true);
        } finally {
          await other.close();
        }
      });
    }
  });
}
