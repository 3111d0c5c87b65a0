import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ACTIVITY_SHOWN, type Dashboard } from '../../src/contract/dashboard.ts';
import { manualClock } from '../../src/server/platform/clock.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { grant, openCase } from '../support/cases.ts';
import { engines } from '../support/db.ts';
import { form, postForm } from '../support/documents.ts';
import { submitSignedIn } from '../support/reports.ts';

/**
 * The team's dashboard (docs/dashboard.md): reports and their deadlines for the triage roles, each
 * caller's own cases and what happened in them as their scope lets them see it, and for team leads
 * the cases without a lead and the ageing ones.
 */
const DAY = 86_400_000;

for (const engine of engines()) {
  describe(`dashboard on ${engine}`, () => {
    let t: TestApp;
    // The day of the company (Berlin): 2 November; the report is due to be acknowledged by the 9th.
    const clock = manualClock(new Date('2026-11-02T09:00:00Z'));
    let manager: Browser;
    let teamLead: Browser;
    let expert: Browser;
    let timelineOnly: Browser;
    const emails: Record<'manager' | 'teamLead' | 'expert' | 'timelineOnly', string> = {
      manager: '',
      teamLead: '',
      expert: '',
      timelineOnly: '',
    };
    /** Moves the clock past the sessions' timeouts, and signs everyone in again. */
    const later = async (ms: number) => {
      clock.advance(ms);
      manager = await signIn(t, emails.manager);
      teamLead = await signIn(t, emails.teamLead);
      expert = await signIn(t, emails.expert);
      timelineOnly = await signIn(t, emails.timelineOnly);
    };
    let timelineOnlyId: string;
    let caseId: string;
    let reference: string;
    before(async () => {
      t = await buildTestApp(engine, { clock, env: { TMA_TIME_ZONE: 'Europe/Berlin' } });
      emails.manager = (await createAccount(t, 'threat_manager')).email;
      manager = await signIn(t, emails.manager);
      await stepUp(t, manager);
      emails.teamLead = (await createAccount(t, 'team_lead')).email;
      teamLead = await signIn(t, emails.teamLead);
      emails.expert = (await createAccount(t, 'expert')).email;
      expert = await signIn(t, emails.expert);
      const tl = await createAccount(t, 'threat_manager');
      timelineOnlyId = tl.id;
      emails.timelineOnly = tl.email;
      timelineOnly = await signIn(t, tl.email);
      const opened = await openCase(t, manager, { title: 'Workshop threats' });
      caseId = opened.id;
      reference = opened.reference;
      await grant(t, manager, caseId, {
        userId: timelineOnlyId,
        role: 'member',
        fullScope: false,
        sections: ['timeline'],
      });
      const up = await postForm(
        t,
        manager,
        '/api/documents',
        form(
          { ownerType: 'case', ownerId: caseId },
          { name: 'memo.txt', content: Buffer.from('memo'), type: 'text/plain' },
        ),
      );
      assert.equal(up.statusCode, 201, up.body);
    });
    after(() => t.close());

    const dashboard = async (browser: Browser): Promise<Dashboard> => {
      const res = await call(t, browser, 'GET', '/api/dashboard');
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };

    test('a new report shows with its deadline, and turns overdue when the acknowledgement is late', async () => {
      const reporter = await signIn(t, (await createAccount(t, 'reporter')).email);
      const report = await submitSignedIn(t, reporter);
      const fresh = await dashboard(manager);
      assert.equal(fresh.today, '2026-11-02');
      const item = fresh.reports?.items.find((r) => r.id === report.id);
      assert.deepEqual(item && { next: item.next, by: item.by, state: item.state }, {
        next: 'acknowledge',
        by: '2026-11-09',
        state: 'in_time',
      });
      assert.equal(fresh.reports?.untriaged, 1);
      assert.equal(fresh.reports?.perWeek.at(-1)?.count, 1);
      await later(8 * DAY);
      const late = await dashboard(manager);
      assert.equal(late.reports?.items[0]?.state, 'overdue');
      assert.equal(late.reports?.overdue, 1);
      // Not the expert's to see: no reports part at all.
      assert.equal((await dashboard(expert)).reports, null);
    });

    test('my cases with priority and status, my load, and what happened in them', async () => {
      const mine = await dashboard(manager);
      assert.deepEqual(
        mine.myCases.map((c) => [c.reference, c.role, c.status, c.title]),
        [[reference, 'lead', 'intake', 'Workshop threats']],
      );
      assert.deepEqual(mine.myLoad.byStatus, [{ status: 'intake', count: 1 }]);
      const kinds = mine.activity.map((a) => a.kind);
      for (const kind of ['opened', 'grant', 'document_uploaded']) assert.ok(kinds.includes(kind as never), kind);
      assert.ok(mine.activity.every((a) => a.case.reference === reference));
      // A member whose scope holds the timeline only: no title, no grants, no documents.
      const theirs = await dashboard(timelineOnly);
      assert.equal(theirs.myCases[0]?.title, null);
      assert.deepEqual([...new Set(theirs.activity.map((a) => a.kind))], ['opened']);
      assert.equal(theirs.team, null);
      assert.ok(!JSON.stringify(theirs).includes('memo'));
    });

    test('team leads see the cases without a lead and the ageing ones, by reference only', async () => {
      const team = (await dashboard(teamLead)).team;
      assert.ok(team);
      assert.deepEqual(team.unled, []);
      // A lead whose membership went (here straight in the table, as no route leaves a case without one).
      const orphan = await openCase(t, manager, { title: 'Orphaned' });
      await t.database.db.deleteFrom('case_members').where('case_id', '=', orphan.id).execute();
      assert.deepEqual(
        (await dashboard(teamLead)).team?.unled.map((c) => [c.reference, c.lead]),
        [[orphan.reference, null]],
      );
      assert.deepEqual(
        team.ageing.map((c) => c.reference),
        [],
      );
      await later(31 * DAY);
      const aged = (await dashboard(teamLead)).team;
      assert.deepEqual(
        aged?.ageing.map((c) => [c.reference, c.idleDays >= 30]).sort(),
        [
          [orphan.reference, true],
          [reference, true],
        ].sort(),
      );
      assert.ok(!JSON.stringify(aged).includes('Workshop'));
      // A team lead recused from a case (related to one of its persons) meets it nowhere, here neither.
      const tlId = (await call(t, teamLead, 'GET', '/api/session')).json().user.id as string;
      await t.database.db
        .insertInto('person_conflicts')
        .values({
          person_id: (await call(t, manager, 'POST', `/api/cases/${caseId}/persons`, { role: 'witness' })).json().id,
          user_id: tlId,
          case_id: caseId,
          source: 'declared',
          declared_by: null,
          declared_at: new Date(),
          status: 'recused',
        })
        .execute();
      const recused = (await dashboard(teamLead)).team;
      assert.ok(!JSON.stringify(recused).includes(reference));
      assert.deepEqual(recused?.byStatus, [{ status: 'intake', count: 1 }]);
      assert.deepEqual(aged?.byStatus, [{ status: 'intake', count: 2 }]);
    });

    test('every read is an audit event; a role without case content gets 404', async () => {
      const events = await t.database.db
        .selectFrom('audit_events')
        .select('action')
        .where('action', '=', 'dashboard.viewed')
        .execute();
      assert.ok(events.length >= 5);
      const admin = await signIn(t, (await createAccount(t, 'admin')).email);
      assert.equal((await call(t, admin, 'GET', '/api/dashboard')).statusCode, 404);
    });

    test('the recent activity is the newest of all the caller’s cases, however they are spread', async () => {
      // More cases than the activity shows, opened a minute apart; then the oldest of them busy.
      const busy = await signIn(t, (await createAccount(t, 'threat_manager')).email);
      const ids: string[] = [];
      for (let i = 0; i < ACTIVITY_SHOWN + 2; i++) {
        clock.advance(60_000);
        ids.push((await openCase(t, busy)).id);
      }
      const shown = async () => (await dashboard(busy)).activity.map((a) => a.id);
      const newest = async () =>
        (
          await t.database.db
            .selectFrom('timeline_entries')
            .select('id')
            .where('case_id', 'in', ids)
            .orderBy('recorded_at', 'desc')
            .orderBy('id', 'desc')
            .limit(ACTIVITY_SHOWN)
            .execute()
        ).map((r) => r.id);
      assert.deepEqual(await shown(), await newest(), 'one entry from each case');
      for (let i = 0; i < ACTIVITY_SHOWN + 5; i++) {
        clock.advance(60_000);
        const note = await call(t, busy, 'POST', `/api/cases/${ids[0]}/timeline`, {
          kind: 'note',
          occurredOn: '2026-11-01',
          title: `Note ${i}`,
        });
        assert.equal(note.statusCode, 201, note.body);
        // Halfway, the newest are spread over the busy case and the newest of the others.
        if (i === ACTIVITY_SHOWN / 2) assert.deepEqual(await shown(), await newest(), 'spread');
      }
      assert.deepEqual(await shown(), await newest(), 'all from the busy case');
    });
  });
}
