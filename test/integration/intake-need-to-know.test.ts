import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Dashboard } from '../../src/contract/dashboard.ts';
import type { NotificationList } from '../../src/contract/notifications.ts';
import type { CaseReports, TriageDetail, TriageList } from '../../src/contract/reports.ts';
import type { TimelinePage } from '../../src/contract/timeline.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { grant, openCase } from '../support/cases.ts';
import { engines } from '../support/db.ts';
import { aReport, idOfReceipt, submitAnonymously, submitSignedIn, triageOf } from '../support/reports.ts';

/**
 * Who sees what of a report (docs/intake.md, "Triage"): a report that names someone of the team
 * stays out of their sight; in a case, identities need the identities section; an attach cannot
 * probe for case references; a merge takes the reports along; hints are told to the case.
 */
const person = (name: string, contact: string) => ({
  role: 'person_of_concern' as const,
  name,
  orgUnit: '',
  contact,
  employeeNumber: '',
  dateOfBirth: '',
  description: '',
});

for (const engine of engines()) {
  describe(`need-to-know of reports on ${engine}`, () => {
    let t: TestApp;
    let manager: Browser;
    let named: Browser;
    let namedId: string;
    let employee: Browser;
    before(async () => {
      t = await buildTestApp(engine, { env: { TMA_ANONYMOUS_REQUESTS_PER_10_MIN: '1000' } });
      manager = await signIn(t, (await createAccount(t, 'threat_manager')).email);
      await stepUp(t, manager);
      const n = await createAccount(t, 'threat_manager', {
        email: 'sam.sorglos@example.com',
        displayName: 'Sam Sorglos',
      });
      namedId = n.id;
      named = await signIn(t, n.email);
      employee = await signIn(t, (await createAccount(t, 'reporter')).email);
    });
    after(() => t.close());

    test('a report that names a triage account (address or name) is out of that account’s sight', async () => {
      for (const about of [person('', 'SAM.SORGLOS@example.com'), person('Sorglos, Sam', '')]) {
        const { receipt } = await submitAnonymously(t, aReport({ urgency: 'danger_now', persons: [about] }));
        const id = await idOfReceipt(t, receipt);
        assert.equal((await call(t, named, 'GET', `/api/triage/reports/${id}`)).statusCode, 404);
        const inbox = (await call(t, named, 'GET', '/api/triage/reports')).json() as TriageList;
        assert.ok(!inbox.reports.some((r) => r.id === id));
        const bell = (await call(t, named, 'GET', '/api/notifications')).json() as NotificationList;
        assert.ok(!bell.notifications.some((n) => n.report?.id === id));
        const stored = await t.database.db
          .selectFrom('notifications')
          .select('id')
          .where('report_id', '=', id)
          .where('user_id', '=', namedId)
          .execute();
        assert.deepEqual(stored, []);
        const close = await call(t, named, 'POST', `/api/triage/reports/${id}/close`, {
          expectedVersion: 1,
          outcome: 'malicious',
          reason: 'about me',
        });
        assert.equal(close.statusCode, 404);
        // Everyone else works on it as usual.
        assert.equal((await triageOf(t, manager, id)).id, id);
      }
    });

    test('in a case: who is named and who reported only with the identities section', async () => {
      const mine = await submitSignedIn(t, employee);
      const detail = await triageOf(t, manager, mine.id);
      const opened = await call(t, manager, 'POST', `/api/triage/reports/${mine.id}/case`, {
        expectedVersion: detail.version,
        title: 'Scopes',
      });
      const caseId = opened.json().case.id as string;
      const scoped = await createAccount(t, 'threat_manager');
      await grant(t, manager, caseId, { userId: scoped.id, role: 'member', fullScope: false, sections: ['timeline'] });
      const seen = (
        await call(t, await signIn(t, scoped.email), 'GET', `/api/triage/reports/${mine.id}`)
      ).json() as TriageDetail;
      assert.equal(seen.identitiesHidden, true);
      assert.equal(seen.reporter, null);
      assert.equal(seen.content.persons[0]?.name, '');
      assert.equal(seen.content.persons[0]?.contact, '');
      assert.deepEqual(seen.hints, []);
      const full = await triageOf(t, manager, mine.id);
      assert.equal(full.identitiesHidden, false);
      assert.equal(full.content.persons[0]?.name, 'Max Mustermann');
    });

    test('the members of a case read its reports with the timeline section; who is named only with identities', async () => {
      const mine = await submitSignedIn(t, employee);
      const detail = await triageOf(t, manager, mine.id);
      const opened = await call(t, manager, 'POST', `/api/triage/reports/${mine.id}/case`, {
        expectedVersion: detail.version,
        title: 'Read through the case',
      });
      const caseId = opened.json().case.id as string;
      const expert = await createAccount(t, 'expert');
      await grant(t, manager, caseId, { userId: expert.id, role: 'expert', fullScope: false, sections: ['timeline'] });
      const expertBrowser = await signIn(t, expert.email);

      const full = (await call(t, manager, 'GET', `/api/cases/${caseId}/reports`)).json() as CaseReports;
      assert.equal(full.reports.length, 1);
      assert.equal(full.reports[0]?.identitiesHidden, false);
      assert.equal(full.reports[0]?.content.persons[0]?.name, 'Max Mustermann');
      assert.ok(full.reports[0]?.reporter !== null);
      const partial = await call(t, expertBrowser, 'GET', `/api/cases/${caseId}/reports`);
      assert.equal(partial.statusCode, 200, partial.body);
      const seen = (partial.json() as CaseReports).reports[0];
      assert.equal(seen?.identitiesHidden, true);
      assert.equal(seen?.content.persons[0]?.name, '');
      assert.equal(seen?.content.persons[0]?.contact, '');
      assert.equal(seen?.content.whatHappened, aReport().whatHappened);
      assert.equal(seen?.reporter, null);
      assert.equal((await call(t, named, 'GET', `/api/cases/${caseId}/reports`)).statusCode, 404);
    });

    test('a report that names a member stays out of their sight on the case’s timeline and dashboard too', async () => {
      const { receipt } = await submitAnonymously(t, aReport({ persons: [person('', 'sam.sorglos@example.com')] }));
      const id = await idOfReceipt(t, receipt);
      const detail = await triageOf(t, manager, id);
      const opened = await call(t, manager, 'POST', `/api/triage/reports/${id}/case`, {
        expectedVersion: detail.version,
        title: 'About a colleague',
      });
      const caseId = opened.json().case.id as string;
      await grant(t, manager, caseId, { userId: namedId, role: 'member', fullScope: true });
      // A member of the same reach reads first: their chart counts the report, and the server keeps
      // it (timeline/chart-cache.ts).
      const peer = await createAccount(t, 'threat_manager');
      await grant(t, manager, caseId, { userId: peer.id, role: 'member', fullScope: true });
      const peers = (await call(t, await signIn(t, peer.email), 'GET', `/api/cases/${caseId}/timeline`)).json();
      assert.ok(((peers as TimelinePage).chart?.kinds ?? []).some((k) => k.kind === 'report'));
      const theirs = (await call(t, named, 'GET', `/api/cases/${caseId}/timeline`)).json() as TimelinePage;
      assert.ok(!theirs.entries.some((e) => e.kind === 'report'));
      assert.ok(!(theirs.chart?.kinds ?? []).some((k) => k.kind === 'report'));
      assert.ok(!JSON.stringify(theirs).includes(id));
      const dashboard = (await call(t, named, 'GET', '/api/dashboard')).json() as Dashboard;
      assert.ok(!dashboard.activity.some((a) => a.kind === 'report'));
      // The lead sees it where it belongs.
      const leads = (await call(t, manager, 'GET', `/api/cases/${caseId}/timeline`)).json() as TimelinePage;
      assert.equal(leads.entries.find((e) => e.kind === 'report')?.report?.id, id);
    });

    test('attaching to a case out of reach answers 404 whatever the report’s version: no probing for references', async () => {
      const other = await createAccount(t, 'threat_manager');
      const theirs = await openCase(t, await signIn(t, other.email), { title: 'Not yours' });
      const mine = await submitSignedIn(t, employee);
      for (const expectedVersion of [1, 999]) {
        const res = await call(t, manager, 'POST', `/api/triage/reports/${mine.id}/attach`, {
          expectedVersion,
          reference: theirs.reference,
        });
        assert.equal(res.statusCode, 404, `${expectedVersion}: ${res.body}`);
      }
    });

    test('a merge takes the duplicate’s reports along, keys and all; hints are told to the case', async () => {
      const email = `merge-${Date.now()}@example.com`;
      const mine = await submitSignedIn(t, employee, aReport({ persons: [person('Mia Merger', email)] }));
      const detail = await triageOf(t, manager, mine.id);
      const source = (
        await call(t, manager, 'POST', `/api/triage/reports/${mine.id}/case`, {
          expectedVersion: detail.version,
          title: 'Dup',
        })
      ).json().case as { id: string; reference: string };
      const target = await openCase(t, manager, { title: 'Original' });
      const sourceNow = (await call(t, manager, 'GET', `/api/cases/${source.id}`)).json();
      const merged = await call(t, manager, 'POST', `/api/cases/${source.id}/merge`, {
        into: target.reference,
        reason: 'the same matter',
        expectedVersion: sourceNow.version,
      });
      assert.equal(merged.statusCode, 200, merged.body);
      const row = await t.database.db
        .selectFrom('reports')
        .select('case_id')
        .where('id', '=', mine.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.case_id, target.id);
      const key = await t.database.db
        .selectFrom('data_keys')
        .select('case_id')
        .where('owner_id', '=', mine.id)
        .executeTakeFirstOrThrow();
      assert.equal(key.case_id, target.id);
      const reports = (await call(t, manager, 'GET', `/api/cases/${target.id}/reports`)).json() as {
        reports: { id: string }[];
      };
      assert.deepEqual(
        reports.reports.map((r) => r.id),
        [mine.id],
      );

      // A second report about the same person: its hint names the case, and the case's trail says so.
      const second = await submitSignedIn(t, employee, aReport({ persons: [person('Mia Merger', email)] }));
      const hinted = await triageOf(t, manager, second.id);
      assert.deepEqual(
        hinted.hints.map((h) => h.where.kind),
        ['case'],
      );
      const told = await t.database.db
        .selectFrom('audit_events')
        .select(['case_id', 'object_id'])
        .where('action', '=', 'report.hint_shown')
        .where('object_id', '=', second.id)
        .execute();
      assert.deepEqual(
        told.map((e) => e.case_id),
        [target.id],
      );
    });
  });
}
