import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { shredCaseNow } from '../../src/server/keys/shredding.ts';
import { MissingKeyError } from '../../src/server/platform/crypto/key-ring.ts';
import { PersonIndex } from '../../src/server/search/persons.ts';
import type { Scope } from '../../src/server/search/scope-tokens.ts';
import { SearchIndex } from '../../src/server/search/search-index.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';

/**
 * The full-text index through the real database (GIN on PostgreSQL and on the embedded engine):
 * what a query finds, across and within scopes; that the same word gets unrelated tokens in two
 * cases; shredding; and the defined answers to queries that ask nothing.
 */
for (const engine of engines()) {
  describe(`the search index on ${engine}`, () => {
    let t: TestApp;
    let search: SearchIndex;
    const caseA: Scope = { type: 'case', id: randomUUID() };
    const caseB: Scope = { type: 'case', id: randomUUID() };
    const ids = { a1: randomUUID(), a2: randomUUID(), b1: randomUUID() };
    before(async () => {
      t = await buildTestApp(engine);
      search = new SearchIndex(t.keys);
      await t.keys.createKey('case', caseA.id);
      await t.keys.createKey('case', caseB.id);
      await t.database.db.transaction().execute(async (tx) => {
        await search.index(tx, {
          objectType: 'timeline_entry',
          objectId: ids.a1,
          field: 'text',
          scope: caseA,
          text: 'Herr Müller drohte in der Kantine an der Straße mit einem Messer.',
        });
        await search.index(tx, {
          objectType: 'timeline_entry',
          objectId: ids.a2,
          field: 'text',
          scope: caseA,
          text: 'Gespräch mit der Kollegin über frühere Drohungen.',
        });
        await search.index(tx, {
          objectType: 'timeline_entry',
          objectId: ids.b1,
          field: 'text',
          scope: caseB,
          text: 'Herr Müller drohte in der Kantine an der Straße mit einem Messer.',
        });
      });
    });
    after(() => t.close());

    const found = async (scopes: readonly Scope[], query: string) => {
      const outcome = await search.search(t.database.db, scopes, query);
      assert.equal(outcome.kind, 'hits', `${query}: ${JSON.stringify(outcome)}`);
      return outcome.kind === 'hits' ? outcome.hits.map((h) => h.objectId).sort() : [];
    };

    test('every word must match; only the scopes asked for are searched', async () => {
      assert.deepEqual(await found([caseA, caseB], 'Müller Messer'), [ids.a1, ids.b1].sort());
      assert.deepEqual(await found([caseA], 'Müller Messer'), [ids.a1]);
      assert.deepEqual(await found([caseB], 'Messer'), [ids.b1]);
      assert.deepEqual(await found([caseA], 'Müller Drohungen'), []);
      assert.deepEqual(await found([], 'Müller'), []);
    });

    test('spelling variants, word forms and prefixes of four characters or more find the text', async () => {
      assert.deepEqual(await found([caseA], 'MUELLER'), [ids.a1]);
      assert.deepEqual(await found([caseA], 'mueller strasse'), [ids.a1]);
      assert.deepEqual(await found([caseA], 'Drohung'), [ids.a2]);
      assert.deepEqual(await found([caseA], 'Drohu'), [ids.a2]);
      assert.deepEqual(await found([caseA], 'Kanti'), [ids.a1]);
      assert.deepEqual(await found([caseA], 'Kan'), [], 'no prefix search under four characters');
    });

    test('the same text in two cases is stored as tokens the two have none of in common', async () => {
      const tokensOf = async (objectId: string) =>
        new Set(
          (
            await t.database.db
              .selectFrom('search_postings')
              .innerJoin('search_entries', 'search_entries.id', 'search_postings.entry_id')
              .select('search_postings.token')
              .where('search_entries.object_id', '=', objectId)
              .execute()
          ).map((r) => String(r.token)),
        );
      const [a, b] = [await tokensOf(ids.a1), await tokensOf(ids.b1)];
      assert.ok(a.size > 5);
      assert.equal(a.size, b.size, 'the same words');
      assert.deepEqual(
        [...a].filter((token) => b.has(token)),
        [],
      );
    });

    test('queries that ask nothing get a defined answer, not everything', async () => {
      const empty = (query: string) => search.search(t.database.db, [caseA], query);
      assert.deepEqual(await empty(''), { kind: 'empty', reason: 'blank' });
      assert.deepEqual(await empty('   '), { kind: 'empty', reason: 'blank' });
      assert.deepEqual(await empty('der die das und'), { kind: 'empty', reason: 'stop_words_only' });
      assert.deepEqual(await empty('!!! ??? ...'), { kind: 'empty', reason: 'punctuation_only' });
      assert.deepEqual(await empty('Messer '.repeat(1_500)), { kind: 'empty', reason: 'too_long' });
      // Operators are only punctuation: all words must match.
      assert.deepEqual(await found([caseA], '"Müller" AND -Messer*'), [ids.a1]);
    });

    test('re-indexing replaces a text’s tokens; an empty text removes its entry', async () => {
      const id = randomUUID();
      const entry = { objectType: 'document', objectId: id, field: 'name', scope: caseA };
      await search.index(t.database.db, { ...entry, text: 'Protokoll Anhörung.pdf' });
      assert.deepEqual(await found([caseA], 'Anhörung'), [id]);
      await search.index(t.database.db, { ...entry, text: 'Vermerk Personalabteilung.pdf' });
      assert.deepEqual(await found([caseA], 'Anhörung'), []);
      assert.deepEqual(await found([caseA], 'Personalabteilung'), [id]);
      await search.index(t.database.db, { ...entry, text: '' });
      assert.deepEqual(await found([caseA], 'Personalabteilung'), []);
    });

    test('shredding a case removes its entries, and nothing of the other case; a shredded case takes no new ones', async () => {
      const removed = await t.database.db.transaction().execute((tx) => search.removeScope(tx, caseB));
      assert.equal(removed, 1);
      const gone: Scope = { type: 'case', id: randomUUID() };
      await assert.rejects(
        search.index(t.database.db, {
          objectType: 'note',
          objectId: randomUUID(),
          field: 'text',
          scope: gone,
          text: 'spät',
        }),
        MissingKeyError,
        'no key, no tokens: indexing after (or without) the case is refused',
      );
      assert.deepEqual(await found([caseA, caseB], 'Messer'), [ids.a1]);
      const left = await t.database.db
        .selectFrom('search_entries')
        .select('scope_id')
        .where('scope_id', '=', caseB.id)
        .execute();
      assert.deepEqual(left, []);
    });
  });
}

