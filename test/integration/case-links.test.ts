import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CaseDetail } from '../../src/contract/cases.ts';
import type { NotificationList } from '../../src/contract/notifications.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { grant, openCase, relatedOf } from '../support/cases.ts';
import { engines } from '../support/db.ts';

/**
 * Linked cases and the break-glass notification (docs/cases.md, "Linking and merging",
 * "Notifications"): a link shows only to someone who reads both cases wholly; the case lead learns
 * of a break-glass at once, and only while they may read the access log. Merges: case-merge.test.ts.
 */
for (const engine of engines()) {
  describe(`linked cases and notifications on ${engine}`, () => {
    let t: TestApp;
    let lead: Browser;
    let member: Browser;
    let memberId: string;
    let teamLead: Browser;
    before(async () => {
      t = await buildTestApp(engine);
      const l = await createAccount(t, 'threat_manager');
      lead = await signIn(t, l.email);
      await stepUp(t, lead);
      const m = await createAccount(t, 'threat_manager');
      memberId = m.id;
      member = await signIn(t, m.email);
      const tl = await createAccount(t, 'team_lead');
      teamLead = await signIn(t, tl.email);
    });
    after(() => t.close());

    const related = (browser: Browser, caseId: string) => relatedOf(t, browser, caseId);

    test('a link shows on both sides to who reads both cases, and to nobody else', async () => {
      const a = await openCase(t, lead, { title: 'Letters to the canteen' });
      const b = await openCase(t, lead, { title: 'Calls to the front desk' });
      await grant(t, lead, a.id, { userId: memberId, role: 'member', fullScope: true });
      const linked = await call(t, lead, 'POST', `/api/cases/${a.id}/links`, { reference: b.reference.toLowerCase() });
      assert.equal(linked.statusCode, 204, linked.body);
      assert.deepEqual(
        (await related(lead, a.id)).links.map((l) => [l.reference, l.title]),
        [[b.reference, 'Calls to the front desk']],
      );
      assert.deepEqual(
        (await related(lead, b.id)).links.map((l) => l.reference),
        [a.reference],
      );
      // The member of one side only: the link, and the other case, stay out of sight.
      assert.deepEqual((await related(member, a.id)).links, []);
      assert.equal((await call(t, member, 'GET', `/api/cases/${b.id}/related`)).statusCode, 404);

      const bad: [object, number, string][] = [
        [{ reference: a.reference }, 400, 'link_to_itself'],
        [{ reference: b.reference }, 409, 'already_linked'],
        [{ reference: 'TM-1999-9999' }, 404, 'not_found'],
        [{ reference: 'case 42' }, 400, 'validation_failed'],
        [{ reference: '<script>alert(1)</script>' }, 400, 'validation_failed'],
      ];
      for (const [body, status, code] of bad) {
        const res = await call(t, lead, 'POST', `/api/cases/${a.id}/links`, body);
        assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
        assert.equal(res.json().code, code);
      }
      // The member may not link a case they are not a member of: 404, recorded on that case.
      const refused = await call(t, member, 'POST', `/api/cases/${a.id}/links`, { reference: b.reference });
      assert.equal(refused.statusCode, 404);
      const denials = await t.database.db
        .selectFrom('audit_events')
        .select('detail')
        .where('case_id', '=', b.id)
        .where('action', '=', 'case.denied')
        .execute();
      assert.deepEqual(denials.map((d) => (d.detail as { access: string }).access).sort(), ['read', 'write']);

      const events = await t.database.db
        .selectFrom('audit_events')
        .select(['case_id', 'detail'])
        .where('action', '=', 'case.linked')
        .where('case_id', 'in', [a.id, b.id])
        .execute();
      assert.equal(events.length, 2);

      const unlinked = await call(t, lead, 'DELETE', `/api/cases/${b.id}/links/${a.id}`);
      assert.equal(unlinked.statusCode, 204, unlinked.body);
      assert.deepEqual((await related(lead, a.id)).links, []);
      assert.equal((await call(t, lead, 'DELETE', `/api/cases/${b.id}/links/${a.id}`)).statusCode, 404);
    });

    test('a break-glass tells the case’s lead at once; the bell shows only cases the user still reaches', async () => {
      const opened = await openCase(t, lead, { title: 'Night shift' });
      const empty = (await call(t, lead, 'GET', '/api/notifications')).json() as NotificationList;
      const glass = await call(t, teamLead, 'POST', `/api/cases/${opened.id}/break-glass`, {
        purpose: 'the lead is on holiday and the plant called',
        minutes: 30,
      });
      assert.equal(glass.statusCode, 201, glass.body);
      const list = (await call(t, lead, 'GET', '/api/notifications')).json() as NotificationList;
      assert.equal(list.unread, empty.unread + 1);
      const [first] = list.notifications;
      assert.ok(first);
      assert.equal(first.kind, 'break_glass');
      assert.equal(first.case?.reference, opened.reference);
      assert.equal(first.until, glass.json().expiresAt);
      assert.ok(!JSON.stringify(list).includes('holiday'));
      // Nobody else is told; marking read takes one's own only.
      // (The member's own bell holds their grant, and nothing of the break-glass.)
      const members = (await call(t, member, 'GET', '/api/notifications')).json() as NotificationList;
      assert.ok(members.notifications.every((n) => n.kind === 'grant'));
      const others = await call(t, member, 'POST', '/api/notifications/read', { ids: [first.id] });
      assert.equal(others.statusCode, 204);
      assert.equal(((await call(t, lead, 'GET', '/api/notifications')).json() as NotificationList).unread, list.unread);
      const read = await call(t, lead, 'POST', '/api/notifications/read', { ids: [first.id] });
      assert.equal(read.statusCode, 204);
      const now = (await call(t, lead, 'GET', '/api/notifications')).json() as NotificationList;
      assert.equal(now.unread, list.unread - 1);
      assert.equal(now.notifications[0]?.read, true);
      // No longer its lead: who broke the glass is the access log's to tell, and that is closed to them now.
      await grant(t, lead, opened.id, { userId: memberId, role: 'member', fullScope: true });
      const current = (await call(t, lead, 'GET', `/api/cases/${opened.id}`)).json() as CaseDetail;
      const handed = await call(t, lead, 'POST', `/api/cases/${opened.id}/lead`, {
        expectedVersion: current.version,
        userId: memberId,
      });
      assert.equal(handed.statusCode, 204, handed.body);
      const gone = (await call(t, lead, 'GET', '/api/notifications')).json() as NotificationList;
      assert.ok(!gone.notifications.some((n) => n.case?.id === opened.id));
      assert.equal((await call(t, undefined, 'GET', '/api/notifications')).statusCode, 401);
    });
  });
}
