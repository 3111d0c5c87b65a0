import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CaseDetail } from '../../src/contract/cases.ts';
import { sealedKeyId } from '../../src/server/platform/crypto/sealed-field.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { grant, openCase, relatedOf } from '../support/cases.ts';
import { engines } from '../support/db.ts';
import { form, postForm } from '../support/documents.ts';

/**
 * Merging a duplicate case into another (docs/cases.md, "Linking and merging"): who may, what
 * moves (persons, documents, members, links), sealed again under the target's key, who is left
 * out or revoked for a conflict of interest, the audited record of what moved, and the duplicate
 * as a closed record that changes no more.
 */
const IDENTITY = {
  name: 'Erika Beispiel',
  dateOfBirth: '1983-11-05',
  employeeNumber: 'E-7781',
  orgUnit: 'Warehouse',
  location: 'Bremen',
  contact: 'erika.beispiel@example.org',
};

const keyIdOf = async (t: TestApp, caseId: string) =>
  (
    await t.database.db
      .selectFrom('data_keys')
      .select('id')
      .where('purpose', '=', 'case')
      .where('owner_id', '=', caseId)
      .executeTakeFirstOrThrow()
  ).id;

for (const engine of engines()) {
  describe(`merged cases on ${engine}`, () => {
    let t: TestApp;
    let lead: Browser;
    let member: Browser;
    let memberId: string;
    before(async () => {
      t = await buildTestApp(engine);
      const l = await createAccount(t, 'threat_manager');
      lead = await signIn(t, l.email);
      await stepUp(t, lead);
      const m = await createAccount(t, 'threat_manager');
      memberId = m.id;
      member = await signIn(t, m.email);
    });
    after(() => t.close());

    const related = (browser: Browser, caseId: string) => relatedOf(t, browser, caseId);

    test('a merge moves persons, documents, members and links, sealed again under the target’s key', async () => {
      const target = await openCase(t, lead, { title: 'Threats against the shift lead' });
      const source = await openCase(t, lead, { title: 'Duplicate: threats against the shift lead' });
      const elsewhere = await openCase(t, lead, { title: 'Graffiti in the car park' });
      const addPerson = async (caseId: string, body: object) => {
        const res = await call(t, lead, 'POST', `/api/cases/${caseId}/persons`, body);
        assert.equal(res.statusCode, 201, res.body);
        return res.json() as { id: string; pseudonym: string };
      };
      await addPerson(target.id, { role: 'target' });
      const concern = await addPerson(source.id, { role: 'person_of_concern', identity: IDENTITY, notes: 'n' });
      const witness = await addPerson(source.id, { role: 'witness' });
      const relation = await call(t, lead, 'POST', `/api/cases/${source.id}/relations`, {
        from: concern.id,
        to: witness.id,
        kind: 'colleague',
      });
      assert.equal(relation.statusCode, 201, relation.body);
      // An account related to the person of concern: recused from the duplicate, and from the target once merged.
      const related1 = await createAccount(t, 'threat_manager');
      const declared = await call(t, lead, 'POST', `/api/cases/${source.id}/persons/${concern.id}/conflicts`, {
        userId: related1.id,
      });
      assert.equal(declared.statusCode, 204, declared.body);
      const upload = await postForm(
        t,
        lead,
        '/api/documents',
        form(
          { ownerType: 'case', ownerId: source.id },
          { name: 'Gesprächsnotiz.txt', content: Buffer.from('notes of the talk') },
        ),
      );
      assert.equal(upload.statusCode, 201, upload.body);
      const documentId = upload.json().id as string;
      await grant(t, lead, source.id, { userId: memberId, role: 'member', fullScope: true });
      // A member of the duplicate related to a person of the target: left out of the target.
      const targetPerson = (await call(t, lead, 'GET', `/api/cases/${target.id}/persons`)).json().persons[0].id;
      const leftOut = await createAccount(t, 'threat_manager');
      await grant(t, lead, source.id, { userId: leftOut.id, role: 'member', fullScope: true });
      const leftOutConflict = await call(t, lead, 'POST', `/api/cases/${target.id}/persons/${targetPerson}/conflicts`, {
        userId: leftOut.id,
      });
      assert.equal(leftOutConflict.statusCode, 204, leftOutConflict.body);
      // A member of the target related to a person of the duplicate: recused once that person moves in.
      const movedOut = await createAccount(t, 'threat_manager');
      await grant(t, lead, target.id, { userId: movedOut.id, role: 'member', fullScope: true });
      const movedOutConflict = await call(t, lead, 'POST', `/api/cases/${source.id}/persons/${witness.id}/conflicts`, {
        userId: movedOut.id,
      });
      assert.equal(movedOutConflict.statusCode, 204, movedOutConflict.body);
      // A team lead with the whole duplicate but only the target's list entry: refused on the target's side.
      const tlMember = await createAccount(t, 'team_lead');
      await grant(t, lead, source.id, { userId: tlMember.id, role: 'member', fullScope: true });
      const tlBrowser = await signIn(t, tlMember.email);
      await stepUp(t, tlBrowser);
      const link = await call(t, lead, 'POST', `/api/cases/${source.id}/links`, { reference: elsewhere.reference });
      assert.equal(link.statusCode, 204);
      const sourceNow = (await call(t, lead, 'GET', `/api/cases/${source.id}`)).json() as CaseDetail;

      const bad: [object, number, string][] = [
        [{ into: source.reference, reason: 'same', expectedVersion: sourceNow.version }, 400, 'merge_into_itself'],
        [{ into: target.reference, reason: 'dup', expectedVersion: sourceNow.version + 1 }, 409, 'stale_version'],
        [{ into: target.reference, reason: '  ', expectedVersion: sourceNow.version }, 400, 'validation_failed'],
      ];
      for (const [body, status, code] of bad) {
        const res = await call(t, lead, 'POST', `/api/cases/${source.id}/merge`, body);
        assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
        assert.equal(res.json().code, code);
      }
      // A member, not the lead: the merge is refused as if the case did not exist.
      await stepUp(t, member);
      const byMember = await call(t, member, 'POST', `/api/cases/${source.id}/merge`, {
        into: target.reference,
        reason: 'dup',
        expectedVersion: sourceNow.version,
      });
      assert.equal(byMember.statusCode, 404);
      const byTeamLead = await call(t, tlBrowser, 'POST', `/api/cases/${source.id}/merge`, {
        into: target.reference,
        reason: 'dup',
        expectedVersion: sourceNow.version,
      });
      assert.equal(byTeamLead.statusCode, 404, byTeamLead.body);
      const refusedOn = await t.database.db
        .selectFrom('audit_events')
        .select(['case_id', 'detail'])
        .where('action', '=', 'case.denied')
        .where('actor_user_id', '=', tlMember.id)
        .execute();
      assert.deepEqual(
        refusedOn.map((r) => [r.case_id, (r.detail as { access: string }).access]),
        [[target.id, 'write']],
        'the refusal is the target’s, and a write',
      );

      const merged = await call(t, lead, 'POST', `/api/cases/${source.id}/merge`, {
        into: target.reference,
        reason: 'Same incident, reported twice',
        expectedVersion: sourceNow.version,
      });
      assert.equal(merged.statusCode, 200, merged.body);
      assert.deepEqual(merged.json(), { id: target.id, reference: target.reference });

      // The duplicate: closed as merged, pointing to the target, changing nothing any more.
      const after = (await call(t, lead, 'GET', `/api/cases/${source.id}`)).json() as CaseDetail;
      assert.equal(after.status, 'closed');
      assert.equal(after.closureReason, 'merged');
      assert.deepEqual(after.mergedInto, { id: target.id, reference: target.reference });
      assert.equal(after.access.canEdit, false);
      const again = await call(t, lead, 'POST', `/api/cases/${source.id}/merge`, {
        into: target.reference,
        reason: 'again',
        expectedVersion: after.version,
      });
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().code, 'already_merged');
      // Nobody joins a merged case or changes their place in it; members may still be removed.
      const joins = await call(t, lead, 'POST', `/api/cases/${source.id}/members`, {
        userId: leftOut.id,
        role: 'member',
        fullScope: true,
      });
      assert.equal(joins.statusCode, 409, joins.body);
      assert.equal(joins.json().code, 'case_merged');
      const sourceRoster = (await call(t, lead, 'GET', `/api/cases/${source.id}/members`)).json().members as {
        user: { id: string };
        version: number;
      }[];
      const stays = sourceRoster.find((m) => m.user.id === memberId);
      assert.ok(stays);
      const removed = await call(
        t,
        lead,
        'DELETE',
        `/api/cases/${source.id}/members/${memberId}?expectedVersion=${stays.version}`,
      );
      assert.equal(removed.statusCode, 204, removed.body);
      const reopen = await call(t, lead, 'POST', `/api/cases/${source.id}/status`, {
        expectedVersion: after.version,
        status: 'intake',
        reason: 'try',
      });
      assert.equal(reopen.statusCode, 404);
      const intoMerged = await call(t, lead, 'POST', `/api/cases/${elsewhere.id}/merge`, {
        into: source.reference,
        reason: 'no',
        expectedVersion: elsewhere.version + 1,
      });
      assert.equal(intoMerged.json().code, 'already_merged');

      // The persons, numbered on after the target's own, with their relation; sealed under the target's key.
      const persons = (await call(t, lead, 'GET', `/api/cases/${target.id}/persons`)).json();
      assert.deepEqual(
        persons.persons.map((p: { pseudonym: string }) => p.pseudonym),
        ['A', 'B', 'C'],
      );
      assert.equal(persons.relations.length, 1);
      assert.equal((await call(t, lead, 'GET', `/api/cases/${source.id}/persons`)).json().persons.length, 0);
      const targetKey = await keyIdOf(t, target.id);
      const row = await t.database.db
        .selectFrom('case_persons')
        .select(['identity_sealed', 'notes_sealed'])
        .where('id', '=', concern.id)
        .executeTakeFirstOrThrow();
      assert.equal(sealedKeyId(row.identity_sealed), targetKey);
      assert.equal(sealedKeyId(row.notes_sealed), targetKey);
      const reveal = await call(t, lead, 'POST', `/api/cases/${target.id}/persons/${concern.id}/reveal`);
      assert.equal(reveal.statusCode, 200, reveal.body);
      assert.equal(reveal.json().name, IDENTITY.name);
      const tokens = await t.database.db
        .selectFrom('person_tokens')
        .select('scope_id')
        .where('object_id', '=', concern.id)
        .execute();
      assert.ok(tokens.length > 0 && tokens.every((r) => r.scope_id === target.id));

      // The document: its key wrapped under the target's key, readable there, found by name there only.
      const content = await call(t, lead, 'GET', `/api/documents/${documentId}/versions/1/content`);
      assert.equal(content.statusCode, 200, content.body);
      assert.equal(content.body, 'notes of the talk');
      const docs = await call(t, lead, 'GET', `/api/documents?ownerType=case&ownerId=${target.id}`);
      assert.deepEqual(
        docs.json().documents.map((d: { id: string }) => d.id),
        [documentId],
      );
      const entries = await t.database.db
        .selectFrom('search_entries')
        .select(['scope_id'])
        .where('object_id', '=', documentId)
        .execute();
      assert.deepEqual(
        entries.map((e) => e.scope_id),
        [target.id],
      );

      // The member joined the target; the related accounts are not (or no longer) members of it.
      const roster = (await call(t, lead, 'GET', `/api/cases/${target.id}/members`)).json();
      const rosterIds = roster.members.map((m: { user: { id: string } }) => m.user.id);
      assert.ok(rosterIds.includes(memberId));
      assert.ok(rosterIds.includes(tlMember.id));
      assert.ok(!rosterIds.includes(leftOut.id), 'recused from the target: left out');
      assert.ok(!rosterIds.includes(movedOut.id), 'recused by a conflict that moved in: revoked');
      const revoked = await t.database.db
        .selectFrom('audit_events')
        .select('detail')
        .where('action', '=', 'case.member_revoked')
        .where('case_id', '=', target.id)
        .execute();
      assert.ok(revoked.some((r) => (r.detail as { user: string }).user === movedOut.id));
      const related1Browser = await signIn(t, related1.email);
      assert.equal((await call(t, related1Browser, 'GET', `/api/cases/${target.id}`)).statusCode, 404);

      // The link moved; the record names what moved, and both trails hold the merge.
      const record = await related(lead, target.id);
      assert.deepEqual(
        record.links.map((l) => l.reference),
        [elsewhere.reference],
      );
      const [merge] = record.merges;
      assert.ok(merge);
      assert.equal(merge.source.reference, source.reference);
      assert.equal(merge.reason, 'Same incident, reported twice');
      assert.deepEqual(
        merge.persons.map((p) => [p.from, p.to]),
        [
          ['A', 'B'],
          ['B', 'C'],
        ],
      );
      assert.equal(merge.documents, 1);
      assert.deepEqual(merge.members.map((m) => m.id).sort(), [memberId, tlMember.id].sort());
      assert.deepEqual(
        merge.recused.map((m) => m.id),
        [leftOut.id],
      );
      // A member who does not oversee conflicts reads the record without who was left out for one.
      const asMember = (await related(member, target.id)).merges[0];
      assert.deepEqual(asMember?.recused, []);
      assert.equal(merge.links, 1);
      const events = await t.database.db
        .selectFrom('audit_events')
        .select(['action', 'case_id', 'detail'])
        .where('action', 'in', ['case.merged', 'case.merged_into'])
        .execute();
      assert.deepEqual(events.map((e) => [e.action, e.case_id]).sort(), [
        ['case.merged', target.id],
        ['case.merged_into', source.id],
      ]);
      const stored = await t.database.db
        .selectFrom('case_merges')
        .select(['reason_sealed', 'manifest_sealed'])
        .executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(stored.reason_sealed).includes('reported twice'));
      assert.equal(sealedKeyId(stored.manifest_sealed), targetKey);
    });
  });
}
