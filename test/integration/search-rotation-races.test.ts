import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { shredCaseNow } from '../../src/server/keys/shredding.ts';
import type { DB } from '../../src/server/platform/db/schema.ts';
import { JobWorker } from '../../src/server/platform/jobs/queue.ts';
import { reindexSearchJob, scheduleSearchReindex } from '../../src/server/search/reindex.job.ts';
import { reindexSearch } from '../../src/server/search/reindex.ts';
import type { Scope } from '../../src/server/search/scope-tokens.ts';
import { SearchIndex } from '../../src/server/search/search-index.ts';
import { SearchKeys, SearchRotationPendingError, TOKEN_SCHEME } from '../../src/server/search/search-keys.ts';
import type { SearchSources, TextSource } from '../../src/server/search/sources.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

/**
 * The re-indexing after a search-key rotation beside the rest of the system: writers and
 * rotations wait for each other, a second rotation at once is refused, and shredding during the
 * re-indexing neither deadlocks nor leaves tokens (PostgreSQL: these need two connections); and
 * rows that cannot be remade as they were (unreadable, made by another release, written after a
 * retirement) are handled on both engines. The sources answer from memory what a feature would
 * open from its sealed rows.
 */
type Notes = Map<string, { scope: Scope; text: string | null }>;

const noteSource = (notes: Notes, pause?: Promise<void>, entered?: () => void): TextSource => ({
  objectType: 'note',
  texts: async (_tx, ids) => {
    entered?.();
    await pause;
    return new Map(
      ids.flatMap((id) => {
        const note = notes.get(id);
        return note === undefined ? [] : [[id, [{ field: 'text', ...note }]]];
      }),
    );
  },
});

const sourcesOf = (text: TextSource): SearchSources => ({ texts: [text], persons: [] });

