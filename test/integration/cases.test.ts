import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/server/platform/clock.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { openCase } from '../support/cases.ts';
import { engines } from '../support/db.ts';

/**
 * The case record (docs/cases.md): reference numbers, editing with optimistic concurrency, the
 * status workflow, priority, search and the list (members and break-glass: case-members.test.ts).
 * Who reaches what: case-access-matrix.test.ts.
 */
const problem = (res: { json(): unknown }) => res.json() as { code: string; errors?: { path: string }[] };

for (const engine of engines()) {
  describe(`cases on ${engine}`, () => {
    let t: TestApp;
    const clock = manualClock(new Date());
    let lead: Browser;
    let leadId: string;
    let teamLead: Browser;
    before(async () => {
      t = await buildTestApp(engine, { clock });
      const l = await createAccount(t, 'threat_manager');
      leadId = l.id;
      lead = await signIn(t, l.email);
      await stepUp(t, lead);
      const tl = await createAccount(t, 'team_lead');
      teamLead = await signIn(t, tl.email);
      await stepUp(t, teamLead);
    });
    after(() => t.close());

    test('reference numbers count up per year without gaps; the creator leads', async () => {
      const a = await openCase(t, lead, { title: 'First' });
      const b = await openCase(t, lead, { title: 'Second' });
      const year = clock.now().getUTCFullYear();
      const n = Number(a.reference.slice(-4));
      assert.match(a.reference, new RegExp(`^TM-${year}-\\d{4}$`));
      assert.equal(b.reference, `TM-${year}-${String(n + 1).padStart(4, '0')}`);
      assert.equal(a.status, 'intake');
      assert.equal(a.lead?.id, leadId);
      assert.equal(a.access.role, 'lead');
      assert.deepEqual(a.overview, { title: 'First', summary: '', tags: [] });
    });

    test('texts are kept as typed (HTML too); control characters, unknown fields and duplicate tags are refused', async () => {
      const html = '<script>alert(1)</script><b>bold</b>';
      const c = await openCase(t, lead, { title: html, summary: `${html}\nline two`, tags: ['<i>x</i>'] });
      assert.equal(c.overview?.title, html);
      assert.equal(c.overview?.summary, `${html}\nline two`);
      for (const body of [
        { title: 'bell\u0007' },
        { title: '' },
        { title: 'x'.repeat(201) },
        { title: 'ok', tags: ['a', 'A'] },
        { title: 'ok', lead: leadId },
        { title: 'ok', summary: 'zero\u200bwidth' },
      ]) {
        const res = await call(t, lead, 'POST', '/api/cases', body);
        assert.equal(res.statusCode, 400, JSON.stringify(body));
        assert.equal(problem(res).code, 'validation_failed');
      }
    });

    test('a stale edit gets 409; of two concurrent edits of one version exactly one wins', async () => {
      const c = await openCase(t, lead);
      const edit = (title: string) =>
        call(t, lead, 'PUT', `/api/cases/${c.id}`, { expectedVersion: c.version, title, summary: 's', tags: ['t'] });
      const [x, y] = await Promise.all([edit('One'), edit('Two')]);
      assert.deepEqual([x.statusCode, y.statusCode].sort(), [200, 409]);
      const loser = x.statusCode === 409 ? x : y;
      // A version beyond what the database counts is a bad request, not a failure of the server.
      const huge = await call(t, lead, 'PUT', `/api/cases/${c.id}`, {
        expectedVersion: 1e30,
        title: 'x',
        summary: '',
        tags: [],
      });
      assert.equal(huge.statusCode, 400);
      assert.equal(problem(loser).code, 'stale_version');
      const now = (await call(t, lead, 'GET', `/api/cases/${c.id}`)).json();
      assert.equal(now.version, c.version + 1);
      assert.ok(['One', 'Two'].includes(now.overview.title));
    });

    test('the workflow: forward freely; back, closing and reopening with a reason; closing with a closure reason', async () => {
      const c = await openCase(t, lead);
      let version = c.version;
      const move = async (body: object, status = 200) => {
        const res = await call(t, lead, 'POST', `/api/cases/${c.id}/status`, { expectedVersion: version, ...body });
        assert.equal(res.statusCode, status, res.body);
        if (status === 200) version = res.json().version;
        return res;
      };
      await move({ status: 'assessment' });
      await move({ status: 'management' });
      const back = await move({ status: 'assessment' }, 400);
      assert.deepEqual(
        problem(back).errors?.map((e) => e.path),
        ['reason'],
      );
      await move({ status: 'assessment', reason: 'new facts' });
      const same = await move({ status: 'assessment', reason: 'again' }, 400);
      assert.deepEqual(
        problem(same).errors?.map((e) => e.path),
        ['status'],
      );
      const noClosure = await move({ status: 'closed', reason: 'done' }, 400);
      assert.deepEqual(
        problem(noClosure).errors?.map((e) => e.path),
        ['closureReason'],
      );
      const closed = await move({ status: 'closed', reason: 'settled', closureReason: 'resolved' });
      assert.equal(closed.json().closureReason, 'resolved');
      assert.ok(closed.json().closedAt);
      await move({ status: 'monitoring' }, 400);
      const reopened = await move({ status: 'monitoring', reason: 'he called again' });
      assert.equal(reopened.json().closureReason, null);
      assert.equal(reopened.json().closedAt, null);
      const changes = await t.database.db
        .selectFrom('case_status_changes')
        .select(['from_status', 'to_status', 'reason_sealed'])
        .where('case_id', '=', c.id)
        .orderBy('changed_at')
        .execute();
      assert.equal(changes.length, 6);
      assert.ok(changes.every((r) => r.reason_sealed === null || !Buffer.from(r.reason_sealed).includes('settled')));
    });

    test('priority by hand needs a reason; the change is audited without it', async () => {
      const c = await openCase(t, lead);
      const none = await call(t, lead, 'POST', `/api/cases/${c.id}/priority`, {
        expectedVersion: c.version,
        priority: 3,
        reason: '   ',
      });
      assert.equal(none.statusCode, 400);
      const set = await call(t, lead, 'POST', `/api/cases/${c.id}/priority`, {
        expectedVersion: c.version,
        priority: 3,
        reason: 'threat repeated in writing',
      });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal(set.json().priority, 3);
      const event = await t.database.db
        .selectFrom('audit_events')
        .select('detail')
        .where('action', '=', 'case.priority_changed')
        .where('case_id', '=', c.id)
        .executeTakeFirstOrThrow();
      // The change's row names where the reason is sealed; the reason itself never goes into the event.
      const change = await t.database.db
        .selectFrom('case_priority_changes')
        .select('id')
        .where('case_id', '=', c.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(event.detail, { from: null, to: 3, change: change.id });
      assert.ok(!JSON.stringify(event.detail).includes('threat repeated'));
    });

    test('search in the list: members find their cases by a word of the title; a team lead’s list-only reach finds none', async () => {
      const c = await openCase(t, lead, { title: 'Drohbrief im Lager', tags: ['Lagerhalle'] });
      const mine = await call(t, lead, 'GET', `/api/cases?q=${encodeURIComponent('drohbrief')}`);
      assert.equal(mine.statusCode, 200, mine.body);
      assert.deepEqual(
        mine.json().cases.map((x: { id: string }) => x.id),
        [c.id],
      );
      const theirs = await call(t, teamLead, 'GET', `/api/cases?q=${encodeURIComponent('drohbrief')}`);
      assert.deepEqual(theirs.json().cases, []);
      const all = await call(t, teamLead, 'GET', '/api/cases?limit=100');
      assert.ok(all.json().cases.some((x: { id: string; title: string | null }) => x.id === c.id && x.title === null));
    });

    test('HEAD on a case reads nothing and records nothing', async () => {
      const c = await openCase(t, lead);
      const count = async () =>
        (
          await t.database.db
            .selectFrom('audit_events')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .where('case_id', '=', c.id)
            .where('action', '=', 'case.viewed')
            .executeTakeFirstOrThrow()
        ).n;
      const before = await count();
      const head = await t.app.inject({
        method: 'HEAD',
        url: `/api/cases/${c.id}`,
        headers: { cookie: `__Host-tma=${lead.cookie}` },
      });
      assert.equal(head.statusCode, 404);
      assert.equal(await count(), before);
      assert.equal((await call(t, lead, 'GET', `/api/cases/${c.id}`)).statusCode, 200);
      assert.equal(Number(await count()), Number(before) + 1, 'a GET is recorded');
    });

    test('list filters and sorting', async () => {
      const c = await openCase(t, lead, { title: 'Filter me' });
      const res = await call(t, lead, 'POST', `/api/cases/${c.id}/priority`, {
        expectedVersion: c.version,
        priority: 4,
        reason: 'acute',
      });
      assert.equal(res.statusCode, 200);
      const acute = (await call(t, lead, 'GET', '/api/cases?priority=4')).json();
      assert.ok(acute.cases.every((x: { priority: number }) => x.priority === 4));
      assert.ok(acute.cases.some((x: { id: string }) => x.id === c.id));
      const byPriority = (await call(t, lead, 'GET', '/api/cases?sort=priority&order=desc')).json();
      assert.equal(byPriority.cases[0].priority, 4);
      const bad = await call(t, lead, 'GET', '/api/cases?sort=title');
      assert.equal(bad.statusCode, 400);
    });
  });
}
