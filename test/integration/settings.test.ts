import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { settingsRepository } from '../../src/server/features/settings/settings.repository.ts';
import { ConflictError } from '../../src/server/platform/http/errors.ts';
import { engines, openTestDatabase, type TestDatabase } from '../support/db.ts';

for (const engine of engines()) {
  describe(`settings on ${engine}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await openTestDatabase(engine);
    });
    after(() => t.close());

    test('the first writer of a new setting wins', async () => {
      const [a, b] = await Promise.all([
        settingsRepository.getOrCreate(t.database.db, 'test.first', 'a'),
        settingsRepository.getOrCreate(t.database.db, 'test.first', 'b'),
      ]);
      assert.equal(a.value, b.value);
      assert.equal(a.version, 1);
    });

    test('two concurrent edits of the same version: exactly one succeeds, the other conflicts', async () => {
      const s = await settingsRepository.getOrCreate(t.database.db, 'test.edit', { n: 0 });
      const results = await Promise.allSettled([
        settingsRepository.update(t.database.db, 'test.edit', { n: 1 }, s.version),
        settingsRepository.update(t.database.db, 'test.edit', { n: 2 }, s.version),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const rejected = results.find((r) => r.status === 'rejected');
      assert.ok(rejected?.status === 'rejected' && rejected.reason instanceof ConflictError);
      assert.equal((await settingsRepository.get(t.database.db, 'test.edit'))?.version, 2);
    });
  });
}
