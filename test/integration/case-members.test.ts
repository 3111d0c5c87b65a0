import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { manualClock } from '../../src/server/platform/clock.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { grant, openCase } from '../support/cases.ts';
import { engines } from '../support/db.ts';
import { form, postForm } from '../support/documents.ts';

/**
 * Who works on a case (docs/cases.md): grants and their limits, step-up, hand-over, break-glass and
 * the access log, nobody giving themselves access, and a revocation that meets a write under way.
 * The case record: cases.test.ts; who reaches what: case-access-matrix.test.ts.
 */
const problem = (res: { json(): unknown }) => res.json() as { code: string; errors?: { path: string }[] };

for (const engine of engines()) {
  describe(`case members and break-glass on ${engine}`, () => {
    let t: TestApp;
    const clock = manualClock(new Date());
    let lead: Browser;
    let leadId: string;
    let colleague: { id: string; email: string };
    let expert: { id: string; email: string };
    let teamLead: Browser;
    let teamLeadId: string;
    before(async () => {
      t = await buildTestApp(engine, { clock });
      const l = await createAccount(t, 'threat_manager');
      leadId = l.id;
      lead = await signIn(t, l.email);
      await stepUp(t, lead);
      colleague = await createAccount(t, 'threat_manager');
      expert = await createAccount(t, 'expert');
      const tl = await createAccount(t, 'team_lead');
      teamLeadId = tl.id;
      teamLead = await signIn(t, tl.email);
      await stepUp(t, teamLead);
    });
    after(() => t.close());

    test('grants: a scope must name a section, an expiry must lie ahead and within the maximum, experts join as experts', async () => {
      const c = await openCase(t, lead);
      const url = `/api/cases/${c.id}/members`;
      const refused = async (body: object, path: string) => {
        const res = await call(t, lead, 'POST', url, body);
        assert.equal(res.statusCode, 400, res.body);
        assert.ok(
          problem(res).errors?.some((e) => e.path === `body.${path}` || e.path === path),
          `${JSON.stringify(body)}: ${res.body}`,
        );
      };
      await refused({ userId: colleague.id, role: 'member', fullScope: false, sections: [] }, 'sections');
      await refused({ userId: colleague.id, role: 'member', fullScope: false, sections: ['bogus'] }, 'sections.0');
      const past = new Date(clock.now().getTime() - 1000).toISOString();
      await refused({ userId: expert.id, role: 'expert', fullScope: true, expiresAt: past }, 'expiresAt');
      const far = new Date(clock.now().getTime() + 91 * 86_400_000).toISOString();
      await refused({ userId: expert.id, role: 'expert', fullScope: true, expiresAt: far }, 'expiresAt');
      await refused({ userId: expert.id, role: 'member', fullScope: true }, 'role');
      const admin = await createAccount(t, 'admin');
      await refused({ userId: admin.id, role: 'member', fullScope: true }, 'userId');

      await grant(t, lead, c.id, { userId: expert.id, role: 'expert', fullScope: false, sections: ['documents'] });
      const members = (await call(t, lead, 'GET', url)).json().members as { user: { id: string }; expiresAt: string }[];
      const row = members.find((m) => m.user.id === expert.id);
      const days = (Date.parse(row?.expiresAt ?? '') - clock.now().getTime()) / 86_400_000;
      assert.equal(Math.round(days), 30, 'an expert membership ends after 30 days unless chosen');
      const again = await call(t, lead, 'POST', url, { userId: expert.id, role: 'expert', fullScope: true });
      assert.equal(again.statusCode, 409);
      assert.equal(problem(again).code, 'already_member');
    });

    test('grants need a fresh step-up; the lead cannot be revoked or narrowed', async () => {
      const c = await openCase(t, lead);
      const fresh = await signIn(t, colleague.email);
      const other = await createAccount(t, 'threat_manager');
      await grant(t, lead, c.id, { userId: colleague.id, role: 'member', fullScope: true });
      // Signing in counts as a fresh confirmation; five minutes later it no longer does.
      clock.advance(5 * 60_000 + 1);
      const notLead = await call(t, fresh, 'POST', `/api/cases/${c.id}/members`, {
        userId: other.id,
        role: 'member',
        fullScope: true,
      });
      assert.equal(notLead.statusCode, 401, 'without a step-up the route asks for one first');
      assert.equal(problem(notLead).code, 'step_up_required');
      await stepUp(t, fresh);
      const stepped = await call(t, fresh, 'POST', `/api/cases/${c.id}/members`, {
        userId: other.id,
        role: 'member',
        fullScope: true,
      });
      assert.equal(stepped.statusCode, 404, 'a member who does not lead cannot grant');
      // The clock moved past everyone's confirmation: the lead and the team lead confirm again.
      await stepUp(t, lead);
      await stepUp(t, teamLead);
      const members = (await call(t, lead, 'GET', `/api/cases/${c.id}/members`)).json().members;
      const leadRow = members.find((m: { role: string }) => m.role === 'lead');
      const revoke = await call(
        t,
        lead,
        'DELETE',
        `/api/cases/${c.id}/members/${leadId}?expectedVersion=${leadRow.version}`,
      );
      assert.equal(revoke.statusCode, 409);
      assert.equal(problem(revoke).code, 'lead_cannot_leave');
      const narrow = await call(t, lead, 'PUT', `/api/cases/${c.id}/members/${leadId}`, {
        expectedVersion: leadRow.version,
        fullScope: false,
        sections: ['documents'],
      });
      assert.equal(narrow.statusCode, 409);
      assert.equal(problem(narrow).code, 'lead_scope');
    });

    test('hand-over: the lead passes to a colleague; a leaver’s memberships go to a successor', async () => {
      const c = await openCase(t, lead);
      const leaver = await createAccount(t, 'threat_manager');
      const transfer = await call(t, lead, 'POST', `/api/cases/${c.id}/lead`, {
        expectedVersion: c.version,
        userId: leaver.id,
      });
      assert.equal(transfer.statusCode, 204, transfer.body);
      const toExpert = await call(t, teamLead, 'POST', `/api/cases/${c.id}/lead`, {
        expectedVersion: c.version + 1,
        userId: expert.id,
      });
      assert.equal(toExpert.statusCode, 400, 'an expert cannot lead');
      const detail = (await call(t, lead, 'GET', `/api/cases/${c.id}`)).json();
      assert.equal(detail.lead.id, leaver.id);
      assert.equal(detail.access.role, 'member');

      // Leaving: the account is locked first; then a team lead hands everything to a successor.
      await t.database.db.updateTable('users').set({ status: 'locked' }).where('id', '=', leaver.id).execute();
      const successor = await createAccount(t, 'threat_manager');
      // The form's list: the leaver with their one case; the successor among those who may take it, the asker not.
      const offered = await call(t, teamLead, 'GET', '/api/case-memberships/handover');
      assert.equal(offered.statusCode, 200, offered.body);
      const handover = offered.json();
      assert.deepEqual(
        handover.leavers
          .filter((l: { user: { id: string } }) => l.user.id === leaver.id)
          .map((l: { cases: number }) => l.cases),
        [1],
      );
      const successorIds = handover.successors.map((s: { user: { id: string } }) => s.user.id);
      assert.ok(successorIds.includes(successor.id));
      assert.ok(!successorIds.includes(teamLeadId));
      assert.ok(!successorIds.includes(leaver.id));
      assert.equal((await call(t, lead, 'GET', '/api/case-memberships/handover')).statusCode, 404);
      const res = await call(t, teamLead, 'POST', `/api/users/${leaver.id}/case-memberships/reassign`, {
        toUserId: successor.id,
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { moved: 1, merged: 0, skipped: 0 });
      const after = (await call(t, lead, 'GET', `/api/cases/${c.id}`)).json();
      assert.equal(after.lead.id, successor.id);
      assert.equal(after.version, detail.version + 1, 'the hand-over takes a version of the case');
      const left = await t.database.db
        .selectFrom('case_members')
        .select('case_id')
        .where('user_id', '=', leaver.id)
        .execute();
      assert.deepEqual(left, []);
    });

    test('break-glass: a purpose and at most 8 hours; it ends on time; the lead reads its purpose in the access log', async () => {
      const c = await openCase(t, lead, { title: 'Confidential' });
      const url = `/api/cases/${c.id}/break-glass`;
      for (const body of [{}, { purpose: 'short' }, { purpose: 'a proper purpose', minutes: 481 }]) {
        const res = await call(t, teamLead, 'POST', url, body);
        assert.equal(res.statusCode, 400, JSON.stringify(body));
      }
      const before = (await call(t, teamLead, 'GET', `/api/cases/${c.id}`)).json();
      assert.equal(before.access.kind, 'list');
      assert.equal(before.overview, null);
      const opened = await call(t, teamLead, 'POST', url, { purpose: 'police asked for the file', minutes: 15 });
      assert.equal(opened.statusCode, 201, opened.body);
      const during = (await call(t, teamLead, 'GET', `/api/cases/${c.id}`)).json();
      assert.equal(during.access.kind, 'break_glass');
      assert.equal(during.overview.title, 'Confidential');
      const edit = await call(t, teamLead, 'PUT', `/api/cases/${c.id}`, {
        expectedVersion: during.version,
        title: 'changed',
        summary: '',
        tags: [],
      });
      assert.equal(edit.statusCode, 404, 'a break-glass reads and changes nothing');
      clock.advance(15 * 60_000 + 1);
      await stepUp(t, lead);
      await stepUp(t, teamLead);
      const ended = (await call(t, teamLead, 'GET', `/api/cases/${c.id}`)).json();
      assert.equal(ended.access.kind, 'list');
      assert.equal(ended.overview, null);

      const log = await call(t, lead, 'GET', `/api/cases/${c.id}/access-log`);
      assert.equal(log.statusCode, 200, log.body);
      const entries = log.json().entries as { action: string; actor: { id: string }; purpose: string | null }[];
      const glass = entries.find((e) => e.action === 'case.break_glass_started');
      assert.equal(glass?.purpose, 'police asked for the file');
      assert.equal(glass?.actor.id, teamLeadId);
      assert.ok(entries.some((e) => e.action === 'case.viewed' && e.actor.id === teamLeadId));
      const stored = await t.database.db
        .selectFrom('break_glass')
        .select('purpose_sealed')
        .where('case_id', '=', c.id)
        .executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(stored.purpose_sealed).includes('police'));
    });

    if (engine === 'postgres')
      test('a member revoked while their edit waits for the case is refused when it gets there', async () => {
        const c = await openCase(t, lead);
        const member = await signIn(t, colleague.email);
        await grant(t, lead, c.id, { userId: colleague.id, role: 'member', fullScope: true });
        const res = await t.database.db.transaction().execute(async (tx) => {
          // What a revocation does: the case row locked, the membership deleted, then commit.
          await tx.selectFrom('cases').select('id').where('id', '=', c.id).forUpdate().execute();
          const pending = call(t, member, 'PUT', `/api/cases/${c.id}`, {
            expectedVersion: c.version,
            title: 'written after the revocation',
            summary: '',
            tags: [],
          });
          await new Promise((resolve) => setTimeout(resolve, 300));
          await tx.deleteFrom('case_members').where('case_id', '=', c.id).where('user_id', '=', colleague.id).execute();
          // Wrapped: returning the promise itself would hold this transaction open until it settles.
          return { pending };
        });
        const answer = await res.pending;
        assert.equal(answer.statusCode, 404, answer.body);
        const now = (await call(t, lead, 'GET', `/api/cases/${c.id}`)).json();
        assert.equal(now.overview.title, 'Threats in the workshop');
      });

    if (engine === 'postgres')
      test('a member revoked while their document delete waits for the case is refused when it gets there', async () => {
        const c = await openCase(t, lead);
        const member = await signIn(t, colleague.email);
        await grant(t, lead, c.id, { userId: colleague.id, role: 'member', fullScope: true });
        const upload = await postForm(
          t,
          member,
          '/api/documents',
          form({ ownerType: 'case', ownerId: c.id }, { name: 'note.txt', content: Buffer.from('a note') }),
        );
        assert.equal(upload.statusCode, 201, upload.body);
        const document = upload.json() as { id: string; version: number };
        const res = await t.database.db.transaction().execute(async (tx) => {
          await tx.selectFrom('cases').select('id').where('id', '=', c.id).forUpdate().execute();
          const pending = call(
            t,
            member,
            'DELETE',
            `/api/documents/${document.id}?expectedVersion=${document.version}`,
          );
          await new Promise((resolve) => setTimeout(resolve, 300));
          await tx.deleteFrom('case_members').where('case_id', '=', c.id).where('user_id', '=', colleague.id).execute();
          return { pending };
        });
        const answer = await res.pending;
        assert.equal(answer.statusCode, 404, answer.body);
        const row = await t.database.db
          .selectFrom('documents')
          .select('deleted_at')
          .where('id', '=', document.id)
          .executeTakeFirstOrThrow();
        assert.equal(row.deleted_at, null, 'the document stays');
      });

    test('nobody gives themselves access: no self-grant, self-lead or hand-over to oneself without the whole case', async () => {
      const c = await openCase(t, lead);
      const selfGrant = await call(t, teamLead, 'POST', `/api/cases/${c.id}/members`, {
        userId: teamLeadId,
        role: 'member',
        fullScope: true,
      });
      assert.equal(selfGrant.statusCode, 409, selfGrant.body);
      assert.equal(problem(selfGrant).code, 'self_grant');
      // One's own id spelled in capitals is the same id to the database: refused, never granted.
      for (const [url, body] of [
        [`/api/cases/${c.id}/members`, { userId: teamLeadId.toUpperCase(), role: 'member', fullScope: true }],
        [`/api/users/${leadId}/case-memberships/reassign`, { toUserId: teamLeadId.toUpperCase() }],
        [`/api/cases/${c.id.toUpperCase()}`, undefined],
      ] as const) {
        const res = await call(t, teamLead, body === undefined ? 'GET' : 'POST', url, body);
        assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      }
      const selfLead = await call(t, teamLead, 'POST', `/api/cases/${c.id}/lead`, {
        expectedVersion: c.version,
        userId: teamLeadId,
      });
      assert.equal(selfLead.statusCode, 409, selfLead.body);
      assert.equal(problem(selfLead).code, 'self_grant');
      const still = (await call(t, teamLead, 'GET', `/api/cases/${c.id}`)).json();
      assert.equal(still.overview, null);
      assert.equal(still.access.kind, 'list');

      // The hand-over of a leaver: never to oneself, never of an account still at work.
      const toSelf = await call(t, teamLead, 'POST', `/api/users/${leadId}/case-memberships/reassign`, {
        toUserId: teamLeadId,
      });
      assert.equal(problem(toSelf).code, 'self_grant');
      const active = await call(t, teamLead, 'POST', `/api/users/${leadId}/case-memberships/reassign`, {
        toUserId: colleague.id,
      });
      assert.equal(active.statusCode, 409);
      assert.equal(problem(active).code, 'user_active');
      assert.equal((await call(t, lead, 'GET', `/api/cases/${c.id}`)).statusCode, 200, 'the lead keeps the case');
    });

    test('a team lead with some sections keeps writing them during a break-glass, and changes nothing else', async () => {
      const c = await openCase(t, lead);
      await grant(t, lead, c.id, { userId: teamLeadId, role: 'member', fullScope: false, sections: ['documents'] });
      const glass = await call(t, teamLead, 'POST', `/api/cases/${c.id}/break-glass`, { purpose: 'checking the file' });
      assert.equal(glass.statusCode, 201, glass.body);
      const detail = (await call(t, teamLead, 'GET', `/api/cases/${c.id}`)).json();
      assert.equal(detail.access.kind, 'break_glass');
      assert.ok(detail.overview !== null, 'the break-glass reads the whole case');
      const upload = await postForm(
        t,
        teamLead,
        '/api/documents',
        form({ ownerType: 'case', ownerId: c.id }, { name: 'minutes.txt', content: Buffer.from('minutes') }),
      );
      assert.equal(upload.statusCode, 201, upload.body);
      const edit = await call(t, teamLead, 'PUT', `/api/cases/${c.id}`, {
        expectedVersion: detail.version,
        title: 'x',
        summary: '',
        tags: [],
      });
      assert.equal(edit.statusCode, 404);
    });

    test('changing an expert’s scope keeps the end of their membership', async () => {
      const c = await openCase(t, lead);
      const end = new Date(clock.now().getTime() + 10 * 86_400_000).toISOString();
      await grant(t, lead, c.id, { userId: expert.id, role: 'expert', fullScope: true, expiresAt: end });
      const members = (await call(t, lead, 'GET', `/api/cases/${c.id}/members`)).json().members;
      const row = members.find((m: { user: { id: string } }) => m.user.id === expert.id);
      const change = await call(t, lead, 'PUT', `/api/cases/${c.id}/members/${expert.id}`, {
        expectedVersion: row.version,
        fullScope: false,
        sections: ['documents'],
      });
      assert.equal(change.statusCode, 204, change.body);
      const after = (await call(t, lead, 'GET', `/api/cases/${c.id}/members`)).json().members;
      const changed = after.find((m: { user: { id: string } }) => m.user.id === expert.id);
      assert.equal(changed.expiresAt, end);
      assert.deepEqual(changed.sections, ['documents']);
    });
  });
}
