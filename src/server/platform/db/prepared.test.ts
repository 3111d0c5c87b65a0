import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import type { Database } from './database.ts';
import { preparedRead, runPrepared } from './prepared.ts';
import type { DB } from './schema.ts';

/** A database that compiles as PostgreSQL does and records what it would have sent. */
function recording() {
  const db = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const sent: { name: string; text: string; params: readonly unknown[] }[] = [];
  const database = {
    db,
    prepared: async (name: string, text: string, params: readonly unknown[]) => {
      sent.push({ name, text, params });
      return [];
    },
  } as unknown as Database;
  return { db, database, sent };
}

const entries = (db: Kysely<DB>, v: { caseId: string; since: Date }) =>
  db
    .selectFrom('timeline_entries')
    .select(['id'])
    .where('case_id', '=', v.caseId)
    .where('kind', '=', 'incident')
    .where('occurred_at', '>', v.since)
    .where('subject_id', '<>', v.caseId);

test('a prepared read is built once, and sends what a build on every call would have sent', async () => {
  const { db, database, sent } = recording();
  let builds = 0;
  const read = preparedRead('test_entries', (k, v: { caseId: string; since: Date }) => {
    builds++;
    return entries(k, v);
  });
  const first = { caseId: '11111111-1111-4111-8111-111111111111', since: new Date('2026-01-01T00:00:00Z') };
  const second = { caseId: '22222222-2222-4222-8222-222222222222', since: new Date('2026-06-01T00:00:00Z') };
  await read(database, first);
  await read(database, second);
  assert.equal(builds, 1);
  await runPrepared(database, 'test_entries', entries(db, second));
  const [, once, everyTime] = sent;
  assert.deepEqual(once, everyTime, 'the same name, text and values, in the same order');
  assert.deepEqual(
    once?.params,
    [second.caseId, 'incident', second.since, second.caseId],
    'a value used twice is sent twice; a kind written in stays',
  );
});

test('a list goes as one named value (any); a value hidden inside another is refused at once', async () => {
  const { database, sent } = recording();
  const named = preparedRead('test_any', (k, v: { ids: string[] }) =>
    k.selectFrom('users').select('id').where(sql<boolean>`id = any(${v.ids}::uuid[])`),
  );
  await named(database, { ids: ['a', 'b'] });
  assert.deepEqual(sent[0]?.params, [['a', 'b']]);
  const hidden = preparedRead('test_hidden', (k, v: { id: string }) =>
    k
      .selectFrom('users')
      .select('id')
      .where(sql<boolean>`id = any(${[v.id]}::uuid[])`),
  );
  await assert.rejects(hidden(database, { id: 'a' }), /a named value must be a parameter of its own/);
});
