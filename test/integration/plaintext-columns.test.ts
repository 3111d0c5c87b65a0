import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openTestDatabase, type TestDatabase } from '../support/db.ts';
import { PLAINTEXT_COLUMNS } from './plaintext-columns.ts';

/**
 * Every column that can hold text or bytes (text, varchar, bytea, json, jsonb, arrays) is sealed
 * (`*_sealed`, bytea), a blind-index token (`*_bidx`), or on the allowlist with its reason
 * (plaintext-columns.ts). A new column that holds a name or a narrative in the clear fails here
 * until someone either seals it or writes down why it may stay as it is.
 */
const TEXTUAL = ['text', 'character varying', 'bytea', 'json', 'jsonb', 'ARRAY'];

describe('columns in the clear', () => {
  let t: TestDatabase;
  before(async () => {
    t = await openTestDatabase('pglite');
  });
  after(() => t.close());

  test('every textual column is sealed, a blind index, or allowed with a reason', async () => {
    const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`
      select table_name, column_name, data_type from information_schema.columns
      where table_schema = 'public' order by table_name, ordinal_position`.execute(t.database.db);
    const textual = rows.filter((r) => TEXTUAL.includes(r.data_type));
    const unexplained = textual
      .filter((r) => !(r.column_name.endsWith('_sealed') && r.data_type === 'bytea'))
      .filter((r) => !r.column_name.endsWith('_bidx'))
      .map((r) => `${r.table_name}.${r.column_name}`)
      .filter((name) => PLAINTEXT_COLUMNS[name] === undefined);
    assert.deepEqual(unexplained, [], `seal these, or allow them with a reason in plaintext-columns.ts`);
    const stale = Object.keys(PLAINTEXT_COLUMNS).filter(
      (name) => !textual.some((r) => `${r.table_name}.${r.column_name}` === name),
    );
    assert.deepEqual(stale, [], 'allowlist entries for columns that are gone or not textual');
    for (const [name, reason] of Object.entries(PLAINTEXT_COLUMNS)) {
      assert.ok(reason.trim().length >= 10, `${name}: a reason in words`);
      assert.ok(!reason.startsWith('NOT YET SEALED'), `${name} is personal data or a secret: seal it`);
    }
  });
});
