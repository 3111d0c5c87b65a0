import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { MyReports, ReporterView, TriageList } from '../../src/contract/reports.ts';
import { addDays, dayIn } from '../../src/server/intake/deadlines.ts';
import { reportPersonSource } from '../../src/server/intake/search-source.ts';
import { manualClock } from '../../src/server/platform/clock.ts';
import { type Browser, call, createAccount, signIn } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import {
  anonymously,
  aRecordedReport,
  aReport,
  idOfReceipt,
  submitAnonymously,
  submitSignedIn,
  triageOf,
} from '../support/reports.ts';

/**
 * Reports (docs/intake.md): the three ways in, the anonymous two-way channel, "My reports",
 * triage with its decisions and deadlines, and known-person hints. What the anonymous channel
 * leaves behind: anonymous-trace.test.ts.
 */
const problem = (res: { json(): unknown }) => res.json() as { code: string; errors?: { path: string }[] };

for (const engine of engines()) {
  describe(`intake on ${engine}`, () => {
    let t: TestApp;
    const clock = manualClock(new Date());
    const today = () => dayIn(clock.now(), 'Europe/Berlin');
    let manager: Browser;
    let managerId: string;
    let otherManager: Browser;
    let employee: Browser;
    let colleague: Browser;
    before(async () => {
      t = await buildTestApp(engine, { clock, env: { TMA_ANONYMOUS_REQUESTS_PER_10_MIN: '1000' } });
      const m = await createAccount(t, 'threat_manager', { displayName: 'Tina Triage' });
      managerId = m.id;
      manager = await signIn(t, m.email);
      otherManager = await signIn(t, (await createAccount(t, 'threat_manager')).email);
      employee = await signIn(t, (await createAccount(t, 'reporter')).email);
      colleague = await signIn(t, (await createAccount(t, 'reporter')).email);
    });
    after(() => t.close());

    test('an anonymous report gets a receipt once per idempotency key; the receipt opens it, nothing else does', async () => {
      const body = aReport({ whatHappened: '<script>alert(1)</script> said he would "settle it"' });
      const first = await submitAnonymously(t, body);
      assert.match(first.receipt, /^([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{4}$/);
      assert.equal(first.acknowledgeBy, addDays(today(), 7));
      // The answer got lost; the browser sends the same submission again: one report, the same receipt.
      const again = await submitAnonymously(t, body);
      assert.equal(again.receipt, first.receipt);
      const rows = await t.database.db.selectFrom('reports').select('id').where('channel', '=', 'anonymous').execute();
      assert.equal(rows.length, 1);

      // The key alone is no second receipt: other content, or another day, is refused.
      const other = await anonymously(t, '/api/anonymous/reports', { ...body, whatHappened: 'Something else.' });
      assert.equal(other.statusCode, 409);
      assert.equal(problem(other).code, 'idempotency_conflict');
      clock.advance(86_400_000);
      const nextDay = await anonymously(t, '/api/anonymous/reports', body);
      assert.equal(problem(nextDay).code, 'idempotency_conflict');
      clock.advance(-86_400_000);

      const typed = first.receipt.toLowerCase().replace(/-/g, ' ');
      const opened = await anonymously(t, '/api/anonymous/receipt', { receipt: typed });
      assert.equal(opened.statusCode, 200, opened.body);
      const view = opened.json() as ReporterView;
      assert.equal(view.status, 'received');
      assert.equal(view.content.whatHappened, body.whatHappened);
      assert.deepEqual(view.messages, []);

      const wrongSecret = `${first.receipt.slice(0, 10)}${first.receipt.slice(10).replace(/[0-9A-Z]/, (c) => (c === '2' ? '3' : '2'))}`;
      for (const receipt of [wrongSecret, '2222-2222-2222-2222-2222-2222', 'not a receipt', '']) {
        const res = await anonymously(t, '/api/anonymous/receipt', { receipt });
        assert.equal(res.statusCode, 404, receipt);
        assert.equal(problem(res).code, 'receipt_unknown');
      }
    });

    test('bad input: clear field errors, nothing stored', async () => {
      const before = await t.database.db.selectFrom('reports').select('id').execute();
      const tomorrow = addDays(today(), 2);
      const cases: [object, string][] = [
        [aReport({ whatHappened: '   ' }), 'whatHappened'],
        [aReport({ whatHappened: 'x'.repeat(10_001) }), 'whatHappened'],
        [aReport({ incidentDate: tomorrow }), 'incidentDate'],
        [aReport({ incidentDate: '2026-02-30' }), 'incidentDate'],
        [{ ...aReport(), consent: false }, 'consent'],
        [{ ...aReport(), extra: 1 }, ''],
        [aReport({ whenDetail: 'bell\u0007' }), 'whenDetail'],
        [aReport({ idempotencyKey: 'A0000000-0000-4000-8000-000000000000' }), 'idempotencyKey'],
        [aReport({ idempotencyKey: '00000000-0000-0000-0000-000000000000' }), 'idempotencyKey'],
      ];
      for (const [body, path] of cases) {
        const res = await anonymously(t, '/api/anonymous/reports', body);
        assert.equal(res.statusCode, 400, `${path}: ${res.body}`);
        assert.equal(problem(res).code, 'validation_failed');
        if (path !== '')
          assert.ok(
            problem(res).errors?.some((e) => e.path === `body.${path}`),
            `${path}: ${res.body}`,
          );
      }
      const futureBirth = aReport();
      futureBirth.persons = [{ ...(futureBirth.persons?.[0] as object), role: 'target', dateOfBirth: tomorrow }];
      const res = await call(t, employee, 'POST', '/api/reports', futureBirth);
      assert.equal(res.statusCode, 400);
      assert.ok(problem(res).errors?.some((e) => e.path === 'body.persons.0.dateOfBirth'));
      const after = await t.database.db.selectFrom('reports').select('id').execute();
      assert.equal(after.length, before.length);
    });

    test('a signed-in employee sees their own reports only; another user gets 404', async () => {
      const mine = await submitSignedIn(t, employee);
      assert.match(mine.reference, /^R-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      const list = (await call(t, employee, 'GET', '/api/reports/mine')).json() as MyReports;
      assert.ok(list.reports.some((r) => r.id === mine.id && r.status === 'received'));
      assert.equal((await call(t, colleague, 'GET', `/api/reports/mine/${mine.id}`)).statusCode, 404);
      const theirs = (await call(t, colleague, 'GET', '/api/reports/mine')).json() as MyReports;
      assert.ok(!theirs.reports.some((r) => r.id === mine.id));
      // The same idempotency key from someone else stores nothing and says so.
      const body = aReport();
      await submitSignedIn(t, employee, body);
      const reused = await call(t, colleague, 'POST', '/api/reports', body);
      assert.equal(reused.statusCode, 409);
      assert.equal(problem(reused).code, 'idempotency_conflict');
    });

    test('the two-way channel: the team answers explicitly; the reporter sees it and replies', async () => {
      const { receipt } = await submitAnonymously(t);
      const id = await idOfReceipt(t, receipt);
      let detail = await triageOf(t, manager, id);
      assert.equal(detail.canMessage, true);
      assert.equal(detail.deadlines.acknowledgedOn, null);
      const ack = await call(t, manager, 'POST', `/api/triage/reports/${id}/messages`, {
        expectedVersion: detail.version,
        kind: 'acknowledgement',
        body: 'Thank you, we have your report and are looking into it.',
      });
      assert.equal(ack.statusCode, 200, ack.body);
      detail = ack.json();
      assert.equal(detail.deadlines.acknowledgedOn, today());
      // A stale version changes nothing.
      const stale = await call(t, manager, 'POST', `/api/triage/reports/${id}/messages`, {
        expectedVersion: detail.version - 1,
        kind: 'message',
        body: 'again',
      });
      assert.equal(stale.statusCode, 409);

      const seen = (await anonymously(t, '/api/anonymous/receipt', { receipt })).json() as ReporterView;
      assert.equal(seen.status, 'in_review');
      assert.deepEqual(
        seen.messages.map((m) => [m.from, m.kind, m.sentOn]),
        [['team', 'acknowledgement', today()]],
      );
      const reply = await anonymously(t, '/api/anonymous/receipt/messages', {
        receipt,
        body: 'He was there again today.',
      });
      assert.equal(reply.statusCode, 201, reply.body);
      detail = await triageOf(t, manager, id);
      assert.equal(detail.awaitingReply, true);
      assert.equal(detail.messages.at(-1)?.body, 'He was there again today.');
      // A wrong receipt writes nothing.
      const bad = await anonymously(t, '/api/anonymous/receipt/messages', {
        receipt: '2222-2222-2222-2222-2222-2222',
        body: 'x',
      });
      assert.equal(bad.statusCode, 404);
    });

    test('signed-in reporters: an unread team message is marked until they open the report', async () => {
      const mine = await submitSignedIn(t, employee);
      const detail = await triageOf(t, manager, mine.id);
      await call(t, manager, 'POST', `/api/triage/reports/${mine.id}/messages`, {
        expectedVersion: detail.version,
        kind: 'acknowledgement',
        body: 'Received.',
      });
      const listed = (await call(t, employee, 'GET', '/api/reports/mine')).json() as MyReports;
      assert.equal(listed.reports.find((r) => r.id === mine.id)?.unread, true);
      const view = (await call(t, employee, 'GET', `/api/reports/mine/${mine.id}`)).json() as ReporterView;
      assert.equal(view.messages.length, 1);
      const after = (await call(t, employee, 'GET', '/api/reports/mine')).json() as MyReports;
      assert.equal(after.reports.find((r) => r.id === mine.id)?.unread, false);
      const reply = await call(t, employee, 'POST', `/api/reports/mine/${mine.id}/messages`, { body: 'Thanks.' });
      assert.equal(reply.statusCode, 201);
      assert.equal(
        (await call(t, colleague, 'POST', `/api/reports/mine/${mine.id}/messages`, { body: 'x' })).statusCode,
        404,
      );
    });

    test('a report recorded for a caller: the triage roles only; the caller sealed; acknowledged outside TMA', async () => {
      assert.equal((await call(t, employee, 'POST', '/api/triage/reports', aRecordedReport())).statusCode, 404);
      const future = await call(
        t,
        manager,
        'POST',
        '/api/triage/reports',
        aRecordedReport({ receivedOn: addDays(today(), 2) }),
      );
      assert.equal(future.statusCode, 400);
      const res = await call(t, manager, 'POST', '/api/triage/reports', aRecordedReport({ receivedOn: today() }));
      assert.equal(res.statusCode, 201, res.body);
      const detail = await triageOf(t, manager, res.json().id);
      assert.equal(detail.channel, 'phone');
      assert.equal(detail.recordedBy?.id, managerId);
      assert.equal(detail.originalReporter?.name, 'Erika Anruferin');
      assert.equal(detail.canMessage, false);
      const row = await t.database.db
        .selectFrom('reports')
        .selectAll()
        .where('id', '=', detail.id)
        .executeTakeFirstOrThrow();
      assert.ok(
        !Buffer.from(row.original_reporter_sealed ?? [])
          .toString('latin1')
          .includes('Erika'),
      );
      const viaMessage = await call(t, manager, 'POST', `/api/triage/reports/${detail.id}/messages`, {
        expectedVersion: detail.version,
        kind: 'acknowledgement',
        body: 'x',
      });
      assert.equal(problem(viaMessage).code, 'no_channel');
      const ack = await call(t, manager, 'POST', `/api/triage/reports/${detail.id}/acknowledge`, {
        expectedVersion: detail.version,
        on: today(),
      });
      assert.equal(ack.statusCode, 200, ack.body);
      assert.equal(ack.json().deadlines.acknowledgedOn, today());
      const anonymousCaller = await call(
        t,
        manager,
        'POST',
        '/api/triage/reports',
        aRecordedReport({ reporter: null, channel: 'letter' }),
      );
      assert.equal(anonymousCaller.statusCode, 201);
      assert.equal((await triageOf(t, manager, anonymousCaller.json().id)).originalReporter, null);
    });

    test('triage: a new case from one report, a second report about the same person hinted and attached, one closed', async () => {
      const email = `person-${Date.now()}@example.com`;
      const person = { ...(aReport().persons?.[0] as object), name: 'Konrad Einzigartig', contact: email } as never;
      const { receipt } = await submitAnonymously(t, aReport({ urgency: 'urgent', persons: [person] }));
      const first = await idOfReceipt(t, receipt);
      const inbox = (await call(t, manager, 'GET', '/api/triage/reports?status=new&sort=urgency')).json() as TriageList;
      const listed = inbox.reports.find((r) => r.id === first);
      assert.equal(listed?.urgency, 'urgent');
      assert.equal(listed?.ageDays, 0);
      assert.equal(listed?.deadlines.acknowledgeBy, addDays(today(), 7));

      const second = await submitSignedIn(t, employee, aReport({ persons: [person] }));
      // Before any case: the other report is named.
      let hints = (await triageOf(t, manager, second.id)).hints;
      assert.deepEqual(
        hints.map((h) => [h.person, h.where.kind, h.matchedBy.includes('email')]),
        [[0, 'report', true]],
      );

      const firstDetail = await triageOf(t, manager, first);
      const opened = await call(t, manager, 'POST', `/api/triage/reports/${first}/case`, {
        expectedVersion: firstDetail.version,
        title: 'Threat in the canteen',
      });
      assert.equal(opened.statusCode, 200, opened.body);
      const result = opened.json() as { status: string; case: { id: string; reference: string } | null };
      assert.equal(result.status, 'case');
      assert.match(result.case?.reference ?? '', /^TM-\d{4}-\d{4}$/);
      const again = await call(t, manager, 'POST', `/api/triage/reports/${first}/case`, {
        expectedVersion: firstDetail.version + 1,
        title: 'Twice',
      });
      assert.equal(problem(again).code, 'already_triaged');

      // The member of that case sees it named; another threat manager only that a case exists, and its lead.
      hints = (await triageOf(t, manager, second.id)).hints;
      assert.deepEqual(
        hints.map((h) => h.where.kind),
        ['case'],
      );
      const others = (await triageOf(t, otherManager, second.id)).hints;
      assert.deepEqual(
        others.map((h) => h.where),
        [{ kind: 'other_case', lead: { id: managerId, displayName: 'Tina Triage' } }],
      );
      // The first report now follows its case: a non-member's read is 404.
      assert.equal((await call(t, otherManager, 'GET', `/api/triage/reports/${first}`)).statusCode, 404);
      const theirInbox = (await call(t, otherManager, 'GET', '/api/triage/reports?status=case')).json() as TriageList;
      assert.ok(!theirInbox.reports.some((r) => r.id === first));
      const leadInbox = (await call(t, manager, 'GET', '/api/triage/reports?status=case')).json() as TriageList;
      assert.equal(leadInbox.reports.find((r) => r.id === first)?.case?.id, result.case?.id);

      // Attaching needs the case: the other threat manager is refused as if it did not exist.
      const secondDetail = await triageOf(t, manager, second.id);
      const refused = await call(t, otherManager, 'POST', `/api/triage/reports/${second.id}/attach`, {
        expectedVersion: secondDetail.version,
        reference: result.case?.reference,
      });
      assert.equal(refused.statusCode, 404);
      const attached = await call(t, manager, 'POST', `/api/triage/reports/${second.id}/attach`, {
        expectedVersion: secondDetail.version,
        reference: result.case?.reference.toLowerCase(),
      });
      assert.equal(attached.statusCode, 200, attached.body);
      assert.equal(attached.json().case.id, result.case?.id);
      const keyRow = await t.database.db
        .selectFrom('data_keys')
        .select('case_id')
        .where('purpose', '=', 'report')
        .where('owner_id', '=', second.id)
        .executeTakeFirstOrThrow();
      assert.equal(keyRow.case_id, result.case?.id);
      const mine = (await call(t, employee, 'GET', `/api/reports/mine/${second.id}`)).json() as ReporterView;
      assert.equal(mine.status, 'in_review');

      const third = await submitSignedIn(t, colleague);
      const thirdDetail = await triageOf(t, manager, third.id);
      const noReason = await call(t, manager, 'POST', `/api/triage/reports/${third.id}/close`, {
        expectedVersion: thirdDetail.version,
        outcome: 'malicious',
        reason: '  ',
      });
      assert.equal(noReason.statusCode, 400);
      const closed = await call(t, manager, 'POST', `/api/triage/reports/${third.id}/close`, {
        expectedVersion: thirdDetail.version,
        outcome: 'malicious',
        reason: 'Made up to harm a colleague after a quarrel.',
      });
      assert.equal(closed.statusCode, 200, closed.body);
      const closedDetail = await triageOf(t, manager, third.id);
      assert.equal(closedDetail.outcome, 'malicious');
      assert.equal(closedDetail.outcomeReason, 'Made up to harm a colleague after a quarrel.');
      const theirs = (await call(t, colleague, 'GET', `/api/reports/mine/${third.id}`)).json() as ReporterView;
      assert.equal(theirs.status, 'closed');
      const events = await t.database.db
        .selectFrom('audit_events')
        .select(['action', 'case_id'])
        .where('object_id', 'in', [first, second.id, third.id])
        .execute();
      const actions = new Set(events.map((e) => e.action));
      for (const a of [
        'report.case_opened',
        'report.attached',
        'report.closed',
        'report.hints_viewed',
        'report.viewed',
      ]) {
        assert.ok(actions.has(a), a);
      }
    });

    test('the persons of a report can be indexed again after a rotation of the search key', async () => {
      const mine = await submitSignedIn(t, employee);
      const row = await t.database.db
        .selectFrom('reports')
        .select(['person_ids'])
        .where('id', '=', mine.id)
        .executeTakeFirstOrThrow();
      const [personId] = row.person_ids;
      const found = await reportPersonSource(t.keys).persons(t.database.db, [personId as string, randomUUID()]);
      assert.equal(found.size, 1);
      const entry = found.get(personId as string);
      assert.deepEqual(entry?.scope, { type: 'report', id: mine.id });
      assert.equal(entry?.identifiers.fullName, 'Max Mustermann');
      assert.equal(entry?.identifiers.email, 'max.mustermann@example.com');
    });

    test('an urgent report alerts every threat manager and team lead at once', async () => {
      const { receipt } = await submitAnonymously(t, aReport({ urgency: 'danger_now' }));
      const id = await idOfReceipt(t, receipt);
      for (const browser of [manager, otherManager]) {
        const bell = (await call(t, browser, 'GET', '/api/notifications')).json() as {
          notifications: { kind: string; report: { id: string } | null }[];
        };
        assert.ok(bell.notifications.some((n) => n.kind === 'urgent_report' && n.report?.id === id));
      }
      const theirs = (await call(t, employee, 'GET', '/api/notifications')).json() as { notifications: unknown[] };
      assert.equal(theirs.notifications.length, 0);
    });
  });
}
