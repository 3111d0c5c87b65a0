import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { shredCaseNow } from '../../src/server/keys/shredding.ts';
import { KeyRing, MissingKeyError } from '../../src/server/platform/crypto/key-ring.ts';
import { LocalKeyProvider } from '../../src/server/platform/crypto/local-key-provider.ts';
import { sealField } from '../../src/server/platform/crypto/sealed-field.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

/**
 * KeyRing.openFixed: a value that never changes, opened once while its key is held and kept no
 * longer than that key (the assessments list's finals, docs/assessments.md).
 */
const place = (rowId: string) => ({ table: 'assessments', column: 'judgments', rowId });

for (const engine of engines()) {
  describe(`values opened once with their key on ${engine}`, () => {
    let t: TestApp;
    let provider: LocalKeyProvider;
    before(async () => {
      t = await buildTestApp(engine);
      provider = LocalKeyProvider.open(t.config.secretsDir);
    });
    after(() => t.close());

    /** A ring of its own, its clock in the test's hand, and a count of the values it really opened. */
    function ring() {
      const clock = { now: Date.now() };
      const keys = new KeyRing(provider, t.database.db, { ttlMs: 60_000, now: () => clock.now });
      let reads = 0;
      const read = (text: string) => {
        reads++;
        return JSON.parse(text) as { judgments: Record<string, string> };
      };
      return { keys, clock, read, reads: () => reads };
    }

    async function sealed(caseId: string, judgments: Record<string, string>, rowId = randomUUID()) {
      const key = await t.keys.createKey('case', caseId);
      return { rowId, value: sealField(key, JSON.stringify({ judgments }), place(rowId)) };
    }

    test('opened once while the key is held, shared and frozen; a value sealed anew is opened anew', async () => {
      const r = ring();
      const caseId = randomUUID();
      const one = await sealed(caseId, { priority: 'high' });
      assert.equal(r.keys.keptFixed(one.value, place(one.rowId)), undefined, 'nothing is kept before it is opened');
      const first = await r.keys.openFixed(one.value, place(one.rowId), r.read);
      assert.equal(r.keys.keptFixed(one.value, place(one.rowId))?.value, first, 'kept, and read without waiting');
      const again = await r.keys.openFixed(one.value, place(one.rowId), r.read);
      assert.deepEqual(again, { judgments: { priority: 'high' } });
      assert.equal(again, first, 'the same value, not opened again');
      assert.equal(r.reads(), 1);
      assert.ok(Object.isFrozen(first) && Object.isFrozen(first.judgments), 'no caller can change what others read');
      const resealed = await sealed(caseId, { priority: 'low' }, one.rowId);
      assert.equal(r.keys.keptFixed(resealed.value, place(one.rowId)), undefined, 'another nonce is not kept');
      assert.equal(r.keys.keptFixed(one.value, place(randomUUID())), undefined, 'nor is another row');
      assert.deepEqual(await r.keys.openFixed(resealed.value, place(one.rowId), r.read), {
        judgments: { priority: 'low' },
      });
      assert.equal(r.reads(), 2, 'another nonce is another value');
      await assert.rejects(
        r.keys.openFixed(one.value, place(randomUUID()), r.read),
        /tampered/,
        'what was opened for one row is no answer for another',
      );
    });

    test('nothing is kept past the key: its time in the cache, or the shredding of its case', async () => {
      const r = ring();
      const caseId = randomUUID();
      const one = await sealed(caseId, { priority: 'medium' });
      await r.keys.openFixed(one.value, place(one.rowId), r.read);
      r.clock.now += 61_000;
      assert.equal(r.keys.keptFixed(one.value, place(one.rowId)), undefined, 'not past the key');
      await r.keys.openFixed(one.value, place(one.rowId), r.read);
      assert.equal(r.reads(), 2, 'the key left the cache, and what it opened went with it');

      await r.keys.openFixed(one.value, place(one.rowId), r.read);
      assert.equal(r.reads(), 2);
      await shredCaseNow(t.database.db, r.keys, new Date(), { caseId, actorUserId: null, reason: 'deletion' });
      assert.equal(r.keys.keptFixed(one.value, place(one.rowId)), undefined, 'nor past the shredding');
      await assert.rejects(r.keys.openFixed(one.value, place(one.rowId), r.read), MissingKeyError);
      assert.equal(r.reads(), 2, 'a shredded case answers nothing from memory');
    });

    test('a key made in a transaction not yet committed keeps nothing: a rollback leaves nothing behind', async () => {
      const r = ring();
      const rowId = randomUUID();
      await assert.rejects(
        t.database.transaction(async (tx) => {
          const inTx = r.keys.using(tx);
          const value = sealField(await inTx.createKey('case', randomUUID()), '{"judgments":{}}', place(rowId));
          await inTx.openFixed(value, place(rowId), r.read);
          await inTx.openFixed(value, place(rowId), r.read);
          assert.equal(inTx.keptFixed(value, place(rowId)), undefined);
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      assert.equal(r.reads(), 2);
    });
  });
}
