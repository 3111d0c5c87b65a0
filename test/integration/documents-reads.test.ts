import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { documentNameSource } from '../../src/server/documents/search-source.ts';
import { reindexSearch } from '../../src/server/search/reindex.ts';
import { SearchIndex } from '../../src/server/search/search-index.ts';
import { SearchKeys } from '../../src/server/search/search-keys.ts';
import { type Browser, call, createAccount, signIn } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { form, memberOwners, postForm } from '../support/documents.ts';

/**
 * Reading documents: a read of a document's facts or of a case's list is an audit event
 * (SECURITY.md item 40), HEAD records nothing, and a document's name is found again after a
 * rotation of the search key has re-indexed it from its sealed row. (Uploads, downloads and
 * refusals: documents.test.ts.)
 */
for (const engine of engines()) {
  describe(`reading documents on ${engine}`, () => {
    let t: TestApp;
    let member: Browser;
    let memberId: string;
    const caseId = randomUUID();
    before(async () => {
      const { owners, admit } = memberOwners();
      t = await buildTestApp(engine, { documentOwners: owners });
      await t.keys.createKey('case', caseId);
      const m = await createAccount(t, 'threat_manager');
      admit(caseId, m.id);
      memberId = m.id;
      member = await signIn(t, m.email);
    });
    after(() => t.close());

    const upload = (name: string, content: string) =>
      postForm(
        t,
        member,
        '/api/documents',
        form({ ownerType: 'case', ownerId: caseId }, { name, content: Buffer.from(content) }),
      );
    const reads = () =>
      t.database.db
        .selectFrom('audit_events')
        .select(['action', 'object_type', 'object_id', 'case_id', 'outcome', 'detail'])
        .where('action', 'in', ['document.viewed', 'document.listed'])
        .where('actor_user_id', '=', memberId)
        .orderBy('id')
        .execute();

    test("a document's facts and a case's list are reads of case data: audited; HEAD reads nothing", async () => {
      const document = (await upload('Notiz.txt', 'Anruf beim Empfang')).json();
      assert.equal((await call(t, member, 'GET', `/api/documents?ownerType=case&ownerId=${caseId}`)).statusCode, 200);
      assert.equal((await call(t, member, 'GET', `/api/documents/${document.id}`)).statusCode, 200);
      const recorded = await reads();
      assert.deepEqual(
        recorded.map((e) => [e.action, e.object_type, e.object_id, e.case_id, e.outcome]),
        [
          ['document.listed', 'case', caseId, caseId, 'allowed'],
          ['document.viewed', 'document', document.id, caseId, 'allowed'],
        ],
      );
      assert.deepEqual(recorded[0]?.detail, { documents: 1 });
      // HEAD would run the same handler: refused, so that no read is recorded whose answer nobody got.
      for (const url of [`/api/documents/${document.id}`, `/api/documents?ownerType=case&ownerId=${caseId}`]) {
        const head = await t.app.inject({
          method: 'HEAD',
          url,
          headers: { origin: 'http://localhost:3000', cookie: `__Host-tma=${member.cookie}` },
        });
        assert.equal(head.statusCode, 404, url);
      }
      assert.equal((await reads()).length, 2);
    });

    test('after a rotation of the search key, names are re-indexed from their sealed rows', async () => {
      const doc = (await upload('Gesprächsnotiz Schäfer.txt', 'Notiz')).json();
      const search = new SearchIndex(t.keys);
      const named = async (query: string) => {
        const outcome = await search.search(t.database.db, [{ type: 'case', id: caseId }], query);
        return outcome.kind === 'hits' ? outcome.hits.map((h) => h.objectId) : outcome;
      };
      const { generation } = await new SearchKeys(t.keys).rotate(t.database.db);
      const result = await reindexSearch(t.database.db, t.keys, { texts: [documentNameSource(t.keys)], persons: [] });
      assert.equal(result.complete, true, JSON.stringify(result));
      assert.ok(result.reindexed >= 1);
      const entries = await t.database.db.selectFrom('search_entries').select('key_generation').execute();
      assert.ok(entries.every((e) => e.key_generation === generation));
      assert.deepEqual(await named('Schaefer Gesprächsnotiz'), [doc.id]);
    });
  });
}
