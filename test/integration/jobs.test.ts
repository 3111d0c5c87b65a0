import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import { z } from 'zod';
import { defineJob } from '../../src/server/platform/jobs/definitions.ts';
import { enqueue, JobWorker, schedule } from '../../src/server/platform/jobs/queue.ts';
import { engines, openTestDatabase, type TestDatabase } from '../support/db.ts';

const quiet = { warn() {}, error() {} };

for (const engine of engines()) {
  describe(`job queue on ${engine}`, () => {
    let t: TestDatabase;
    const seen: unknown[] = [];
    let failuresLeft = 0;
    const echo = defineJob({
      type: 'test.echo',
      version: 2,
      schema: z.strictObject({ id: z.string(), n: z.number() }),
      upgrade: { 1: (p) => ({ ...(p as object), n: 0 }) },
      maxAttempts: 3,
      handler: async (payload) => {
        if (failuresLeft > 0) {
          failuresLeft--;
          throw new Error('transient failure');
        }
        seen.push(payload);
      },
    });
    const worker = () => new JobWorker(t.database.db, [echo], quiet, { backoffBaseMs: 1, pollIntervalMs: 10 });
    const jobs = () =>
      t.database.db
        .selectFrom('jobs')
        .select(['status', 'attempts', 'last_error'])
        .where('type', '=', 'test.echo')
        .execute();

    before(async () => {
      t = await openTestDatabase(engine);
    });
    after(() => t.close());
    beforeEach(async () => {
      seen.length = 0;
      failuresLeft = 0;
      await t.database.db.deleteFrom('jobs').execute();
      await t.database.db.deleteFrom('job_schedules').execute();
    });

    test('a job exists exactly when the transaction that enqueued it commits', async () => {
      await assert.rejects(
        t.database.transaction(async (tx) => {
          await enqueue(tx, echo, { id: 'rolled-back', n: 1 });
          throw new Error('the change failed');
        }),
      );
      await t.database.transaction((tx) => enqueue(tx, echo, { id: 'committed', n: 1 }));
      assert.equal(await worker().tick(), 1);
      assert.deepEqual(seen, [{ id: 'committed', n: 1 }]);
      assert.deepEqual(await jobs(), [{ status: 'done', attempts: 1, last_error: null }]);
    });

    test('an invalid payload is refused at enqueue', async () => {
      await assert.rejects(enqueue(t.database.db, echo, { id: 'x', n: 'one' } as never));
    });

    test('a failing job is retried with backoff and succeeds; one that keeps failing ends as failed', async () => {
      failuresLeft = 1;
      await enqueue(t.database.db, echo, { id: 'retry', n: 1 });
      const w = worker();
      await w.tick();
      assert.deepEqual(await jobs(), [{ status: 'pending', attempts: 1, last_error: 'Error: transient failure' }]);
      await waitFor(async () => (await w.tick()) > 0);
      assert.deepEqual(seen, [{ id: 'retry', n: 1 }]);

      await t.database.db.deleteFrom('jobs').execute();
      failuresLeft = 10;
      await enqueue(t.database.db, echo, { id: 'doomed', n: 1 });
      for (let i = 0; i < 3; i++) await waitFor(async () => (await w.tick()) > 0);
      const [row] = await jobs();
      assert.equal(row?.status, 'failed');
      assert.equal(row?.attempts, 3);
    });

    test('a scheduled job waits for its time', async () => {
      await enqueue(t.database.db, echo, { id: 'later', n: 1 }, { runAt: new Date(Date.now() + 3_600_000) });
      assert.equal(await worker().tick(), 0);
      await t.database.db
        .updateTable('jobs')
        .set({ run_at: new Date(Date.now() - 1000) })
        .execute();
      assert.equal(await worker().tick(), 1);
      assert.deepEqual(seen, [{ id: 'later', n: 1 }]);
    });

    test('a recurring schedule fires once per period, not once per missed period', async () => {
      await schedule(t.database.db, 'echo.every-minute', echo, { id: 'tick', n: 1 }, 60);
      const w = worker();
      assert.equal(await w.tick(), 1);
      assert.equal(await w.tick(), 0, 'the next run is a minute away');
      // Pretend the server was down for an hour: one catch-up run, and the next in the future.
      await t.database.db
        .updateTable('job_schedules')
        .set({ next_run_at: new Date(Date.now() - 3_600_000) })
        .execute();
      assert.equal(await w.tick(), 1);
      assert.equal(await w.tick(), 0);
      const next = await t.database.db.selectFrom('job_schedules').select('next_run_at').executeTakeFirstOrThrow();
      assert.ok(next.next_run_at.getTime() > Date.now());
      assert.equal(seen.length, 2);
    });

    test('a payload of an older version is upgraded; a newer one fails at once', async () => {
      const insert = (version: number, payload: object) =>
        t.database.db
          .insertInto('jobs')
          .values({
            type: 'test.echo',
            payload_version: version,
            payload: JSON.stringify(payload),
            max_attempts: 3,
            last_error: null,
            locked_until: null,
            singleton_key: null,
            finished_at: null,
          })
          .execute();
      await insert(1, { id: 'old' });
      await worker().tick();
      assert.deepEqual(seen, [{ id: 'old', n: 0 }]);
      await insert(3, { id: 'future', n: 1, extra: true });
      await worker().tick();
      const rows = await jobs();
      assert.deepEqual(rows.map((r) => r.status).sort(), ['done', 'failed']);
      assert.match(rows.find((r) => r.status === 'failed')?.last_error ?? '', /newer than this release knows/);
    });

    test('a singleton key admits one pending job', async () => {
      const a = await enqueue(t.database.db, echo, { id: 'a', n: 1 }, { singletonKey: 'case-1' });
      const b = await enqueue(t.database.db, echo, { id: 'b', n: 1 }, { singletonKey: 'case-1' });
      assert.ok(a);
      assert.equal(b, undefined);
      assert.equal((await jobs()).length, 1);
    });

    test('a job whose worker died is taken over when its lease ends', async () => {
      await enqueue(t.database.db, echo, { id: 'orphan', n: 1 });
      await t.database.db
        .updateTable('jobs')
        .set({ status: 'running', attempts: 1, locked_until: sql<Date>`now() - interval '1 second'` })
        .execute();
      assert.equal(await worker().tick(), 1);
      assert.deepEqual(seen, [{ id: 'orphan', n: 1 }]);
    });

    test('stop() lets the job in hand finish and takes no more', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const slow = defineJob({
        type: 'test.slow',
        version: 1,
        schema: z.strictObject({}),
        handler: async () => {
          await gate;
          seen.push('slow done');
        },
      });
      await enqueue(t.database.db, slow, {});
      const w = new JobWorker(t.database.db, [slow], quiet, { pollIntervalMs: 10 });
      w.start();
      await waitFor(
        async () => (await t.database.db.selectFrom('jobs').select('status').executeTakeFirst())?.status === 'running',
      );
      const stopped = w.stop();
      await enqueue(t.database.db, slow, {});
      release();
      await stopped;
      assert.deepEqual(seen, ['slow done']);
      const statuses = await t.database.db.selectFrom('jobs').select('status').orderBy('id').execute();
      assert.deepEqual(
        statuses.map((s) => s.status),
        ['done', 'pending'],
      );
    });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
