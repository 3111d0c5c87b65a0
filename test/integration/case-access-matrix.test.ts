import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { routeTable } from '../../src/server/platform/http/routes.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { grant, openCase } from '../support/cases.ts';
import { engines } from '../support/db.ts';
import { form, postForm } from '../support/documents.ts';
import { publishedModel, shippedModel } from '../support/models.ts';
import { ADMITS, type Ids, PROBES, type Probe, RELATIONS, type Relation } from './case-access-probes.ts';

/**
 * Need-to-know per case (SECURITY.md items 2, 3 and 5), generated from the route table: every
 * case route × every relation a user can have to the case, admitted or answered 404 exactly as
 * the table in case-access-probes.ts says.
 */
for (const engine of engines()) {
  describe(`need-to-know per case on ${engine}`, () => {
    let t: TestApp;
    const browsers = new Map<Relation, Browser>();
    let ids: Ids;
    before(async () => {
      t = await buildTestApp(engine);
      const users = new Map<Relation, string>();
      for (const { relation, role } of RELATIONS) {
        const account = await createAccount(t, role);
        users.set(relation, account.id);
        const browser = await signIn(t, account.email);
        await stepUp(t, browser);
        browsers.set(relation, browser);
      }
      const lead = browsers.get('lead') as Browser;
      const opened = await openCase(t, lead);
      const caseId = opened.id;
      const id = (r: Relation) => users.get(r) as string;
      await grant(t, lead, caseId, { userId: id('member'), role: 'member', fullScope: true });
      await grant(t, lead, caseId, {
        userId: id('out_of_scope_member'),
        role: 'member',
        fullScope: false,
        sections: ['timeline'],
      });
      await grant(t, lead, caseId, {
        userId: id('documents_expert'),
        role: 'expert',
        fullScope: false,
        sections: ['documents'],
      });
      await grant(t, lead, caseId, { userId: id('expired_expert'), role: 'expert', fullScope: true });
      await t.database.db
        .updateTable('case_members')
        .set({ expires_at: new Date(Date.now() - 60_000) })
        .where('user_id', '=', id('expired_expert'))
        .execute();
      // A member whose account became an administrator's: the row stays, the reach does not.
      await t.database.db
        .insertInto('case_members')
        .values({
          case_id: caseId,
          user_id: id('former_member_now_admin'),
          role: 'member',
          full_scope: true,
          sections: [],
          expires_at: null,
          granted_by: id('lead'),
          granted_at: new Date(),
        })
        .execute();
      const glass = await call(t, browsers.get('break_glass'), 'POST', `/api/cases/${caseId}/break-glass`, {
        purpose: 'urgent call from site security',
      });
      assert.equal(glass.statusCode, 201, glass.body);
      const person = async (role: string) => {
        const res = await call(t, lead, 'POST', `/api/cases/${caseId}/persons`, { role });
        assert.equal(res.statusCode, 201, res.body);
        return res.json().id as string;
      };
      const personId = await person('person_of_concern');
      const otherPersonId = await person('target');
      const entry = await call(t, lead, 'POST', `/api/cases/${caseId}/timeline`, {
        kind: 'note',
        occurredOn: '2026-01-01',
        title: 'A note',
      });
      assert.equal(entry.statusCode, 201, entry.body);
      const model = await publishedModel(
        t,
        browsers.get('former_member_now_admin') as Browser,
        browsers.get('team_lead') as Browser,
        shippedModel('external-instrument-result'),
      );
      const assessment = await call(t, lead, 'POST', `/api/cases/${caseId}/assessments`, { model, kind: 'single' });
      assert.equal(assessment.statusCode, 201, assessment.body);
      const assessmentId = assessment.json().id as string;
      const judged = await call(t, lead, 'PUT', `/api/cases/${caseId}/assessments/${assessmentId}`, {
        expectedVersion: 1,
        judgments: { priority: { value: 'low', rationale: 'A probe' } },
      });
      assert.equal(judged.statusCode, 200, judged.body);
      const finalised = await call(t, lead, 'POST', `/api/cases/${caseId}/assessments/${assessmentId}/finalise`, {
        expectedVersion: 2,
      });
      assert.equal(finalised.statusCode, 200, finalised.body);
      // A team lead related to the person of concern: recused, whatever a team lead sees otherwise
      // (only a team lead who reads the whole case recuses another team lead).
      const recusal = await call(
        t,
        browsers.get('break_glass'),
        'POST',
        `/api/cases/${caseId}/persons/${personId}/conflicts`,
        {
          userId: id('recused_team_lead'),
        },
      );
      assert.equal(recusal.statusCode, 204, recusal.body);
      ids = {
        caseId,
        reference: opened.reference,
        leadId: id('lead'),
        memberId: id('member'),
        adminId: id('former_member_now_admin'),
        personId,
        otherPersonId,
        entryId: entry.json().id,
        assessmentId,
        conflicted: async () => {
          const other = await createAccount(t, 'threat_manager');
          const res = await call(t, lead, 'POST', `/api/cases/${caseId}/persons/${personId}/conflicts`, {
            userId: other.id,
          });
          assert.equal(res.statusCode, 204, res.body);
          return other.id;
        },
        linked: async () => {
          const other = await openCase(t, lead, { title: 'A related case' });
          await grant(t, lead, other.id, { userId: id('member'), role: 'member', fullScope: true });
          const res = await call(t, lead, 'POST', `/api/cases/${caseId}/links`, { reference: other.reference });
          assert.equal(res.statusCode, 204, res.body);
          // Closed, so that the list's test (of open cases) counts the case under test alone.
          const closed = await call(t, lead, 'POST', `/api/cases/${other.id}/status`, {
            expectedVersion: other.version,
            status: 'closed',
            reason: 'only a probe',
            closureReason: 'other',
          });
          assert.equal(closed.statusCode, 200, closed.body);
          return other.id;
        },
        relation: async () => {
          const res = await call(t, lead, 'POST', `/api/cases/${caseId}/relations`, {
            from: otherPersonId,
            to: personId,
            kind: 'other',
          });
          assert.equal(res.statusCode, 201, res.body);
          return res.json().id as string;
        },
      };
    });
    after(() => t.close());

    const caseRoutes = () => routeTable(t.app).filter((r) => r.url.startsWith('/api/cases/:id') && r.method !== 'HEAD');

    test('every case route has a probe', () => {
      const routes = caseRoutes().map((r) => `${r.method} ${r.url}`);
      assert.ok(routes.length >= 12);
      for (const route of routes) assert.ok(route in PROBES, `${route} has no probe in the matrix`);
    });

    test('every relation × every case route: admitted as the table says, 404 otherwise', async () => {
      // Ending one's own break-glass goes last: it ends the break-glass relation's reach.
      const routes = caseRoutes().sort(
        (a, b) => Number(a.url.endsWith('break-glass')) - Number(b.url.endsWith('break-glass')),
      );
      for (const route of routes) {
        const key = `${route.method} ${route.url}`;
        const probe = PROBES[key] as Probe;
        for (const { relation } of RELATIONS) {
          const url = (await probe.path?.(ids)) ?? route.url.replace(':id', ids.caseId);
          const res = await call(t, browsers.get(relation), route.method as 'GET', url, probe.body?.(ids));
          const admitted = (ADMITS[probe.need] as readonly Relation[]).includes(relation);
          assert.equal(res.statusCode, admitted ? probe.status : 404, `${relation} ${key}: ${res.body}`);
          // A break-glass started by the probe ends at once, so the next route sees the same reach.
          if (key === 'POST /api/cases/:id/break-glass' && admitted) {
            const end = await call(t, browsers.get(relation), 'DELETE', `/api/cases/${ids.caseId}/break-glass`);
            assert.equal(end.statusCode, 204);
          }
        }
      }
    });

    test('the case itself: title and summary only for a whole scope or a break-glass; out of scope, nothing', async () => {
      const glass = await call(t, browsers.get('break_glass'), 'POST', `/api/cases/${ids.caseId}/break-glass`, {
        purpose: 'second look at the file',
      });
      assert.equal(glass.statusCode, 201, glass.body);
      const overviews: Partial<Record<Relation, boolean>> = {};
      for (const relation of ADMITS.entry as Relation[]) {
        const res = await call(t, browsers.get(relation), 'GET', `/api/cases/${ids.caseId}`);
        assert.equal(res.statusCode, 200, `${relation}: ${res.body}`);
        overviews[relation] = res.json().overview !== null;
      }
      assert.deepEqual(overviews, {
        lead: true,
        member: true,
        out_of_scope_member: false,
        documents_expert: false,
        team_lead: false,
        break_glass: true,
      });
    });

    test('documents of the case: the documents scope reads and writes them; a break-glass reads them', async () => {
      for (const { relation } of RELATIONS) {
        const browser = browsers.get(relation);
        const list = await call(t, browser, 'GET', `/api/documents?ownerType=case&ownerId=${ids.caseId}`);
        const reads = (ADMITS.documents_read as readonly Relation[]).includes(relation);
        assert.equal(list.statusCode, reads ? 200 : 404, `${relation} lists: ${list.body}`);
        const upload = await postForm(
          t,
          browser,
          '/api/documents',
          form({ ownerType: 'case', ownerId: ids.caseId }, { name: 'note.txt', content: Buffer.from('a note') }),
        );
        const writes = (ADMITS.documents_write as readonly Relation[]).includes(relation);
        assert.equal(upload.statusCode, writes ? 201 : 404, `${relation} uploads: ${upload.body}`);
      }
    });

    test('the list: members see their cases, a team lead every case without its title, others none', async () => {
      const expected: Partial<Record<Relation, { count: number; title: boolean } | 404>> = {
        lead: { count: 1, title: true },
        member: { count: 1, title: true },
        out_of_scope_member: { count: 1, title: false },
        documents_expert: { count: 1, title: false },
        expired_expert: { count: 0, title: false },
        non_member: { count: 0, title: false },
        team_lead: { count: 1, title: false },
        recused_team_lead: { count: 0, title: false },
        former_member_now_admin: 404,
        auditor: 404,
        reporter: 404,
      };
      for (const [relation, want] of Object.entries(expected)) {
        const res = await call(t, browsers.get(relation as Relation), 'GET', '/api/cases?status=intake');
        if (want === 404) {
          assert.equal(res.statusCode, 404, relation);
          continue;
        }
        assert.equal(res.statusCode, 200, `${relation}: ${res.body}`);
        const { cases, total } = res.json();
        assert.equal(total, want.count, relation);
        assert.equal(cases.length, want.count, relation);
        if (want.count > 0) assert.equal(cases[0].title !== null, want.title, `${relation} title`);
      }
    });

    test('a revoked member is refused at their very next request', async () => {
      const member = browsers.get('member') as Browser;
      const before = await call(t, member, 'GET', `/api/cases/${ids.caseId}`);
      assert.equal(before.statusCode, 200);
      const members = (await call(t, browsers.get('lead'), 'GET', `/api/cases/${ids.caseId}/members`)).json().members;
      const row = members.find((m: { user: { id: string } }) => m.user.id === ids.memberId);
      const revoke = await call(
        t,
        browsers.get('lead'),
        'DELETE',
        `/api/cases/${ids.caseId}/members/${ids.memberId}?expectedVersion=${row.version}`,
      );
      assert.equal(revoke.statusCode, 204, revoke.body);
      const afterRevoke = await call(t, member, 'GET', `/api/cases/${ids.caseId}`);
      assert.equal(afterRevoke.statusCode, 404);
      const list = await call(t, member, 'GET', '/api/cases?status=intake');
      assert.equal(list.json().total, 0);
    });
  });
}
