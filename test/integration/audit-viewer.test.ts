import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { recordAudit } from '../../src/server/audit/record.ts';
import { type Browser, call, createAccount, ORIGIN, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { chainEverything } from '../support/audit.ts';
import { engines } from '../support/db.ts';

for (const engine of engines()) {
  describe(`audit viewer on ${engine}`, () => {
    let t: TestApp;
    let auditor: Browser;
    let auditorId: string;
    let managerId: string;
    before(async () => {
      t = await buildTestApp(engine);
      const a = await createAccount(t, 'auditor');
      auditorId = a.id;
      const m = await createAccount(t, 'threat_manager');
      managerId = m.id;
      await t.app.inject({
        method: 'POST',
        url: '/api/session',
        headers: { origin: ORIGIN },
        payload: { email: m.email, password: 'not the password at all' },
      });
      const manager = await signIn(t, m.email);
      // A signed-in user refused by a policy: recorded as access.denied.
      assert.equal((await call(t, manager, 'GET', '/api/audit/events')).statusCode, 404);
      auditor = await signIn(t, a.email);
    });
    after(() => t.close());

    test('the auditor sees sign-ins, failures and denials, with who and from where', async () => {
      const res = await call(t, auditor, 'GET', '/api/audit/events');
      assert.equal(res.statusCode, 200, res.body);
      const { events } = res.json() as {
        events: { action: string; outcome: string; actor: { id: string } | null; ip: string }[];
      };
      const of = (action: string) => events.filter((e) => e.action === action);
      assert.equal(of('session.sign_in_failed').length, 1);
      assert.equal(of('session.sign_in_failed')[0]?.outcome, 'failed');
      assert.equal(of('session.signed_in').length, 2);
      assert.equal(of('access.denied')[0]?.actor?.id, managerId);
      assert.equal(of('access.denied')[0]?.outcome, 'denied');
      assert.ok(events.every((e) => e.ip === '127.0.0.1'));
    });

    test('other roles get 404; nobody without a session reads the trail', async () => {
      for (const role of ['admin', 'team_lead', 'threat_manager', 'reporter', 'expert'] as const) {
        const b = await signIn(t, (await createAccount(t, role)).email);
        await stepUp(t, b);
        for (const [method, url] of [
          ['GET', '/api/audit/events'],
          ['GET', '/api/audit/events.csv'],
          ['GET', '/api/audit/status'],
          ['POST', '/api/audit/verify'],
          ['POST', '/api/audit/checkpoints'],
        ] as const) {
          assert.equal((await call(t, b, method, url)).statusCode, 404, `${role} ${method} ${url}`);
        }
      }
      assert.equal((await call(t, undefined, 'GET', '/api/audit/events')).statusCode, 401);
    });

    test('filters, and pages that follow on without gaps or repeats', async () => {
      for (let i = 0; i < 25; i++) {
        await recordAudit(t.database.db, new Date(Date.UTC(2026, 0, 1, 0, 0, i)), {
          action: 'user.locked',
          outcome: 'allowed',
          actorUserId: auditorId,
          object: { type: 'user', id: managerId },
        });
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const q: string = `/api/audit/events?action=user.locked&limit=10${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await call(t, auditor, 'GET', q);
        assert.equal(res.statusCode, 200, res.body);
        const page = res.json() as { events: { id: string; at: string }[]; next: string | null };
        seen.push(...page.events.map((e) => e.at));
        cursor = page.next;
      } while (cursor !== null);
      assert.equal(seen.length, 25);
      assert.equal(new Set(seen).size, 25);
      assert.deepEqual(seen, [...seen].sort().reverse());

      const ranged = await call(
        t,
        auditor,
        'GET',
        '/api/audit/events?action=user.locked&from=2026-01-01T00:00:10Z&to=2026-01-01T00:00:20Z',
      );
      assert.equal(ranged.json().events.length, 10);
      const byActor = await call(t, auditor, 'GET', `/api/audit/events?actor=${managerId}&outcome=denied`);
      assert.deepEqual(
        byActor.json().events.map((e: { action: string }) => e.action),
        ['access.denied'],
      );
    });

    test('bad filters get a clear 400: an inverted time range, an unknown field, a forged cursor', async () => {
      const inverted = await call(
        t,
        auditor,
        'GET',
        '/api/audit/events?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      );
      assert.equal(inverted.statusCode, 400);
      assert.match(inverted.body, /ends before it starts/);
      assert.equal((await call(t, auditor, 'GET', '/api/audit/events?sql=1')).statusCode, 400);
      const forged = await call(t, auditor, 'GET', '/api/audit/events?cursor=bm9wZQ');
      assert.equal(forged.statusCode, 400);
      assert.match(forged.body, /cursor/);
    });

    test('CSV export: needs a fresh step-up, neutralises formulas, and is itself recorded', async () => {
      await recordAudit(t.database.db, new Date(), {
        action: 'session.signed_in',
        outcome: 'allowed',
        actorUserId: managerId,
        ip: '127.0.0.1',
        userAgent: '=HYPERLINK("http://evil.example","click")',
      });
      // The sign-in was a step-up too; ten minutes later it no longer counts.
      await t.database.db
        .updateTable('sessions')
        .set({ step_up_at: new Date(Date.now() - 600_000) })
        .where('user_id', '=', auditorId)
        .execute();
      assert.equal((await call(t, auditor, 'GET', '/api/audit/events.csv')).json().code, 'step_up_required');
      await stepUp(t, auditor);
      const res = await call(t, auditor, 'GET', '/api/audit/events.csv?action=session.signed_in');
      assert.equal(res.statusCode, 200);
      assert.match(
        String(res.headers['content-disposition']),
        /^attachment; filename="tma-audit-\d{4}-\d{2}-\d{2}\.csv"$/,
      );
      assert.match(String(res.headers['content-type']), /^text\/csv/);
      const lines = res.body.trim().split('\r\n');
      assert.match(lines[0] ?? '', /^"id","seq","at",/);
      assert.ok(
        res.body.includes(`"'=HYPERLINK(""http://evil.example"",""click"")"`),
        'the formula is quoted, not live',
      );
      assert.ok(!/(^|,)"?=HYPERLINK/m.test(res.body));
      const exported = await call(t, auditor, 'GET', '/api/audit/events?action=audit.exported');
      const detail = exported.json().events[0]?.detail as { action: string; rows: number };
      assert.equal(detail.action, 'session.signed_in');
      assert.equal(detail.rows, lines.length - 1);
    });

    test('a 10,000-row export streams every row', async () => {
      await t.database.transaction(async (tx) => {
        for (let i = 0; i < 10_000; i += 1000) {
          await tx
            .insertInto('audit_events')
            .values(
              Array.from({ length: 1000 }, (_, j) => ({
                at: new Date(Date.UTC(2025, 0, 1) + (i + j) * 1000),
                action: 'session.step_up',
                outcome: 'allowed' as const,
                actor_user_id: managerId,
                detail: '{}',
              })),
            )
            .execute();
        }
      });
      await stepUp(t, auditor);
      const res = await call(t, auditor, 'GET', '/api/audit/events.csv?action=session.step_up&to=2026-01-01T00:00:00Z');
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['x-tma-rows'], '10000');
      assert.equal(res.body.trim().split('\r\n').length, 10_001);
    });

    test('verification through the API: intact, recorded, and remembered for the status', async () => {
      await chainEverything(t.database);
      const res = await call(t, auditor, 'POST', '/api/audit/verify');
      assert.equal(res.statusCode, 200, res.body);
      const v = res.json();
      assert.equal(v.ok, true, JSON.stringify(v.problems));
      assert.equal(v.unchained.count, 0);
      assert.ok(v.chain.length > 10_000);
      const checkpoint = await call(t, auditor, 'POST', '/api/audit/checkpoints');
      assert.equal(checkpoint.statusCode, 200);
      await chainEverything(t.database);
      const status = (await call(t, auditor, 'GET', '/api/audit/status')).json();
      assert.equal(status.lastVerification.ok, true);
      assert.equal(status.latestCheckpoint.seq, checkpoint.json().checkpoint.seq);
      assert.ok(status.actions.includes('session.signed_in'));
      const recorded = await call(t, auditor, 'GET', '/api/audit/events?action=audit.verified');
      assert.deepEqual(recorded.json().events[0]?.detail, { ok: true, problems: 0 });
    });
  });
}