for (const engine of engines()) {
  describe(`person identifiers on ${engine}`, () => {
    let t: TestApp;
    let persons: PersonIndex;
    let search: SearchIndex;
    const report: Scope = { type: 'report', id: randomUUID() };
    const caseScope: Scope = { type: 'case', id: randomUUID() };
    const ids = { inReport: randomUUID(), inCase: randomUUID(), other: randomUUID() };
    before(async () => {
      t = await buildTestApp(engine);
      persons = new PersonIndex(t.keys);
      search = new SearchIndex(t.keys);
      await t.keys.createKey('case', caseScope.id);
      await t.keys.createKey('report', report.id);
      const db = t.database.db;
      await persons.index(db, {
        objectType: 'report_person',
        objectId: ids.inReport,
        scope: report,
        identifiers: { fullName: 'Erika Müller', email: 'erika.mueller@example.org', phone: '0151 2345678' },
      });
      await persons.index(db, {
        objectType: 'case_person',
        objectId: ids.inCase,
        scope: caseScope,
        identifiers: { fullName: 'MUELLER, Erika', dateOfBirth: '1980-02-29', employeeNumber: 'E-0042' },
      });
      await persons.index(db, {
        objectType: 'case_person',
        objectId: ids.other,
        scope: caseScope,
        identifiers: { fullName: 'Max Mustermann', email: 'max@example.org' },
      });
    });
    after(() => t.close());

    test('the same person is recognised across a report and a case, by the identifiers that agree', async () => {
      const matches = await persons.find(t.database.db, { fullName: 'Erika Mueller', phone: '+49 151 2345678' });
      assert.deepEqual(
        matches.map((m) => [m.objectId, m.scope.type, m.kinds]).sort(),
        [
          [ids.inCase, 'case', ['name']],
          [ids.inReport, 'report', ['name', 'phone']],
        ].sort(),
      );
      const byNumber = await persons.find(t.database.db, { employeeNumber: 'e 0042' });
      assert.deepEqual(
        byNumber.map((m) => m.objectId),
        [ids.inCase],
      );
      assert.deepEqual(await persons.find(t.database.db, { fullName: 'Müller' }), [], 'a single word names no one');
      assert.deepEqual(await persons.find(t.database.db, {}), []);
    });

    test('stored as tokens only: no identifier in the clear', async () => {
      const rows = await t.database.db.selectFrom('person_tokens').selectAll().execute();
      for (const row of rows) {
        // Exactly these columns, each an id, a code or a number: nowhere for a name or an address to be.
        assert.deepEqual(Object.keys(row).sort(), [
          'key_generation',
          'kind',
          'object_id',
          'object_type',
          'scope_id',
          'scope_type',
          'token',
        ]);
        assert.match(String(row.token), /^-?\d{1,19}$/);
        assert.match(row.object_id, /^[0-9a-f-]{36}$/);
        assert.match(row.scope_id, /^[0-9a-f-]{36}$/);
      }
    });

    test('re-indexing replaces a person’s tokens; shredding the case removes its persons and its text', async () => {
      await persons.index(t.database.db, {
        objectType: 'case_person',
        objectId: ids.other,
        scope: caseScope,
        identifiers: { email: 'max.new@example.org' },
      });
      assert.deepEqual(await persons.find(t.database.db, { email: 'max@example.org' }), []);
      assert.equal((await persons.find(t.database.db, { email: 'max.new@example.org' }))[0]?.objectId, ids.other);

      await search.index(t.database.db, {
        objectType: 'timeline_entry',
        objectId: randomUUID(),
        field: 'text',
        scope: caseScope,
        text: 'Erika Müller meldet eine Drohung.',
      });
      await shredCaseNow(t.database.db, t.keys, new Date(), {
        caseId: caseScope.id,
        actorUserId: null,
        reason: 'deletion',
      });
      const left = async (table: 'search_entries' | 'person_tokens') =>
        (await t.database.db.selectFrom(table).select('scope_id').where('scope_id', '=', caseScope.id).execute())
          .length;
      assert.equal(await left('search_entries'), 0);
      assert.equal(await left('person_tokens'), 0);
      const after = await persons.find(t.database.db, { fullName: 'Erika Müller' });
      assert.deepEqual(
        after.map((m) => m.objectId),
        [ids.inReport],
        'the report’s person is still there',
      );
    });
  });
}
