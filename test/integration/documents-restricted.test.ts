import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Document } from '../../src/contract/documents.ts';
import type { TimelinePage } from '../../src/contract/timeline.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { grant, openCase } from '../support/cases.ts';
import { engines } from '../support/db.ts';
import { form, postForm } from '../support/documents.ts';

/**
 * A case document restricted to chosen members (docs/documents.md, "Restricted documents"): the
 * others of the documents scope meet it nowhere (list, id, content, versions, timeline, attachments),
 * each attempt is a refusal in the audit trail, and only listed members change the list.
 */
for (const engine of engines()) {
  describe(`restricted documents on ${engine}`, () => {
    let t: TestApp;
    let lead: Browser;
    let hr: Browser;
    let other: Browser;
    let hrId: string;
    let otherId: string;
    let timelineOnlyId: string;
    let caseId: string;
    let docId: string;
    before(async () => {
      t = await buildTestApp(engine);
      const l = await createAccount(t, 'threat_manager');
      lead = await signIn(t, l.email);
      await stepUp(t, lead);
      const h = await createAccount(t, 'expert');
      hrId = h.id;
      hr = await signIn(t, h.email);
      const o = await createAccount(t, 'threat_manager');
      otherId = o.id;
      other = await signIn(t, o.email);
      const tl = await createAccount(t, 'threat_manager');
      timelineOnlyId = tl.id;
      caseId = (await openCase(t, lead)).id;
      const until = new Date(Date.now() + 30 * 86_400_000).toISOString();
      await grant(t, lead, caseId, {
        userId: hrId,
        role: 'expert',
        fullScope: false,
        sections: ['documents'],
        expiresAt: until,
      });
      await grant(t, lead, caseId, {
        userId: otherId,
        role: 'member',
        fullScope: false,
        sections: ['documents', 'timeline'],
      });
      await grant(t, lead, caseId, {
        userId: timelineOnlyId,
        role: 'member',
        fullScope: false,
        sections: ['timeline'],
      });
      const up = await postForm(
        t,
        lead,
        '/api/documents',
        form(
          { ownerType: 'case', ownerId: caseId },
          { name: 'hr-file.txt', content: Buffer.from('warning letter'), type: 'text/plain' },
        ),
      );
      assert.equal(up.statusCode, 201, up.body);
      docId = up.json().id;
    });
    after(() => t.close());

    const list = async (browser: Browser): Promise<Document[]> => {
      const res = await call(t, browser, 'GET', `/api/documents?ownerType=case&ownerId=${caseId}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json().documents;
    };
    const restrict = (browser: Browser, body: object) =>
      call(t, browser, 'PUT', `/api/documents/${docId}/readers`, body);

    test('restricting needs seeing the members: a documents-only expert cannot, and sees no names', async () => {
      const res = await restrict(hr, { expectedVersion: 1, restricted: true, userIds: [] });
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().code, 'members_out_of_sight');
    });

    test('restricting lists the caller always; the chosen must hold the documents scope', async () => {
      const wrong = await restrict(lead, { expectedVersion: 1, restricted: true, userIds: [timelineOnlyId] });
      assert.equal(wrong.statusCode, 400);
      assert.equal(wrong.json().code, 'reader_out_of_scope');
      const ok = await restrict(lead, { expectedVersion: 1, restricted: true, userIds: [hrId] });
      assert.equal(ok.statusCode, 204, ok.body);
      const stale = await restrict(lead, { expectedVersion: 1, restricted: true, userIds: [hrId] });
      assert.equal(stale.statusCode, 409);
      const mine = (await list(lead)).find((d) => d.id === docId);
      assert.equal(mine?.restricted, true);
      assert.deepEqual(mine?.readers.map((r) => r.id).sort(), [hrId, await me(lead)].sort());
      const seen = (await list(hr)).find((d) => d.id === docId);
      assert.equal(seen?.restricted, true);
      assert.deepEqual(seen?.readers, [], 'who else is listed is the roster’s to tell');
    });

    /** How many uploads a timeline's chart counts. */
    const uploads = (page: TimelinePage): number =>
      (page.chart?.kinds.find((k) => k.kind === 'document_uploaded')?.counts ?? []).reduce((a, b) => a + b, 0);

    const me = async (browser: Browser) => (await call(t, browser, 'GET', '/api/session')).json().user.id as string;

    test('a member outside the list meets the document nowhere, and every attempt is a refusal', async () => {
      assert.ok(!(await list(other)).some((d) => d.id === docId));
      for (const url of [`/api/documents/${docId}`, `/api/documents/${docId}/versions/1/content`]) {
        const res = await call(t, other, 'GET', url);
        assert.equal(res.statusCode, 404, url);
      }
      const version = await postForm(
        t,
        other,
        `/api/documents/${docId}/versions`,
        form({ expectedVersion: '2' }, { name: 'x.txt', content: Buffer.from('x'), type: 'text/plain' }),
      );
      assert.equal(version.statusCode, 404);
      const reopen = await restrict(other, { expectedVersion: 2, restricted: false, userIds: [] });
      assert.equal(reopen.statusCode, 404);
      const denied = await t.database.db
        .selectFrom('audit_events')
        .select('action')
        .where('actor_user_id', '=', otherId)
        .where('object_id', '=', docId)
        .where('action', '=', 'document.denied')
        .execute();
      assert.ok(denied.length >= 1);
      // The timeline leaves out its upload and any attachment of it.
      const entry = await call(t, lead, 'POST', `/api/cases/${caseId}/timeline`, {
        kind: 'note',
        occurredOn: '2026-01-02',
        title: 'Letter attached',
        documentIds: [docId],
      });
      assert.equal(entry.statusCode, 201, entry.body);
      // Nor its upload in the chart's counts, though the chart the lead reads first counts it (the
      // server keeps charts between reads: timeline/chart-cache.ts).
      const before = (await call(t, lead, 'GET', `/api/cases/${caseId}/timeline`)).json();
      const timeline = (await call(t, other, 'GET', `/api/cases/${caseId}/timeline`)).json();
      assert.ok(uploads(before) >= 1);
      assert.equal(uploads(timeline), uploads(before) - 1);
      assert.ok(!JSON.stringify(timeline).includes(docId));
      assert.ok(!JSON.stringify(timeline).includes('hr-file'));
      // Nor when the list is narrowed to written entries, where the attachment would show.
      const notes = (await call(t, other, 'GET', `/api/cases/${caseId}/timeline?kinds=note`)).json();
      assert.equal(notes.entries.length, 1);
      assert.deepEqual(notes.entries[0].documents, []);
      assert.ok(!JSON.stringify(notes).includes('hr-file'));
      // An edit by someone outside the list keeps the attachment they cannot see.
      const edit = await call(t, other, 'PUT', `/api/cases/${caseId}/timeline/${entry.json().id}`, {
        kind: 'note',
        occurredOn: '2026-01-02',
        title: 'Letter attached (typo fixed)',
        expectedVersion: 1,
      });
      assert.equal(edit.statusCode, 200, edit.body);
      const leads = (await call(t, lead, 'GET', `/api/cases/${caseId}/timeline`)).json();
      assert.deepEqual(
        leads.entries.find((e: { id: string }) => e.id === entry.json().id).documents.map((d: { id: string }) => d.id),
        [docId],
      );
      assert.ok(JSON.stringify(leads).includes('hr-file.txt'));
      // Nor can they attach it.
      const attach = await call(t, other, 'POST', `/api/cases/${caseId}/timeline`, {
        kind: 'note',
        occurredOn: '2026-01-02',
        title: 'x',
        documentIds: [docId],
      });
      assert.equal(attach.json().code, 'unknown_document');
    });

    test('a listed member who sees the members opens it to the scope again; then everyone of the scope sees it', async () => {
      const hidden = (await call(t, other, 'GET', `/api/cases/${caseId}/timeline`)).json();
      const reopen = await restrict(lead, { expectedVersion: 2, restricted: false, userIds: [] });
      assert.equal(reopen.statusCode, 204, reopen.body);
      assert.ok((await list(other)).some((d) => d.id === docId));
      // Its upload counts in their chart again, though the timeline itself did not change.
      const leads = (await call(t, lead, 'GET', `/api/cases/${caseId}/timeline`)).json();
      const theirs = (await call(t, other, 'GET', `/api/cases/${caseId}/timeline`)).json();
      assert.equal(uploads(theirs), uploads(leads));
      assert.equal(uploads(theirs), uploads(hidden) + 1);
      const doc = await call(t, other, 'GET', `/api/documents/${docId}`);
      assert.equal(doc.json().restricted, false);
      assert.deepEqual(doc.json().readers, []);
    });
  });
}
