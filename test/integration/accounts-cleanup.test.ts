import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { accountsCleanupJob } from '../../src/server/access/sessions/sessions.cleanup.ts';
import { enqueue, JobWorker } from '../../src/server/platform/jobs/queue.ts';
import { createAccount, signIn } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

for (const engine of engines()) {
  describe(`accounts clean-up on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(engine);
    });
    after(() => t.close());

    test('old ended sessions and throttle counters go; open sessions and the security events stay', async () => {
      const { email } = await createAccount(t, 'reporter');
      await signIn(t, email);
      await signIn(t, email);
      const db = t.database.db;
      const [old] = await db.selectFrom('sessions').select('id').limit(1).execute();
      assert.ok(old);
      await db
        .updateTable('sessions')
        .set({ ended_at: sql<Date>`now() - interval '40 days'`, end_reason: 'signed_out' })
        .where('id', '=', old.id)
        .execute();
      await db
        .insertInto('login_throttle')
        .values({
          key: 'old',
          failures: 3,
          last_attempt_at: new Date(Date.now() - 40 * 86_400_000),
          blocked_until: null,
        })
        .execute();
      const events = (
        await db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;

      const job = accountsCleanupJob(db);
      await enqueue(db, job, { keepDays: 30 });
      assert.equal(await new JobWorker(db, [job], { warn() {}, error() {} }).tick(), 1);

      const left = await db.selectFrom('sessions').select('id').execute();
      assert.equal(left.length, 1);
      assert.notEqual(left[0]?.id, old.id);
      assert.equal((await db.selectFrom('login_throttle').select('key').where('key', '=', 'old').execute()).length, 0);
      assert.equal(
        (
          await db
            .selectFrom('audit_events')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
        events,
      );
    });
  });
}
