import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { grant, openCase } from '../support/cases.ts';
import { engines } from '../support/db.ts';

/**
 * Persons of a case (docs/cases.md, "Persons"): pseudonyms, the sealed identity and its audited
 * reveal, relations, and conflicts of interest, declared and recognised.
 */
const IDENTITY = {
  name: 'Max Mustermann',
  dateOfBirth: '1979-04-02',
  employeeNumber: 'E-0042',
  orgUnit: 'Logistics',
  location: 'Hamburg',
  contact: '+49 40 1234567',
};

for (const engine of engines()) {
  describe(`persons on ${engine}`, () => {
    let t: TestApp;
    let lead: Browser;
    let caseId: string;
    before(async () => {
      t = await buildTestApp(engine);
      const l = await createAccount(t, 'threat_manager');
      lead = await signIn(t, l.email);
      await stepUp(t, lead);
      caseId = (await openCase(t, lead)).id;
    });
    after(() => t.close());

    const add = async (body: object) => {
      const res = await call(t, lead, 'POST', `/api/cases/${caseId}/persons`, body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json() as { id: string; pseudonym: string; version: number };
    };

    test('persons get stable pseudonyms; lists carry no identity; the stored identity is sealed', async () => {
      const a = await add({ role: 'person_of_concern', identity: IDENTITY, notes: '<i>angry</i> at the night shift' });
      const b = await add({ role: 'target' });
      assert.equal(a.pseudonym, 'A');
      assert.equal(b.pseudonym, 'B');
      const list = await call(t, lead, 'GET', `/api/cases/${caseId}/persons`);
      assert.equal(list.statusCode, 200);
      assert.ok(!list.body.includes('Mustermann'));
      assert.equal(list.json().persons[0].notes, '<i>angry</i> at the night shift');
      const row = await t.database.db
        .selectFrom('case_persons')
        .select(['identity_sealed', 'notes_sealed'])
        .where('id', '=', a.id)
        .executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(row.identity_sealed).includes('Mustermann'));
      const tokens = await t.database.db
        .selectFrom('person_tokens')
        .select('kind')
        .where('object_id', '=', a.id)
        .execute();
      assert.deepEqual(tokens.map((r) => r.kind).sort(), ['employee_number', 'name', 'name_birth', 'phone']);
      for (const bad of [
        { role: 'suspect' },
        { role: 'witness', identity: { dateOfBirth: '02.04.1979' } },
        { role: 'witness', identity: { name: 'tab\u0007' } },
        { role: 'witness', identity: { shoeSize: '44' } },
      ]) {
        const res = await call(t, lead, 'POST', `/api/cases/${caseId}/persons`, bad);
        assert.equal(res.statusCode, 400, JSON.stringify(bad));
      }
    });

    test('the identity shows only on a reveal, for the identities section, and each reveal is audited', async () => {
      const p = await add({ role: 'witness', identity: { ...IDENTITY, name: 'Erika Zeugin' } });
      const reveal = await call(t, lead, 'POST', `/api/cases/${caseId}/persons/${p.id}/reveal`);
      assert.equal(reveal.statusCode, 200, reveal.body);
      assert.equal(reveal.json().name, 'Erika Zeugin');
      const events = await t.database.db
        .selectFrom('audit_events')
        .select(['object_id', 'case_id'])
        .where('action', '=', 'person.revealed')
        .execute();
      assert.ok(events.some((e) => e.object_id === p.id && e.case_id === caseId));

      const helper = await createAccount(t, 'threat_manager');
      await grant(t, lead, caseId, { userId: helper.id, role: 'member', fullScope: false, sections: ['persons'] });
      const h = await signIn(t, helper.email);
      assert.equal((await call(t, h, 'GET', `/api/cases/${caseId}/persons`)).statusCode, 200);
      const refused = await call(t, h, 'POST', `/api/cases/${caseId}/persons/${p.id}/reveal`);
      assert.equal(refused.statusCode, 404, 'the persons section alone shows no identity');
      const identity = await call(t, h, 'PUT', `/api/cases/${caseId}/persons/${p.id}/identity`, {
        expectedVersion: p.version,
        identity: {},
      });
      assert.equal(identity.statusCode, 404);
    });

    test('a stale edit of a person gets 409', async () => {
      const p = await add({ role: 'reporter' });
      const first = await call(t, lead, 'PUT', `/api/cases/${caseId}/persons/${p.id}`, {
        expectedVersion: p.version,
        role: 'witness',
        notes: 'called twice',
      });
      assert.equal(first.statusCode, 200, first.body);
      const second = await call(t, lead, 'PUT', `/api/cases/${caseId}/persons/${p.id}/identity`, {
        expectedVersion: p.version,
        identity: { name: 'Late Edit' },
      });
      assert.equal(second.statusCode, 409);
      assert.equal(second.json().code, 'stale_version');
    });

    test('relations between persons of the case', async () => {
      const a = await add({ role: 'person_of_concern' });
      const b = await add({ role: 'target' });
      const rel = await call(t, lead, 'POST', `/api/cases/${caseId}/relations`, {
        from: a.id,
        to: b.id,
        kind: 'manager',
      });
      assert.equal(rel.statusCode, 201, rel.body);
      const self = await call(t, lead, 'POST', `/api/cases/${caseId}/relations`, {
        from: a.id,
        to: a.id,
        kind: 'other',
      });
      assert.equal(self.statusCode, 400);
      const list = (await call(t, lead, 'GET', `/api/cases/${caseId}/persons`)).json();
      assert.ok(
        list.relations.some((r: { from: string; to: string; kind: string }) => r.from === a.id && r.kind === 'manager'),
      );
      const removed = await call(t, lead, 'DELETE', `/api/cases/${caseId}/relations/${rel.json().id}`);
      assert.equal(removed.statusCode, 204);
    });

    test('recognition: an address recuses at once; a name alone, or a team lead, is only suspected until confirmed', async () => {
      const c = (await openCase(t, lead)).id;
      const jana = await createAccount(t, 'threat_manager', { displayName: 'Jana Beispiel' });
      const tom = await createAccount(t, 'threat_manager', { email: 'tom.related@example.com' });
      const tl = await createAccount(t, 'team_lead', { email: 'tl.related@example.com' });
      for (const id of [jana.id, tom.id]) await grant(t, lead, c, { userId: id, role: 'member', fullScope: true });
      const [j, tb, tlb] = await Promise.all([jana, tom, tl].map((a) => signIn(t, a.email)));
      const person = async (identity: object) => {
        const res = await call(t, lead, 'POST', `/api/cases/${c}/persons`, { role: 'person_of_concern', identity });
        assert.equal(res.statusCode, 201, res.body);
        return res.json().id as string;
      };
      const byName = await person({ name: 'BEISPIEL, Jana' });
      await person({ contact: 'Tom.Related@example.com' });
      await person({ contact: 'TL.Related@example.com' });
      assert.equal((await call(t, j, 'GET', `/api/cases/${c}`)).statusCode, 200, 'a namesake is only suspected');
      assert.equal((await call(t, tb, 'GET', `/api/cases/${c}`)).statusCode, 404, 'the same address recuses');
      assert.equal((await call(t, tb, 'GET', '/api/cases')).json().total, 0);
      assert.equal((await call(t, tlb, 'GET', `/api/cases/${c}`)).statusCode, 200, 'a team lead is only suspected');
      const list = (await call(t, lead, 'GET', `/api/cases/${c}/conflicts`)).json().conflicts;
      assert.deepEqual(
        list.map((x: { user: { id: string }; source: string; status: string }) => [x.user.id, x.source, x.status]),
        [
          [jana.id, 'recognised', 'suspected'],
          [tom.id, 'recognised', 'recused'],
          [tl.id, 'recognised', 'suspected'],
        ],
      );
      const regrant = await call(t, lead, 'POST', `/api/cases/${c}/members`, {
        userId: tom.id,
        role: 'member',
        fullScope: true,
      });
      assert.equal(regrant.statusCode, 409);
      assert.equal(regrant.json().code, 'recused');

      // The lead confirms the namesake; only a team lead may recuse a team lead.
      const confirm = await call(t, lead, 'POST', `/api/cases/${c}/persons/${byName}/conflicts`, { userId: jana.id });
      assert.equal(confirm.statusCode, 204, confirm.body);
      assert.equal((await call(t, j, 'GET', `/api/cases/${c}`)).statusCode, 404);
      const onTeamLead = await call(t, lead, 'POST', `/api/cases/${c}/persons/${byName}/conflicts`, { userId: tl.id });
      assert.equal(onTeamLead.statusCode, 409);
      assert.equal(onTeamLead.json().code, 'needs_team_lead');

      // A wrong one is lifted: the account can be granted again.
      const lift = await call(t, lead, 'DELETE', `/api/cases/${c}/persons/${byName}/conflicts/${jana.id}`);
      assert.equal(lift.statusCode, 204, lift.body);
      await grant(t, lead, c, { userId: jana.id, role: 'member', fullScope: true });
      assert.equal((await call(t, j, 'GET', `/api/cases/${c}`)).statusCode, 200);
      // The trail says an account was recused from the case, never as which person.
      const events = await t.database.db
        .selectFrom('audit_events')
        .select(['object_type', 'object_id', 'detail'])
        .where('action', '=', 'person.conflict_recorded')
        .where('case_id', '=', c)
        .execute();
      assert.ok(events.length >= 4);
      assert.ok(events.every((e) => e.object_type === 'user' && !JSON.stringify(e.detail).includes(byName)));
    });

    test('an account given a case role after the person was added is recognised too: by address recused, by name suspected', async () => {
      const c = (await openCase(t, lead)).id;
      for (const identity of [{ contact: 'Nora.Later@example.com' }, { name: 'Paul Später' }]) {
        const res = await call(t, lead, 'POST', `/api/cases/${c}/persons`, { role: 'target', identity });
        assert.equal(res.statusCode, 201, res.body);
      }
      const admin = await signIn(t, (await createAccount(t, 'admin')).email);
      await stepUp(t, admin);
      const approver = await signIn(t, (await createAccount(t, 'team_lead')).email);
      await stepUp(t, approver);
      const conflictsOf = async () => {
        const rows = await t.database.db
          .selectFrom('person_conflicts')
          .select(['user_id', 'source', 'status'])
          .where('case_id', '=', c)
          .execute();
        return new Map(rows.map((r) => [r.user_id, `${r.source} ${r.status}`]));
      };
      // Invited as a threat manager: the role waits for a team lead, and so does the comparison
      // (an administrator's invitation learns nothing of the cases).
      const invite = async (email: string, displayName: string) => {
        const res = await call(t, admin, 'POST', '/api/admin/users', {
          email,
          displayName,
          role: 'threat_manager',
          expertise: null,
        });
        assert.equal(res.statusCode, 201, res.body);
        return { id: res.json().user.id as string, approval: res.json().approvalId as string };
      };
      const nora = await invite('nora.later@example.com', 'Nora Later');
      const paul = await invite('p.spaeter@example.com', 'Paul Später');
      const unrelated = await invite('someone.else@example.com', 'Someone Else');
      assert.equal((await conflictsOf()).size, 0);
      for (const { approval } of [nora, paul, unrelated]) {
        const res = await call(t, approver, 'POST', `/api/approvals/${approval}/approve`);
        assert.equal(res.statusCode, 200, res.body);
      }
      const byUser = await conflictsOf();
      assert.equal(byUser.get(nora.id), 'recognised recused');
      assert.equal(byUser.get(paul.id), 'recognised suspected');
      assert.equal(byUser.has(unrelated.id), false);
      // The lead cannot grant the recused account; the event names the account, never the person.
      const grantNora = await call(t, lead, 'POST', `/api/cases/${c}/members`, {
        userId: nora.id,
        role: 'member',
        fullScope: true,
      });
      assert.equal(grantNora.json().code, 'recused');
      const event = await t.database.db
        .selectFrom('audit_events')
        .select(['object_type', 'actor_user_id'])
        .where('action', '=', 'person.conflict_recorded')
        .where('object_id', '=', nora.id)
        .executeTakeFirstOrThrow();
      assert.equal(event.object_type, 'user');
    });

    test('who a person is may be written only with the identities section', async () => {
      const helper = await createAccount(t, 'threat_manager');
      await grant(t, lead, caseId, { userId: helper.id, role: 'member', fullScope: false, sections: ['persons'] });
      const h = await signIn(t, helper.email);
      const named = await call(t, h, 'POST', `/api/cases/${caseId}/persons`, {
        role: 'witness',
        identity: { name: 'Someone Named' },
      });
      assert.equal(named.statusCode, 404);
      const unnamed = await call(t, h, 'POST', `/api/cases/${caseId}/persons`, { role: 'witness', notes: 'saw it' });
      assert.equal(unnamed.statusCode, 201, unnamed.body);
    });

    test('a member declares themself related and is recused at once', async () => {
      const c = (await openCase(t, lead)).id;
      const p = (await call(t, lead, 'POST', `/api/cases/${c}/persons`, { role: 'target' })).json();
      const m = await createAccount(t, 'threat_manager');
      await grant(t, lead, c, { userId: m.id, role: 'member', fullScope: true });
      const mb = await signIn(t, m.email);
      const declared = await call(t, mb, 'POST', `/api/cases/${c}/persons/${p.id}/conflicts`, { userId: m.id });
      assert.equal(declared.statusCode, 204, declared.body);
      assert.equal((await call(t, mb, 'GET', `/api/cases/${c}`)).statusCode, 404);
      const second = await createAccount(t, 'threat_manager');
      await grant(t, lead, c, { userId: second.id, role: 'member', fullScope: true });
      const sb = await signIn(t, second.email);
      const other = await createAccount(t, 'threat_manager');
      const byMember = await call(t, sb, 'POST', `/api/cases/${c}/persons/${p.id}/conflicts`, { userId: other.id });
      assert.equal(byMember.statusCode, 404, 'a member who does not lead recuses only themself');
      assert.equal((await call(t, sb, 'GET', `/api/cases/${c}`)).statusCode, 200);
    });
  });
}
