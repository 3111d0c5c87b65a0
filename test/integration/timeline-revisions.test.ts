import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TimelinePage } from '../../src/contract/timeline.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { openCase } from '../support/cases.ts';
import { engines } from '../support/db.ts';

/**
 * The revision of a case's timeline (migration 0024), under which the server keeps the case's
 * chart between reads (timeline/chart-cache.ts): every write to the case's entries changes it in
 * its own transaction, and so no reader is given a chart of an older timeline.
 */
for (const engine of engines()) {
  describe(`timeline revisions on ${engine}`, () => {
    let t: TestApp;
    let lead: Browser;
    let caseId: string;
    let otherId: string;
    before(async () => {
      t = await buildTestApp(engine, { env: { TMA_TIME_ZONE: 'Europe/Berlin' } });
      lead = await signIn(t, (await createAccount(t, 'threat_manager')).email);
      await stepUp(t, lead);
      caseId = (await openCase(t, lead)).id;
      otherId = (await openCase(t, lead)).id;
    });
    after(() => t.close());

    const revisionOf = async (id: string) =>
      (
        await t.database.db
          .selectFrom('timeline_revisions')
          .select('revision')
          .where('case_id', '=', id)
          .executeTakeFirst()
      )?.revision;
    const page = async (): Promise<TimelinePage> => {
      const res = await call(t, lead, 'GET', `/api/cases/${caseId}/timeline`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    const notes = (p: TimelinePage) => p.chart?.kinds.find((k) => k.kind === 'note');

    test('the chart follows every write, though the server keeps it between reads', async () => {
      assert.equal(notes(await page()), undefined);
      const first = await call(t, lead, 'POST', `/api/cases/${caseId}/timeline`, {
        kind: 'note',
        occurredOn: '2026-03-02',
        title: 'First',
      });
      assert.equal(first.statusCode, 201, first.body);
      const day = Date.UTC(2026, 2, 2) / 86_400_000;
      assert.deepEqual(notes(await page()), { kind: 'note', days: [day], counts: [1] });
      assert.deepEqual(notes(await page()), { kind: 'note', days: [day], counts: [1] }, 'read twice, the same');
      await call(t, lead, 'POST', `/api/cases/${caseId}/timeline`, {
        kind: 'note',
        occurredOn: '2026-03-02',
        title: 'x',
      });
      assert.deepEqual(notes(await page()), { kind: 'note', days: [day], counts: [2] });
      const moved = await call(t, lead, 'PUT', `/api/cases/${caseId}/timeline/${first.json().id}`, {
        kind: 'note',
        occurredOn: '2026-03-05',
        title: 'First, another day',
        expectedVersion: 1,
      });
      assert.equal(moved.statusCode, 200, moved.body);
      assert.deepEqual(notes(await page()), { kind: 'note', days: [day, day + 3], counts: [1, 1] });
    });

    test('every insert, update, delete and move of entries changes the revision of each case it touches', async () => {
      const db = t.database.db;
      const start = await revisionOf(caseId);
      assert.ok(start !== undefined, 'a case with entries has a revision');
      const opened = await db
        .selectFrom('timeline_entries')
        .select('id')
        .where('case_id', '=', caseId)
        .where('kind', '=', 'opened')
        .executeTakeFirstOrThrow();
      await db
        .updateTable('timeline_entries')
        .set({ tags: ['leakage'] })
        .where('id', '=', opened.id)
        .execute();
      const updated = await revisionOf(caseId);
      assert.notEqual(updated, start);
      // A write that is rolled back leaves the revision as it was.
      await assert.rejects(
        db.transaction().execute(async (tx) => {
          await tx.updateTable('timeline_entries').set({ tags: [] }).where('id', '=', opened.id).execute();
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      assert.equal(await revisionOf(caseId), updated);
      // A move (as a merge makes it) changes both cases.
      const otherStart = await revisionOf(otherId);
      await db.updateTable('timeline_entries').set({ case_id: otherId }).where('id', '=', opened.id).execute();
      const moved = await revisionOf(caseId);
      assert.notEqual(moved, updated);
      assert.notEqual(await revisionOf(otherId), otherStart);
      const otherMoved = await revisionOf(otherId);
      await db.deleteFrom('timeline_entries').where('id', '=', opened.id).execute();
      assert.notEqual(await revisionOf(otherId), otherMoved);
      assert.equal(await revisionOf(caseId), moved, 'a write to one case leaves the other’s revision');
    });
  });
}