/** A promise and the function that settles it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

for (const engine of engines()) {
  describe(`the search-key re-indexing beside writers, rotations and shredding on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let search: SearchIndex;
    let keys: SearchKeys;
    const caseA: Scope = { type: 'case', id: randomUUID() };
    const notes: Notes = new Map();
    before(async () => {
      t = await buildTestApp(engine);
      db = t.database.db;
      search = new SearchIndex(t.keys);
      keys = new SearchKeys(t.keys);
      await t.keys.createKey('case', caseA.id);
    });
    after(() => t.close());

    const note = async (scope: Scope, text: string | null, written = text ?? 'unlesbar') => {
      const id = randomUUID();
      notes.set(id, { scope, text });
      await db
        .transaction()
        .execute((tx) => search.index(tx, { objectType: 'note', objectId: id, field: 'text', scope, text: written }));
      return id;
    };
    const generationOf = async (id: string) =>
      (
        await db
          .selectFrom('search_entries')
          .select('key_generation')
          .where('object_id', '=', id)
          .executeTakeFirstOrThrow()
      ).key_generation;
    const current = async () => (await keys.generations(db))[0]?.generation ?? 0;

    if (engine === 'postgres') {
      test('a rotation waits for a writer holding the generations; of two rotations at once one is refused', async () => {
        const writerHolds = gate();
        const writerDone = gate();
        const writer = db.transaction().execute(async (tx) => {
          await keys.generations(tx, { hold: true });
          writerHolds.open();
          await writerDone.promise;
        });
        await writerHolds.promise;
        let rotated = false;
        const rotation = keys.rotate(db).then((g) => {
          rotated = true;
          return g;
        });
        await sleep(300);
        // The writer ends whatever the answer, so that a failure does not leave its transaction open.
        const waited = !rotated;
        writerDone.open();
        await writer;
        await rotation;
        assert.ok(waited, 'no new generation while a writer may still write under the current one');
        assert.equal((await reindexSearch(db, t.keys, sourcesOf(noteSource(notes)))).complete, true);

        const both = await Promise.allSettled([keys.rotate(db), keys.rotate(db)]);
        assert.deepEqual(both.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
        const refused = both.find((r) => r.status === 'rejected');
        assert.ok(refused?.status === 'rejected' && refused.reason instanceof SearchRotationPendingError);
        assert.equal((await keys.generations(db)).length, 2);
        assert.equal((await reindexSearch(db, t.keys, sourcesOf(noteSource(notes)))).complete, true);
      });

      test('a case shredded while the re-indexing reads its texts: both finish, and no token of it is left', async () => {
        const doomed: Scope = { type: 'case', id: randomUUID() };
        await t.keys.createKey('case', doomed.id);
        await note(doomed, 'Drohschreiben im Briefkasten');
        const kept = await note(caseA, 'Drohschreiben am Tor');
        await keys.rotate(db);
        const entered = gate();
        const reading = gate();
        const reindexing = reindexSearch(db, t.keys, sourcesOf(noteSource(notes, reading.promise, entered.open)));
        await entered.promise;
        const shredding = shredCaseNow(db, t.keys, new Date(), {
          caseId: doomed.id,
          actorUserId: null,
          reason: 'deletion',
        });
        await sleep(200);
        reading.open();
        const [reindexed, shredded] = await Promise.allSettled([reindexing, shredding]);
        assert.equal(shredded.status, 'fulfilled', String((shredded as PromiseRejectedResult).reason));
        assert.equal(reindexed.status, 'fulfilled', String((reindexed as PromiseRejectedResult).reason));
        const left = await db.selectFrom('search_entries').select('id').where('scope_id', '=', doomed.id).execute();
        assert.deepEqual(left, []);
        assert.equal(await generationOf(kept), await current());
        assert.equal((await reindexSearch(db, t.keys, sourcesOf(noteSource(notes)))).complete, true);
      });
    }

    test('an unreadable text is removed and counted; the rest is re-indexed and the rotation completes', async () => {
      const readable = await note(caseA, 'Hausverbot erteilt');
      const unreadable = await note(caseA, null, 'Hausverbot verlängert');
      await keys.rotate(db);
      const result = await reindexSearch(db, t.keys, sourcesOf(noteSource(notes)));
      assert.equal(result.unreadable, 1);
      assert.equal(result.complete, true);
      assert.deepEqual(await search.search(db, [caseA], 'Hausverbot'), {
        kind: 'hits',
        hits: [{ objectType: 'note', objectId: readable, field: 'text' }],
      });
      const gone = await db.selectFrom('search_entries').select('id').where('object_id', '=', unreadable).execute();
      assert.deepEqual(gone, []);
      notes.delete(unreadable);
    });

    test('rows of a retired generation, or made by another release, are made again', async () => {
      // A server of an older release wrote after the last retirement: its rows carry generation 1.
      const late = await note(caseA, 'Anruf der Ex-Partnerin beim Empfang');
      await db.updateTable('search_entries').set({ key_generation: 1 }).where('object_id', '=', late).execute();
      const healed = await reindexSearch(db, t.keys, sourcesOf(noteSource(notes)));
      assert.equal(healed.reindexed, 1);
      assert.equal(await generationOf(late), await current());

      // A newer release made the current generation: this one writes its way, as generation 0, and
      // leaves the re-indexing to that release.
      const [live] = await keys.generations(db);
      assert.ok(live !== undefined);
      await db
        .updateTable('search_generations')
        .set({ scheme: TOKEN_SCHEME + 1 })
        .where('generation', '=', live.generation)
        .execute();
      const foreign = await note(caseA, 'Nachricht über ein Messer');
      assert.equal(await generationOf(foreign), 0);
      const declined = await reindexSearch(db, t.keys, sourcesOf(noteSource(notes)));
      assert.deepEqual(declined, { reindexed: 0, removed: 0, unreadable: 0, unsourced: {}, complete: false });
      await db
        .updateTable('search_generations')
        .set({ scheme: TOKEN_SCHEME })
        .where('generation', '=', live.generation)
        .execute();
      const remade = await reindexSearch(db, t.keys, sourcesOf(noteSource(notes)));
      assert.equal(remade.reindexed, 1);
      assert.equal(await generationOf(foreign), live.generation);
      const found = await search.search(db, [caseA], 'Messer');
      assert.deepEqual(found.kind === 'hits' ? found.hits.map((h) => h.objectId) : found, [foreign]);
    });

    test('the servers run the re-indexing as a scheduled job of the queue', async () => {
      const quiet = pino({ level: 'silent' });
      const sources = sourcesOf(noteSource(notes));
      const later = await note(caseA, 'Betretungsverbot für das Werksgelände');
      const { generation } = await keys.rotate(db);
      await scheduleSearchReindex(db, t.keys, sources, quiet);
      await db
        .updateTable('job_schedules')
        .set({ next_run_at: new Date(0) })
        .where('name', '=', 'search.reindex.minutely')
        .execute();
      const worker = new JobWorker(db, [reindexSearchJob(db, t.keys, sources, quiet)], quiet, { pollIntervalMs: 10 });
      assert.equal(await worker.tick(), 1);
      assert.equal(await generationOf(later), generation);
      assert.deepEqual(
        (await keys.generations(db)).map((g) => g.generation),
        [generation],
      );
    });
  });
}
