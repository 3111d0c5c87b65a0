import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { pino } from 'pino';
import { recordAudit } from '../../src/server/audit/record.ts';
import { NestedConnectionError } from '../../src/server/platform/db/connection-guard.ts';
import { isoText } from '../../src/server/platform/db/iso-text.ts';
import { migrate, readMigrations } from '../../src/server/platform/db/migrate.ts';
import { migratePostgres } from '../../src/server/platform/db/open.ts';
import { preparedOf } from '../../src/server/platform/db/prepared.ts';
import { asOwner, engines, openTestDatabase, type TestDatabase } from '../support/db.ts';
import { factories } from '../support/factories.ts';
import { adminQuery, dropDatabase, postgresUrls, uniqueName, withDatabase } from '../support/postgres.ts';

for (const engine of engines()) {
  describe(`database on ${engine}`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await openTestDatabase(engine);
    });
    after(() => t.close());

    test('migrations are recorded with checksums and a second run applies nothing', async () => {
      const rows = await t.database.db
        .selectFrom('schema_migrations')
        .select(['id', 'checksum'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        rows,
        readMigrations().map((m) => ({ id: m.id, checksum: m.checksum })),
      );
      if (engine === 'pglite') assert.deepEqual(await migrate(t.database.db), []);
    });

    test('an applied migration whose file changed, or one this release does not know, is refused', async () => {
      const [first, ...rest] = readMigrations();
      assert.ok(first);
      const edited = { ...first, checksum: 'x'.repeat(64) };
      await asOwner(t, async (db) => {
        await assert.rejects(migrate(db, { migrations: [edited, ...rest] }), /was changed after it was applied/);
        await assert.rejects(migrate(db, { migrations: [] }), /which this release does not know/);
      });
    });

    test('a transaction commits or rolls back as a whole', async () => {
      await t.database.transaction(async (tx) => {
        await tx
          .insertInto('settings')
          .values({ key: 'test.commit', value: JSON.stringify(1) })
          .execute();
      });
      await assert.rejects(
        t.database.transaction(async (tx) => {
          await tx
            .insertInto('settings')
            .values({ key: 'test.rollback', value: JSON.stringify(1) })
            .execute();
          throw new Error('boom');
        }),
        /boom/,
      );
      const keys = await t.database.db.selectFrom('settings').select('key').where('key', 'like', 'test.%').execute();
      assert.deepEqual(
        keys.map((k) => k.key),
        ['test.commit'],
      );
    });

    test('isoText formats a time as Date.toISOString does, whatever time zone the session runs in', async () => {
      const times = [
        '2026-11-30 22:48:08.123456+00',
        '1999-12-31 23:59:59.9999+00',
        '2026-03-29 01:30:00+01',
        '2026-10-25 02:30:00.5+02',
        '2026-01-01 00:00:00+00',
      ];
      const rows = await t.database.transaction(async (tx) => {
        // A session in another zone must change nothing: the text is always UTC.
        await sql`set local time zone 'America/St_Johns'`.execute(tx);
        const values = sql.join(times.map((v, i) => sql`(${i}, ${v}::timestamptz)`));
        const got = await sql<{ i: number; t: Date; iso: string }>`
          select i, t, ${isoText('t')} as iso from (values ${values}, (${times.length}, null::timestamptz)) as v(i, t) order by i`.execute(
          tx,
        );
        return got.rows;
      });
      assert.equal(rows.length, times.length + 1);
      for (const row of rows.slice(0, times.length)) assert.equal(row.iso, new Date(row.t).toISOString());
      assert.equal(rows[0]?.iso, '2026-11-30T22:48:08.123Z');
      assert.equal(rows[1]?.iso, '1999-12-31T23:59:59.999Z');
      assert.equal(rows[2]?.iso, '2026-03-29T00:30:00.000Z');
      assert.equal(rows.at(-1)?.iso, null);
    });

    test("the pool's named statements are shared with statements written out once, never in a transaction", async () => {
      if (engine === 'postgres') assert.equal(preparedOf(t.database.db), t.database.prepared);
      else assert.equal(preparedOf(t.database.db), undefined, 'the embedded engine sends them through Kysely');
      await t.database.transaction(async (tx) => {
        assert.equal(preparedOf(tx), undefined, 'a transaction keeps to its own connection');
      });
      // The audit event goes through them: it is written all the same.
      const at = new Date();
      await recordAudit(t.database.db, at, { action: 'session.signed_out', outcome: 'allowed', actorUserId: null });
      const row = await t.database.db
        .selectFrom('audit_events')
        .select(['action', 'outcome'])
        .where('at', '=', at)
        .where('action', '=', 'session.signed_out')
        .executeTakeFirst();
      assert.deepEqual(row, { action: 'session.signed_out', outcome: 'allowed' });
    });

    test('asking for a second connection inside a transaction fails fast instead of deadlocking', async () => {
      await assert.rejects(
        t.database.transaction(async () => {
          await t.database.db.selectFrom('settings').selectAll().execute();
        }),
        NestedConnectionError,
      );
      await assert.rejects(
        t.database.transaction(() => t.database.transaction(async () => 1)),
        NestedConnectionError,
      );
      await assert.rejects(
        t.database.transaction(() => t.database.prepared('tma_test_one', 'select 1 as one', [])),
        NestedConnectionError,
      );
      assert.deepEqual(await t.database.prepared('tma_test_echo', 'select $1::int as n', [7]), [{ n: 7 }]);
      // The connection is usable afterwards: nothing was left holding it.
      assert.equal((await sql<{ one: number }>`select 1 as one`.execute(t.database.db)).rows[0]?.one, 1);
    });

    test('sequential transactions after each other and concurrent plain queries all complete', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0
            ? t.database.transaction(
                async (tx) => (await sql<{ n: number }>`select ${i}::int as n`.execute(tx)).rows[0]?.n,
              )
            : sql<{ n: number }>`select ${i}::int as n`.execute(t.database.db).then((r) => r.rows[0]?.n),
        ),
      );
      assert.deepEqual(
        results,
        Array.from({ length: 20 }, (_, i) => i),
      );
    });

    test('users: only the known roles and states; a new user starts at version 1', async () => {
      const user = await factories.user(t.database.db, { role: 'team_lead' });
      assert.equal(user.version, 1);
      assert.equal(user.status, 'active');
      await assert.rejects(factories.user(t.database.db, { role: 'superuser' as 'admin' }), /check constraint/);
      await assert.rejects(factories.user(t.database.db, { status: 'deleted' as 'locked' }), /check constraint/);
    });

    test('the row types in schema.ts match the migrated tables', async () => {
      const { rows } = await sql<{ table_name: string; column_name: string }>`
        select table_name, column_name from information_schema.columns
        where table_schema = 'public' order by table_name, ordinal_position`.execute(t.database.db);
      const tables = new Map<string, string[]>();
      for (const r of rows) tables.set(r.table_name, [...(tables.get(r.table_name) ?? []), r.column_name]);
      const expected: Record<string, string[]> = {
        search_generations: ['generation', 'key_id', 'scheme', 'created_at', 'completed_at'],
        // Days only, no timestamps: the anonymous channel keeps no time finer than the day (docs/intake.md).
        reports: [
          'id',
          'reference',
          'channel',
          'urgency',
          'reporter_id',
          'recorded_by',
          'receipt_id',
          'receipt_hash',
          'idempotency',
          'content_sealed',
          'original_reporter_sealed',
          'person_ids',
          'received_on',
          'acknowledged_on',
          'feedback_on',
          'status',
          'outcome',
          'outcome_reason_sealed',
          'case_id',
          'triaged_by',
          'triaged_on',
          'awaiting_reply',
          'reporter_seen',
          'version',
        ],
        report_messages: ['report_id', 'number', 'author', 'author_id', 'kind', 'body_sealed', 'sent_on'],
        case_members: [
          'case_id',
          'user_id',
          'role',
          'full_scope',
          'sections',
          'expires_at',
          'granted_by',
          'granted_at',
          'version',
        ],
        users: [
          'id',
          'role',
          'status',
          'version',
          'created_at',
          'updated_at',
          'email',
          'display_name',
          'expertise',
          'password_hash',
          'password_changed_at',
          'activated_at',
          'email_sealed',
          'email_bidx',
          'display_name_sealed',
        ],
        sessions: [
          'id',
          'token_hash',
          'user_id',
          'created_at',
          'last_seen_at',
          'expires_at',
          'step_up_at',
          'user_agent',
          'ended_at',
          'end_reason',
          'mfa_at',
          'sso_issuer',
        ],
      };
      assert.deepEqual([...tables.keys()].sort(), [
        'approvals',
        'assessments',
        'audit_chain',
        'audit_checkpoints',
        'audit_cuts',
        'audit_events',
        'blob_uploads',
        'break_glass',
        'case_counters',
        'case_links',
        'case_members',
        'case_merges',
        'case_persons',
        'case_priority_changes',
        'case_status_changes',
        'cases',
        'data_keys',
        'document_readers',
        'document_versions',
        'documents',
        'job_schedules',
        'jobs',
        'login_throttle',
        'mfa_passkeys',
        'mfa_recovery_codes',
        'mfa_totp',
        'model_optional_items',
        'models',
        'notifications',
        'one_time_links',
        'person_conflicts',
        'person_relations',
        'person_tokens',
        'report_conflicts',
        'report_messages',
        'reports',
        'schema_migrations',
        'search_entries',
        'search_generations',
        'search_postings',
        'security_events',
        'sessions',
        'settings',
        'sso_flows',
        'timeline_entries',
        'timeline_entry_versions',
        'timeline_revisions',
        'user_identities',
        'users',
        'webauthn_challenges',
      ]);
      for (const [table, columns] of Object.entries(expected)) assert.deepEqual(tables.get(table), columns, table);
    });

    if (engine === 'postgres') {
      test('two instances migrating an empty database at once apply each migration exactly once', async () => {
        const urls = postgresUrls();
        assert.ok(urls);
        const name = uniqueName('tma_race');
        await adminQuery(urls.owner, `create database ${name}`);
        try {
          const silent = pino({ level: 'silent' });
          const owner = withDatabase(urls.owner, name);
          const app = withDatabase(urls.app, name);
          const [a, b] = await Promise.all([migratePostgres(owner, app, silent), migratePostgres(owner, app, silent)]);
          assert.deepEqual(
            [...a, ...b].sort(),
            readMigrations().map((m) => m.id),
          );
        } finally {
          await dropDatabase(urls.owner, name);
        }
      });
    }

    if (engine === 'postgres' && separateRoles()) {
      test('the application role can read and write rows but not change the schema', async () => {
        await assert.rejects(sql`create table intruder (id int)`.execute(t.database.db), /permission denied/);
        await assert.rejects(sql`drop table settings`.execute(t.database.db), /must be owner|permission denied/);
        await assert.rejects(sql`delete from schema_migrations`.execute(t.database.db), /permission denied/);
      });
    }
  });
}

/** On PostgreSQL migrations run as the schema owner, as in production; PGlite has one role. */
/** Only when the suite runs with a separate owner and application role (as .ci/run sets up). */
function separateRoles(): boolean {
  const app = process.env.DATABASE_URL;
  const owner = process.env.TMA_MIGRATION_DATABASE_URL;
  return app !== undefined && owner !== undefined && new URL(app).username !== new URL(owner).username;
}
