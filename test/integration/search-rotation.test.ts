import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { KeyRing } from '../../src/server/platform/crypto/key-ring.ts';
import { LocalKeyProvider } from '../../src/server/platform/crypto/local-key-provider.ts';
import { openEmbedded } from '../../src/server/platform/db/database.ts';
import { migrate, readMigrations } from '../../src/server/platform/db/migrate.ts';
import type { DB } from '../../src/server/platform/db/schema.ts';
import { type PersonIdentifiers, PersonIndex } from '../../src/server/search/persons.ts';
import { reindexSearch } from '../../src/server/search/reindex.ts';
import type { Scope } from '../../src/server/search/scope-tokens.ts';
import { SearchIndex } from '../../src/server/search/search-index.ts';
import {
  SearchKeys,
  SearchRotationPendingError,
  searchKeyStatus,
  TOKEN_SCHEME,
} from '../../src/server/search/search-keys.ts';
import type { SearchSources } from '../../src/server/search/sources.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

/**
 * Rotating the search key (docs/security.md, "Search without plaintext"): everything stays
 * findable while the background re-indexing runs; afterwards every token is new, the old key is
 * gone, and a type without a source holds the old generation back. The sources here stand in for
 * the sealed texts of the features that will register theirs (documents' is tested with the
 * documents); they answer from memory what a feature would open from its sealed rows.
 */
