import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { coalescedSessionLookup } from '../../src/server/access/sessions/session-lookup.ts';
import { sessionsRepository } from '../../src/server/access/sessions/sessions.repository.ts';
import { NestedConnectionError } from '../../src/server/platform/db/connection-guard.ts';
import type { Database } from '../../src/server/platform/db/database.ts';
import { engines, openTestDatabase, type TestDatabase } from '../support/db.ts';
import { factories } from '../support/factories.ts';

/** The real database, with a count of the statements the lookup sends through it. */
function counting(database: Database): { database: Database; queries: () => number } {
  let n = 0;
  const counted: Database = {
    ...database,
    prepared: (name, text, params) => {
      n++;
      return database.prepared(name, text, params);
    },
  };
  return { database: counted, queries: () => n };
}

for (const engine of engines()) {
  describe(`coalesced session lookup on ${engine}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await openTestDatabase(engine);
    });
    after(() => t.close());

    async function newSession() {
      const user = await factories.user(t.database.db);
      return sessionsRepository.create(t.database.db, user.id, new Date(), 3600, undefined);
    }

    test('lookups that arrive together are answered by one query, each with its own session', async () => {
      const sessions = await Promise.all(Array.from({ length: 20 }, newSession));
      const c = counting(t.database);
      const lookup = coalescedSessionLookup(c.database);
      const tokens = [...sessions.map((s) => s.token), 'not-a-session-token', sessions[0]?.token ?? ''];
      const rows = await Promise.all(tokens.map((token) => lookup(token)));
      assert.equal(c.queries(), 1);
      assert.deepEqual(
        rows.map((r) => r?.id),
        [...sessions.map((s) => s.id), undefined, sessions[0]?.id],
      );
    });

    test('a session ended before a lookup is asked for is seen as ended: nothing is cached', async () => {
      const s = await newSession();
      const lookup = coalescedSessionLookup(t.database);
      assert.equal((await lookup(s.token))?.ended_at, null);
      await sessionsRepository.end(t.database.db, s.id, 'revoked', new Date());
      assert.equal((await lookup(s.token))?.end_reason, 'revoked');
      // Again with the revoke committed in the same turn of the event loop as the next lookups.
      const again = await newSession();
      await sessionsRepository.end(t.database.db, again.id, 'signed_out', new Date());
      const [a, b] = await Promise.all([lookup(again.token), lookup(again.token)]);
      assert.equal(a?.end_reason, 'signed_out');
      assert.equal(b?.end_reason, 'signed_out');
    });

    test('more lookups than one batch holds go out as further queries', async () => {
      const c = counting(t.database);
      const lookup = coalescedSessionLookup(c.database);
      const rows = await Promise.all(Array.from({ length: 300 }, (_, i) => lookup(`unknown-${i}`)));
      assert.equal(rows.filter((r) => r !== undefined).length, 0);
      assert.equal(c.queries(), 3);
    });

    test('a failing query fails every lookup of its batch, and the next batch works again', async () => {
      const s = await newSession();
      let fail = true;
      const flaky: Database = {
        ...t.database,
        prepared: (name, text, params) =>
          fail ? Promise.reject(new Error('connection lost')) : t.database.prepared(name, text, params),
      };
      const lookup = coalescedSessionLookup(flaky);
      const results = await Promise.allSettled([lookup(s.token), lookup('other')]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['rejected', 'rejected'],
      );
      fail = false;
      assert.equal((await lookup(s.token))?.id, s.id);
    });

    test('asking for a lookup while holding a transaction fails fast, as every other query would', async () => {
      const lookup = coalescedSessionLookup(t.database);
      await assert.rejects(
        t.database.transaction(async (tx) => {
          await tx.selectFrom('settings').selectAll().execute();
          await lookup('x');
        }),
        NestedConnectionError,
      );
    });
  });
}
