import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { NotificationList } from '../../src/contract/notifications.ts';
import { addDays, dayIn, STATUTORY } from '../../src/server/intake/deadlines.ts';
import { sendReminders, stagesDue } from '../../src/server/intake/reminders.job.ts';
import { manualClock } from '../../src/server/platform/clock.ts';
import { type Browser, call, createAccount, signIn } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { submitSignedIn, triageOf } from '../support/reports.ts';

/** Reminders of a report's deadlines (intake/reminders.job.ts; docs/intake.md, "Deadlines"). */
test('the stages due: two days before the acknowledgement, two weeks before the feedback, and after each', () => {
  const row = { received_on: '2026-11-02', acknowledged_on: null, feedback_on: null };
  assert.deepEqual(stagesDue(row, '2026-11-06', STATUTORY), []);
  assert.deepEqual(stagesDue(row, '2026-11-07', STATUTORY), ['acknowledge_soon']);
  assert.deepEqual(stagesDue(row, '2026-11-09', STATUTORY), ['acknowledge_soon']);
  assert.deepEqual(stagesDue(row, '2026-11-10', STATUTORY), ['acknowledge_overdue']);
  const acknowledged = { ...row, acknowledged_on: '2026-11-03' };
  assert.deepEqual(stagesDue(acknowledged, '2026-11-10', STATUTORY), []);
  assert.deepEqual(stagesDue(acknowledged, '2027-01-19', STATUTORY), []);
  assert.deepEqual(stagesDue(acknowledged, '2027-01-20', STATUTORY), ['feedback_soon']);
  assert.deepEqual(stagesDue(acknowledged, '2027-02-04', STATUTORY), ['feedback_overdue']);
  assert.deepEqual(stagesDue({ ...acknowledged, feedback_on: '2027-01-02' }, '2027-02-04', STATUTORY), []);
});

for (const engine of engines()) {
  describe(`deadline reminders on ${engine}`, () => {
    let t: TestApp;
    const clock = manualClock(new Date());
    const options = () => ({ clock, timeZone: 'Europe/Berlin', policy: STATUTORY });
    let manager: Browser;
    let lead: Browser;
    let employee: Browser;
    const emails: Record<'manager' | 'lead' | 'employee', string> = { manager: '', lead: '', employee: '' };
    // Days pass between the steps: sessions time out, so everyone signs in again.
    const signInAll = async () => {
      manager = await signIn(t, emails.manager);
      lead = await signIn(t, emails.lead);
      employee = await signIn(t, emails.employee);
    };
    before(async () => {
      t = await buildTestApp(engine, { clock });
      emails.manager = (await createAccount(t, 'threat_manager')).email;
      emails.lead = (await createAccount(t, 'team_lead')).email;
      emails.employee = (await createAccount(t, 'reporter')).email;
      await signInAll();
    });
    after(() => t.close());

    const bell = async (b: Browser) =>
      ((await call(t, b, 'GET', '/api/notifications')).json() as NotificationList).notifications;

    test('the triage roles are reminded once per stage; a report in a case reminds its lead only', async () => {
      const received = dayIn(clock.now(), 'Europe/Berlin');
      const report = await submitSignedIn(t, employee);
      const inCase = await submitSignedIn(t, employee);
      const detail = await triageOf(t, manager, inCase.id);
      const opened = await call(t, manager, 'POST', `/api/triage/reports/${inCase.id}/case`, {
        expectedVersion: detail.version,
        title: 'Reminders',
      });
      assert.equal(opened.statusCode, 200, opened.body);

      clock.advance(5 * 86_400_000);
      await signInAll();
      const first = await sendReminders(t.database.db, options());
      assert.ok(first >= 3, `${first}`);
      assert.equal(await sendReminders(t.database.db, options()), 0);
      const reminded = (await bell(lead)).filter((n) => n.kind === 'deadline');
      assert.deepEqual(
        reminded.filter((n) => n.report?.id === report.id).map((n) => n.deadline),
        [{ stage: 'acknowledge_soon', by: addDays(received, 7) }],
      );
      // The case's report: its lead (the manager who opened it), not the other triage role.
      assert.ok(!reminded.some((n) => n.report?.id === inCase.id));
      assert.ok((await bell(manager)).some((n) => n.kind === 'deadline' && n.report?.id === inCase.id));
      assert.ok(!(await bell(employee)).some((n) => n.kind === 'deadline'));

      clock.advance(3 * 86_400_000);
      await signInAll();
      await sendReminders(t.database.db, options());
      const overdue = (await bell(lead)).filter((n) => n.report?.id === report.id).map((n) => n.deadline?.stage);
      assert.deepEqual(overdue.sort(), ['acknowledge_overdue', 'acknowledge_soon']);
    });
  });
}