for (const engine of engines()) {
  describe(`rotating the search key on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    const caseA: Scope = { type: 'case', id: randomUUID() };
    const caseB: Scope = { type: 'case', id: randomUUID() };
    before(async () => {
      t = await buildTestApp(engine);
      db = t.database.db;
      await t.keys.createKey('case', caseA.id);
      await t.keys.createKey('case', caseB.id);
    });
    after(() => t.close());

    test('a rotation keeps everything findable, re-indexes under the new key, then deletes the old one', async () => {
      const notes = new Map<string, { scope: Scope; text: string }>([
        [randomUUID(), { scope: caseA, text: 'Drohanruf in der Werkstatt, Herr Petrović aufgebracht' }],
        [randomUUID(), { scope: caseA, text: 'Gespräch mit der Betriebsärztin über die Drohungen' }],
        [randomUUID(), { scope: caseB, text: 'Drohanruf beim Empfang' }],
      ]);
      const people = new Map<string, { scope: Scope; identifiers: PersonIdentifiers }>([
        [randomUUID(), { scope: caseA, identifiers: { fullName: 'Milan Petrović', email: 'm.petrovic@example.org' } }],
      ]);
      const sources: SearchSources = {
        texts: [
          {
            objectType: 'note',
            texts: async (_tx, ids) =>
              new Map(
                ids.flatMap((id) => {
                  const note = notes.get(id);
                  return note === undefined ? [] : [[id, [{ field: 'text', ...note }]]];
                }),
              ),
          },
        ],
        persons: [
          {
            objectType: 'case_person',
            persons: async (_tx, ids) =>
              new Map(
                ids.flatMap((id) => {
                  const person = people.get(id);
                  return person === undefined ? [] : [[id, person]];
                }),
              ),
          },
        ],
      };
      const search = new SearchIndex(t.keys);
      const persons = new PersonIndex(t.keys);
      const keys = new SearchKeys(t.keys);
      const gone = randomUUID();
      const unsourced = randomUUID();
      await db.transaction().execute(async (tx) => {
        for (const [id, note] of notes) {
          await search.index(tx, { objectType: 'note', objectId: id, field: 'text', ...note });
        }
        // A note deleted without its entry (the source no longer knows it), and a type no source serves.
        await search.index(tx, { objectType: 'note', objectId: gone, field: 'text', scope: caseA, text: 'Drohanruf' });
        await search.index(tx, {
          objectType: 'legacy',
          objectId: unsourced,
          field: 'text',
          scope: caseB,
          text: 'Drohanruf',
        });
        for (const [id, person] of people)
          await persons.index(tx, { objectType: 'case_person', objectId: id, ...person });
      });
      const found = async (query: string) => {
        const outcome = await search.search(db, [caseA, caseB], query);
        assert.equal(outcome.kind, 'hits');
        return outcome.kind === 'hits' ? outcome.hits.map((h) => h.objectId).sort() : [];
      };
      const everyDrohanruf = [...notes.keys()].filter((id) => notes.get(id)?.text.startsWith('Drohanruf'));
      const tokens = async () =>
        new Set(
          (await db.selectFrom('search_postings').select('token').execute())
            .map((r) => r.token)
            .concat((await db.selectFrom('person_tokens').select('token').execute()).map((r) => r.token)),
        );
      const [first] = await keys.generations(db);
      assert.ok(first !== undefined);
      const before = await tokens();

      const second = await keys.rotate(db);
      assert.equal(second.generation, first.generation + 1);
      await assert.rejects(keys.rotate(db), SearchRotationPendingError, 'one rotation at a time');
      // During the rotation: the old tokens are found, and new texts are indexed under the new key.
      const fresh = randomUUID();
      notes.set(fresh, { scope: caseB, text: 'Drohanruf am Tor' });
      await db.transaction().execute((tx) =>
        search.index(tx, {
          objectType: 'note',
          objectId: fresh,
          field: 'text',
          ...(notes.get(fresh) as { scope: Scope; text: string }),
        }),
      );
      const freshRow = await db
        .selectFrom('search_entries')
        .select('key_generation')
        .where('object_id', '=', fresh)
        .executeTakeFirstOrThrow();
      assert.equal(freshRow.key_generation, second.generation);
      assert.deepEqual(await found('Drohanruf'), [...everyDrohanruf, fresh, gone, unsourced].sort());
      assert.equal((await persons.find(db, { email: 'M.Petrovic@example.org' })).length, 1);

      const status = await searchKeyStatus(db);
      assert.deepEqual(
        status.map((g) => [g.generation, g.state, g.completedAt === null]),
        [
          [second.generation, 'current', true],
          [first.generation, 'retiring', false],
        ],
      );
      assert.deepEqual(status[1]?.entries, { legacy: 1, note: 4 });

      // Batches of two: the cursor carries the work across them.
      const partial = await reindexSearch(db, t.keys, sources, { batchSize: 2 });
      assert.deepEqual(partial, { reindexed: 4, removed: 1, unreadable: 0, unsourced: { legacy: 1 }, complete: false });
      assert.equal((await keys.generations(db)).length, 2, 'the type without a source holds the old key');
      assert.deepEqual(await found('Drohanruf'), [...everyDrohanruf, fresh, unsourced].sort());

      await db.transaction().execute((tx) => search.remove(tx, 'legacy', unsourced));
      const done = await reindexSearch(db, t.keys, sources, { batchSize: 2 });
      assert.deepEqual(done, { reindexed: 0, removed: 0, unreadable: 0, unsourced: {}, complete: true });
      assert.deepEqual(
        (await keys.generations(db)).map((g) => g.generation),
        [second.generation],
      );
      const oldKey = await db.selectFrom('data_keys').select('id').where('id', '=', first.keyId).executeTakeFirst();
      assert.equal(oldKey, undefined, 'the old search key is deleted');
      const [current] = await searchKeyStatus(db);
      assert.ok(current?.completedAt !== null);

      const after = await tokens();
      assert.equal([...after].filter((token) => before.has(token)).length, 0, 'no token of the old key is left');
      assert.deepEqual(await found('Drohanruf'), [...everyDrohanruf, fresh].sort());
      assert.deepEqual(
        await found('Betriebsarztin Drohung'),
        [...notes.keys()].filter((id) => notes.get(id)?.text.includes('Betriebs')),
      );
      assert.equal((await persons.find(db, { fullName: 'Milan Petrovic' })).length, 1);
      // The index made before the rotation, which remembered the old key's makers, follows it.
      assert.deepEqual(await search.search(db, [caseB], 'Empfang'), {
        kind: 'hits',
        hits: [{ objectType: 'note', objectId: [...notes.keys()][2], field: 'text' }],
      });
    });

    test('a release that makes tokens another way rotates at start; the re-indexing brings the texts back', async () => {
      const keys = new SearchKeys(t.keys);
      const [current] = await keys.generations(db);
      assert.ok(current !== undefined);
      await db
        .updateTable('search_generations')
        .set({ scheme: TOKEN_SCHEME - 1 })
        .where('generation', '=', current.generation)
        .execute();
      const search = new SearchIndex(t.keys);
      const renewed = await search.prepare(db);
      assert.equal(renewed?.generation, current.generation + 1);
      assert.equal(renewed?.scheme, TOKEN_SCHEME);
      assert.equal(await search.prepare(db), undefined, 'one rotation, however many servers start');
      // The notes of the first test are gone by now (their sources know none of them); this one
      // was indexed the first way and is found again once the re-indexing has made it anew.
      const kept = randomUUID();
      await db.transaction().execute((tx) =>
        search.index(tx, {
          objectType: 'note',
          objectId: kept,
          field: 'text',
          scope: caseA,
          text: 'Gefährderansprache',
        }),
      );
      await db
        .updateTable('search_entries')
        .set({ key_generation: current.generation })
        .where('object_id', '=', kept)
        .execute();
      const result = await reindexSearch(db, t.keys, {
        texts: [
          {
            objectType: 'note',
            texts: async (_tx, ids) =>
              new Map(
                ids.includes(kept) ? [[kept, [{ field: 'text', scope: caseA, text: 'Gefährderansprache' }]]] : [],
              ),
          },
        ],
        persons: [{ objectType: 'case_person', persons: async () => new Map() }],
      });
      assert.equal(result.complete, true, JSON.stringify(result));
      assert.equal(result.reindexed, 1);
      assert.ok(result.removed > 0);
      assert.deepEqual(await search.search(db, [caseA], 'Gefährderansprache'), {
        kind: 'hits',
        hits: [{ objectType: 'note', objectId: kept, field: 'text' }],
      });
      assert.deepEqual(
        (await keys.generations(db)).map((g) => [g.generation, g.scheme]),
        [[current.generation + 1, TOKEN_SCHEME]],
      );
    });
  });
}

describe('upgrading to search key generations (migration 0016) on the embedded engine', () => {
  test('the search key in use becomes generation 1 of the first scheme; the next start re-indexes its texts', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tma-search-upgrade-'));
    const database = await openEmbedded({ dataDir: path.join(dir, 'data') });
    try {
      const all = readMigrations();
      const upTo = all.findIndex((m) => m.id.startsWith('0016'));
      await migrate(database.db, { migrations: all.slice(0, upTo) });
      const keys = new KeyRing(LocalKeyProvider.open(path.join(dir, 'secrets')), database.db);
      await keys.ensureSingletons();
      const scope: Scope = { type: 'case', id: randomUUID() };
      await keys.createKey('case', scope.id);
      // What a release before 0016 held: one search key, and an entry made with it.
      const oldKey = await keys.createSearchKey(database.db);
      const note = randomUUID();
      await database.db
        .insertInto('search_entries')
        .values({ object_type: 'note', object_id: note, field: 'text', scope_type: 'case', scope_id: scope.id })
        .execute();

      await migrate(database.db, { migrations: all });
      const search = new SearchIndex(keys);
      const searchKeys = new SearchKeys(keys);
      assert.deepEqual(await searchKeys.generations(database.db), [{ generation: 1, keyId: oldKey, scheme: 1 }]);
      const renewed = await search.prepare(database.db);
      assert.deepEqual(
        (await searchKeys.generations(database.db)).map((g) => [g.generation, g.scheme]),
        [
          [2, TOKEN_SCHEME],
          [1, 1],
        ],
      );
      assert.equal(renewed?.generation, 2);
      const result = await reindexSearch(database.db, keys, {
        texts: [
          {
            objectType: 'note',
            texts: async () => new Map([[note, [{ field: 'text', scope, text: 'Hausverbot ausgesprochen' }]]]),
          },
        ],
        persons: [],
      });
      assert.deepEqual(result, { reindexed: 1, removed: 0, unreadable: 0, unsourced: {}, complete: true });
      assert.deepEqual(await search.search(database.db, [scope], 'Hausverbot'), {
        kind: 'hits',
        hits: [{ objectType: 'note', objectId: note, field: 'text' }],
      });
      const left = await database.db.selectFrom('data_keys').select('id').where('id', '=', oldKey).execute();
      assert.deepEqual(left, [], 'the key of the first scheme is deleted');
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
