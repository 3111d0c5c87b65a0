import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { pino } from 'pino';
import { jpegWithGps } from '../../src/server/documents/inspect/test-fixtures.ts';
import { manualClock } from '../../src/server/platform/clock.ts';
import { createAccount, ORIGIN, signIn } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { form } from '../support/documents.ts';
import { anonymously, aReport, idOfReceipt } from '../support/reports.ts';

/**
 * SECURITY.md item 29: after an anonymous report, a look at the receipt and a message, the
 * database, the audit trail and the request log hold no IP address, no user agent and no time
 * finer than the day of any of it; and a session that happens to be open in the same browser is
 * neither read nor touched (it would date the report by its last activity).
 */
const IP = '203.0.113.77';
const AGENT = 'UniqueAgent/42';

for (const engine of engines()) {
  describe(`what the anonymous channel leaves behind, on ${engine}`, () => {
    let t: TestApp;
    const lines: string[] = [];
    // A moment of the day that nothing else writes: any value at it came from the anonymous requests.
    const clock = manualClock(new Date(Date.UTC(2031, 4, 14, 13, 37, 21, 123)));
    before(async () => {
      const sink = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      t = await buildTestApp(engine, {
        clock,
        log: pino({ level: 'debug' }, sink),
      });
    });
    after(() => t.close());

    test('no address, agent or time of day in the database, the audit trail or the log', async () => {
      const employee = await createAccount(t, 'threat_manager');
      const browser = await signIn(t, employee.email);
      const session = async () =>
        t.database.db
          .selectFrom('sessions')
          .select(['last_seen_at'])
          .where('user_id', '=', employee.id)
          .executeTakeFirstOrThrow();
      const seenBefore = (await session()).last_seen_at.getTime();
      // Long enough that any request of this session would touch it.
      clock.advance(10 * 60_000);
      const realStart = Date.now();
      const linesBefore = lines.length;

      const body = aReport({ urgency: 'danger_now' });
      const submitted = await anonymously(t, '/api/anonymous/reports', body, {
        cookie: browser.cookie as string,
        ip: IP,
      });
      assert.equal(submitted.statusCode, 201, submitted.body);
      const { receipt } = submitted.json() as { receipt: string };
      const upload = form({ receipt }, { name: 'photo.jpg', content: await jpegWithGps() });
      const opened = await anonymously(t, '/api/anonymous/receipt', { receipt }, { ip: IP });
      assert.equal(opened.statusCode, 200);
      const wrote = await anonymously(t, '/api/anonymous/receipt/messages', { receipt, body: 'More.' }, { ip: IP });
      assert.equal(wrote.statusCode, 201);
      const attached = await t.app.inject({
        method: 'POST',
        url: '/api/anonymous/receipt/documents',
        headers: {
          origin: ORIGIN,
          'user-agent': `Mozilla/5.0 (TraceTest) ${AGENT}`,
          cookie: `__Host-tma=${browser.cookie}`,
          'content-type': upload.contentType,
        },
        remoteAddress: IP,
        payload: upload.payload,
      });
      assert.equal(attached.statusCode, 201, attached.body);
      const refused = await anonymously(t, '/api/anonymous/receipt', { receipt: 'XXXX' }, { ip: IP });
      assert.equal(refused.statusCode, 404);
      const realEnd = Date.now();

      // The log: not a line while the anonymous channel was busy.
      assert.deepEqual(lines.slice(linesBefore), []);
      // The session in the same browser: untouched.
      assert.equal((await session()).last_seen_at.getTime(), seenBefore);

      const id = await idOfReceipt(t, receipt);
      // The audit trail: the channel's events at midnight, with no actor, address or agent.
      const events = await t.database.db.selectFrom('audit_events').selectAll().where('object_id', '=', id).execute();
      assert.ok(events.length >= 3);
      const documents = await t.database.db.selectFrom('documents').select('id').where('owner_id', '=', id).execute();
      assert.equal(documents.length, 1);
      events.push(
        ...(await t.database.db
          .selectFrom('audit_events')
          .selectAll()
          .where(
            'object_id',
            'in',
            documents.map((d) => d.id),
          )
          .execute()),
      );
      assert.ok(events.some((e) => e.action === 'anonymous.document_uploaded'));
      for (const e of events) {
        assert.equal(e.at.toISOString(), '2031-05-14T00:00:00.000Z', e.action);
        assert.equal(e.ip, null);
        assert.equal(e.user_agent, null);
        assert.equal(e.actor_user_id, null);
        assert.equal(e.anonymous, true);
      }

      // Every table, every row: no address and no agent anywhere, and no time of the requests.
      const tables = await sql<{ table_name: string }>`
        select table_name from information_schema.tables
        where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(t.database.db);
      const timestampColumns = await sql<{ table_name: string; column_name: string }>`
        select table_name, column_name from information_schema.columns
        where table_schema = current_schema() and data_type like 'timestamp%'`.execute(t.database.db);
      const clockAt = clock.now().getTime();
      for (const { table_name } of tables.rows) {
        const dump = await sql<{ row: string }>`select t::text as row from ${sql.table(table_name)} t`.execute(
          t.database.db,
        );
        for (const { row } of dump.rows) {
          assert.ok(!row.includes(IP), `${table_name} holds the address`);
          assert.ok(!row.includes(AGENT), `${table_name} holds the user agent`);
        }
      }
      for (const { table_name, column_name } of timestampColumns.rows) {
        const values = await sql<{ v: Date }>`select ${sql.ref(column_name)} as v from ${sql.table(table_name)}
          where ${sql.ref(column_name)} is not null`.execute(t.database.db);
        for (const { v } of values.rows) {
          const at = v.getTime();
          const ofTheRequests =
            (at >= clockAt - 60_000 && at <= clockAt + 60_000) || (at >= realStart && at <= realEnd);
          const midnight = v.getUTCHours() === 0 && v.getUTCMinutes() === 0 && v.getUTCSeconds() === 0;
          assert.ok(!ofTheRequests || midnight, `${table_name}.${column_name} holds ${v.toISOString()}`);
        }
      }
      // And the days: the report and its message are dated, not timed.
      const report = await t.database.db
        .selectFrom('reports')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(report.received_on, '2031-05-14');
    });
    test('late at night the day is the company day, in every dated place', async () => {
      // 23:30 UTC is 01:30 the next day in Berlin: the UTC day would tell those two hours apart.
      clock.set(new Date(Date.UTC(2031, 4, 20, 23, 30)));
      const submitted = await anonymously(t, '/api/anonymous/reports', aReport({ urgency: 'danger_now' }), { ip: IP });
      assert.equal(submitted.statusCode, 201, submitted.body);
      const id = await idOfReceipt(t, (submitted.json() as { receipt: string }).receipt);
      const report = await t.database.db
        .selectFrom('reports')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(report.received_on, '2031-05-21');
      const midnight = '2031-05-21T00:00:00.000Z';
      const events = await t.database.db.selectFrom('audit_events').select('at').where('object_id', '=', id).execute();
      assert.deepEqual(
        events.map((e) => e.at.toISOString()),
        [midnight],
      );
      const key = await t.database.db
        .selectFrom('data_keys')
        .select('created_at')
        .where('owner_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(key.created_at.toISOString(), midnight);
      const alerts = await t.database.db
        .selectFrom('notifications')
        .select('created_at')
        .where('report_id', '=', id)
        .execute();
      assert.ok(alerts.length > 0);
      for (const a of alerts) assert.equal(a.created_at.toISOString(), midnight);
    });
  });
}
