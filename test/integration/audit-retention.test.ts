import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { pino } from 'pino';
import { writeCheckpoint } from '../../src/server/audit/chainer.ts';
import { CHECKPOINT_FILE, loadSigner, readCheckpointFile } from '../../src/server/audit/checkpoints.ts';
import { recordAudit } from '../../src/server/audit/record.ts';
import { auditRetentionJob } from '../../src/server/audit/retention.job.ts';
import { cutTrail, readCutFile } from '../../src/server/audit/retention.ts';
import { verifyTrail } from '../../src/server/audit/verify.ts';
import { chainEverything } from '../support/audit.ts';
import { asOwner, engines, openTestDatabase, type TestDatabase } from '../support/db.ts';

const quiet = { info() {} };

for (const engine of engines()) {
  describe(`audit retention on ${engine}`, () => {
    let t: TestDatabase;
    const dir = mkdtempSync(path.join(tmpdir(), 'tma-retention-'));
    const signer = loadSigner(path.join(dir, 'key.pem'), dir);
    const verify = () =>
      verifyTrail(t.database.db, {
        publicKey: signer.publicKey,
        externalCheckpoints: readCheckpointFile(path.join(dir, CHECKPOINT_FILE)).checkpoints,
        externalCuts: readCutFile(dir).cuts,
        now: new Date(),
      });
    const events = async (n: number, at: (i: number) => Date) => {
      for (let i = 0; i < n; i++) {
        await recordAudit(t.database.db, at(i), {
          action: 'session.signed_in',
          outcome: 'allowed',
          actorUserId: randomUUID(),
        });
      }
      await chainEverything(t.database);
      await writeCheckpoint(t.database, signer, dir, quiet, new Date());
    };
    before(async () => {
      t = await openTestDatabase(engine);
      await events(20, (i) => new Date(Date.UTC(2019, 0, 1 + i)));
      await events(10, (i) => new Date(Date.UTC(2020, 0, 1 + i)));
      await events(10, (i) => new Date(Date.UTC(2026, 0, 1 + i)));
    });
    after(() => t.close());

    test('without a recorded cut nobody deletes audit rows, not even with the cut setting', async () => {
      await assert.rejects(
        t.database.transaction(async (tx) => {
          await sql`select set_config('tma.audit_cut', '20', true)`.execute(tx);
          await sql`delete from audit_events`.execute(tx);
        }),
        /permission denied|append-only/,
      );
    });

    test('a cut at the newest checkpoint before the limit removes the old events; the rest still verifies', async () => {
      let cut: Awaited<ReturnType<typeof cutTrail>>;
      await asOwner(t, async (owner) => {
        cut = await cutTrail(owner, signer, dir, quiet, new Date(Date.UTC(2021, 0, 1)), new Date());
      });
      // The checkpoints are at 20, 30 and 40; only the first 30 events are older than 2021.
      assert.equal(cut?.seq, '30');
      const left = await t.database.db.selectFrom('audit_chain').select('seq').orderBy('seq').execute();
      assert.equal(left[0]?.seq, '31');
      const oldest = await t.database.db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.min('at').as('at'))
        .where('action', '=', 'session.signed_in')
        .executeTakeFirstOrThrow();
      assert.equal(new Date(oldest.at as Date).getUTCFullYear(), 2026);
      await chainEverything(t.database);
      const r = await verify();
      assert.equal(r.ok, true, JSON.stringify(r.problems));
      assert.equal(r.chain.firstSeq, '31');
      const recorded = await t.database.db
        .selectFrom('audit_events')
        .select('detail')
        .where('action', '=', 'audit.retention_cut')
        .executeTakeFirstOrThrow();
      assert.deepEqual(recorded.detail, { seq: '30', before: '2021-01-01T00:00:00.000Z' });
    });

    test('a second cut with nothing old enough deletes nothing', async () => {
      let cut: Awaited<ReturnType<typeof cutTrail>>;
      await asOwner(t, async (owner) => {
        cut = await cutTrail(owner, signer, dir, quiet, new Date(Date.UTC(2021, 0, 1)), new Date());
      });
      assert.equal(cut, undefined);
      assert.equal((await verify()).ok, true);
    });

    test('the daily job cuts by the configured number of days', async () => {
      await events(5, () => new Date());
      const job = auditRetentionJob({
        database: t.database,
        ownerUrl: t.urls?.owner,
        signer,
        auditDir: dir,
        clock: { now: () => new Date(Date.UTC(2026, 6, 1)) },
        log: pino({ level: 'silent' }),
      });
      await job.handler({ keepDays: null }, { jobId: '1', attempt: 1 });
      assert.equal((await t.database.db.selectFrom('audit_cuts').select('seq').execute()).length, 1);
      await job.handler({ keepDays: 30 }, { jobId: '2', attempt: 1 });
      const cuts = await t.database.db.selectFrom('audit_cuts').select('seq').orderBy('seq').execute();
      assert.deepEqual(
        cuts.map((c) => c.seq),
        ['30', '40'],
      );
      await chainEverything(t.database);
      assert.equal((await verify()).ok, true);
    });

    test('a forged cut (no valid signature) does not account for deleted rows', async () => {
      const head = await t.database.db
        .selectFrom('audit_chain')
        .select(['seq', 'hash'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      await asOwner(t, async (owner) => {
        await owner.transaction().execute(async (tx) => {
          await tx
            .insertInto('audit_cuts')
            .values({
              seq: head.seq,
              hash: head.hash,
              horizon: '1',
              before: new Date(),
              at: new Date(),
              key_id: signer.keyId,
              signature: Buffer.alloc(64).toString('base64'),
            })
            .execute();
          await sql`select set_config('tma.audit_cut', ${head.seq}, true)`.execute(tx);
          await sql`delete from audit_events where id in (select event_id from audit_chain where seq <= ${head.seq}::bigint)`.execute(
            tx,
          );
          await sql`delete from audit_chain where seq <= ${head.seq}::bigint`.execute(tx);
        });
      });
      const r = await verify();
      assert.equal(r.ok, false);
      assert.ok(r.problems.some((p) => p.kind === 'bad_signature' && p.seq === head.seq));
      assert.ok(
        r.problems.some((p) => p.kind === 'truncated'),
        JSON.stringify(r.problems),
      );
    });
  });

  describe(`a retention cut at the head of the chain on ${engine}`, () => {
    test('the chain goes on after the cut, from its hash, and verifies', async () => {
      const t = await openTestDatabase(engine);
      const dir = mkdtempSync(path.join(tmpdir(), 'tma-retention-'));
      const signer = loadSigner(path.join(dir, 'key.pem'), dir);
      try {
        for (let i = 0; i < 5; i++) {
          await recordAudit(t.database.db, new Date(Date.UTC(2020, 0, 1 + i)), {
            action: 'session.step_up',
            outcome: 'allowed',
          });
        }
        await chainEverything(t.database);
        await writeCheckpoint(t.database, signer, dir, quiet, new Date());
        let cut: Awaited<ReturnType<typeof cutTrail>>;
        await asOwner(t, async (owner) => {
          cut = await cutTrail(owner, signer, dir, quiet, new Date(Date.UTC(2025, 0, 1)), new Date());
        });
        assert.equal(cut?.seq, '5');
        assert.equal((await t.database.db.selectFrom('audit_chain').select('seq').execute()).length, 0);
        await recordAudit(t.database.db, new Date(), { action: 'session.step_up', outcome: 'allowed' });
        await chainEverything(t.database);
        const seqs = await t.database.db.selectFrom('audit_chain').select('seq').orderBy('seq').execute();
        assert.deepEqual(
          seqs.map((r) => r.seq),
          ['6', '7'],
          'the cut event and the new one follow the cut',
        );
        assert.equal((await writeCheckpoint(t.database, signer, dir, quiet, new Date()))?.seq, '7');
        const r = await verifyTrail(t.database.db, {
          publicKey: signer.publicKey,
          externalCheckpoints: readCheckpointFile(path.join(dir, CHECKPOINT_FILE)).checkpoints,
          externalCuts: readCutFile(dir).cuts,
          now: new Date(),
        });
        assert.equal(r.ok, true, JSON.stringify(r.problems));
        assert.equal(r.chain.firstSeq, '6');
      } finally {
        await t.close();
      }
    });
  });
}
