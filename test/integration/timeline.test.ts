import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chartCounts, type TimelineEntry, type TimelinePage } from '../../src/contract/timeline.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { grant, openCase } from '../support/cases.ts';
import { engines } from '../support/db.ts';
import { form, postForm } from '../support/documents.ts';

/**
 * The case timeline (docs/timeline.md): written entries with versions, recorded entries for what
 * happens to the case, filters, the chart, sealing and the index, and who sees what of it.
 */
for (const engine of engines()) {
  describe(`timeline on ${engine}`, () => {
    let t: TestApp;
    let lead: Browser;
    let member: Browser;
    let memberId: string;
    let caseId: string;
    let personId: string;
    before(async () => {
      t = await buildTestApp(engine, { env: { TMA_TIME_ZONE: 'Europe/Berlin' } });
      const l = await createAccount(t, 'threat_manager');
      lead = await signIn(t, l.email);
      await stepUp(t, lead);
      const m = await createAccount(t, 'threat_manager');
      memberId = m.id;
      member = await signIn(t, m.email);
      caseId = (await openCase(t, lead)).id;
      const person = await call(t, lead, 'POST', `/api/cases/${caseId}/persons`, {
        role: 'person_of_concern',
        identity: { name: 'Max Mustermann', dateOfBirth: '1990-05-01' },
      });
      assert.equal(person.statusCode, 201, person.body);
      personId = person.json().id;
    });
    after(() => t.close());

    const write = (browser: Browser, body: object) => call(t, browser, 'POST', `/api/cases/${caseId}/timeline`, body);
    const page = async (browser: Browser, query = ''): Promise<TimelinePage> => {
      const res = await call(t, browser, 'GET', `/api/cases/${caseId}/timeline${query}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    };
    const written = (p: TimelinePage) => p.entries.filter((e) => e.written);

    test('written entries keep their day and time in the company’s zone, sealed, and are found by their words', async () => {
      const incident = await write(lead, {
        kind: 'incident',
        occurredOn: '2026-03-02',
        occurredTime: '23:30',
        title: 'Threatening e-mail to the shift lead',
        body: 'Wrote that "something will happen"\nafter the warning.',
        source: 'Shift lead, by phone',
        tags: ['leakage', 'fixation'],
        personIds: [personId],
      });
      assert.equal(incident.statusCode, 201, incident.body);
      const day = await write(lead, { kind: 'exculpatory', occurredOn: '2026-03-05', title: 'Apologised in person' });
      assert.equal(day.statusCode, 201, day.body);
      const list = await page(lead);
      const [exculpatory, first] = written(list);
      assert.equal(exculpatory?.kind, 'exculpatory');
      assert.equal(exculpatory?.occurredTime, null);
      assert.equal(exculpatory?.occurredAt, '2026-03-04T23:00:00.000Z');
      assert.equal(first?.occurredOn, '2026-03-02');
      assert.equal(first?.occurredTime, '23:30');
      assert.equal(first?.occurredAt, '2026-03-02T22:30:00.000Z');
      assert.deepEqual(first?.persons, [{ id: personId, pseudonym: 'A' }]);
      assert.equal(first?.body, 'Wrote that "something will happen"\nafter the warning.');
      const row = await t.database.db
        .selectFrom('timeline_entry_versions')
        .select('content_sealed')
        .where('entry_id', '=', incident.json().id)
        .executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(row.content_sealed).includes('Threatening'));
      const found = await page(lead, '?q=warning');
      assert.deepEqual(
        written(found).map((e) => e.id),
        [incident.json().id],
      );
      // The chart counts per company day: 23:30 in Berlin is still the 2nd.
      assert.ok(list.chart);
      const counts = chartCounts(list.chart);
      assert.ok(counts.days.some((d) => d.on === '2026-03-02' && d.kind === 'incident' && d.count === 1));
      assert.deepEqual(
        counts.tags
          .filter((d) => d.on === '2026-03-02')
          .map((d) => d.tag)
          .sort(),
        ['fixation', 'leakage'],
      );
    });

    test('an edit is a new version; the old one stays readable; a stale edit is refused and changes nothing', async () => {
      const made = await write(lead, { kind: 'conversation', occurredOn: '2026-03-10', title: 'Talk with HR' });
      const id = made.json().id as string;
      const edit = (expectedVersion: number, title: string) =>
        call(t, lead, 'PUT', `/api/cases/${caseId}/timeline/${id}`, {
          kind: 'conversation',
          occurredOn: '2026-03-10',
          occurredTime: '10:15',
          title,
          expectedVersion,
        });
      const second = await edit(1, 'Talk with HR and the works council');
      assert.equal(second.statusCode, 200, second.body);
      assert.equal(second.json().version, 2);
      const stale = await edit(1, 'Lost update');
      assert.equal(stale.statusCode, 409);
      assert.equal(stale.json().code, 'stale_version');
      const history = await call(t, lead, 'GET', `/api/cases/${caseId}/timeline/${id}/versions`);
      assert.equal(history.statusCode, 200, history.body);
      assert.deepEqual(
        history
          .json()
          .versions.map((v: { version: number; title: string; occurredTime: string | null }) => [
            v.version,
            v.title,
            v.occurredTime,
          ]),
        [
          [2, 'Talk with HR and the works council', '10:15'],
          [1, 'Talk with HR', null],
        ],
      );
      const entry = (await page(lead)).entries.find((e) => e.id === id);
      assert.equal(entry?.version, 2);
      assert.ok(entry?.editedAt);
      // The index follows the current version.
      assert.ok(written(await page(lead, '?q=council')).some((e) => e.id === id));
    });

    test('bad input gets a clear code: the future, before a person’s birth, foreign persons and documents, bad fields', async () => {
      const cases: [object, number, string][] = [
        [{ kind: 'note', occurredOn: '2999-01-01', title: 'x' }, 400, 'entry_in_future'],
        [{ kind: 'note', occurredOn: '1989-01-01', title: 'x', personIds: [personId] }, 400, 'entry_before_birth'],
        [
          { kind: 'note', occurredOn: '2026-01-01', title: 'x', personIds: ['00000000-0000-4000-8000-000000000000'] },
          400,
          'unknown_person',
        ],
        [
          { kind: 'note', occurredOn: '2026-01-01', title: 'x', documentIds: ['00000000-0000-4000-8000-000000000000'] },
          400,
          'unknown_document',
        ],
        [{ kind: 'status', occurredOn: '2026-01-01', title: 'x' }, 400, 'validation_failed'],
        [{ kind: 'note', occurredOn: '2026-02-30', title: 'x' }, 400, 'validation_failed'],
        [{ kind: 'note', occurredOn: '2026-01-01', occurredTime: '24:00', title: 'x' }, 400, 'validation_failed'],
        [{ kind: 'note', occurredOn: '2026-01-01', title: 'x', tags: ['anger'] }, 400, 'validation_failed'],
      ];
      const before = await t.database.db
        .selectFrom('timeline_entries')
        .select('id')
        .where('written', '=', true)
        .execute();
      for (const [body, status, code] of cases) {
        const res = await write(lead, body);
        assert.equal(res.statusCode, status, `${JSON.stringify(body)}: ${res.body}`);
        assert.equal(res.json().code, code, JSON.stringify(body));
        // Whose birth, for the form's own words: the pseudonym and the day, not only in the detail.
        if (code === 'entry_before_birth') assert.deepEqual(res.json().birth, { pseudonym: 'A', born: '1990-05-01' });
      }
      const afterwards = await t.database.db
        .selectFrom('timeline_entries')
        .select('id')
        .where('written', '=', true)
        .execute();
      assert.equal(afterwards.length, before.length);
    });

    test('what happens to the case is recorded on it: opened, a grant, a status change, a document’s upload and download', async () => {
      await grant(t, lead, caseId, { userId: memberId, role: 'member', fullScope: false, sections: ['timeline'] });
      const status = await call(t, lead, 'POST', `/api/cases/${caseId}/status`, {
        expectedVersion: 1,
        status: 'assessment',
      });
      assert.ok([200, 204].includes(status.statusCode), status.body);
      const upload = await postForm(
        t,
        lead,
        '/api/documents',
        form(
          { ownerType: 'case', ownerId: caseId },
          { name: 'note.txt', content: Buffer.from('hello'), type: 'text/plain' },
        ),
      );
      assert.equal(upload.statusCode, 201, upload.body);
      const docId = upload.json().id as string;
      const download = await call(t, lead, 'GET', `/api/documents/${docId}/versions/1/content`);
      assert.equal(download.statusCode, 200);
      const kinds = (await page(lead)).entries.filter((e) => !e.written).map((e) => e.kind);
      for (const kind of ['opened', 'grant', 'status', 'document_uploaded', 'document_downloaded'])
        assert.ok(kinds.includes(kind as TimelineEntry['kind']), `${kind} in ${kinds}`);
      const grantEntry = (await page(lead, '?kinds=grant')).entries[0];
      assert.equal(grantEntry?.user?.id, memberId);
      const statusEntry = (await page(lead, '?kinds=status')).entries[0];
      assert.deepEqual(statusEntry?.change, { from: 'intake', to: 'assessment', reason: null, assessment: null });
      const uploaded = (await page(lead, '?kinds=document_uploaded')).entries[0];
      assert.equal(uploaded?.document?.name, 'note.txt');
    });

    test('a timeline-only member sees no persons, no grants and no documents; filters by person need the persons section', async () => {
      const list = await page(member);
      const kinds = new Set(list.entries.map((e) => e.kind));
      for (const kind of ['grant', 'document_uploaded', 'document_downloaded', 'break_glass'])
        assert.ok(!kinds.has(kind as never));
      const tagged = list.entries.find((e) => e.personCount > 0);
      assert.equal(tagged?.persons, null);
      const byPerson = await call(t, member, 'GET', `/api/cases/${caseId}/timeline?person=${personId}`);
      assert.equal(byPerson.statusCode, 400);
      assert.equal(byPerson.json().code, 'persons_out_of_scope');
      const naming = await write(member, { kind: 'note', occurredOn: '2026-01-01', title: 'x', personIds: [personId] });
      assert.equal(naming.json().code, 'persons_out_of_scope');
    });

    test('filters by kind, tag, person and days narrow the list and the chart; the cursor pages through', async () => {
      for (let i = 1; i <= 55; i++)
        assert.equal(
          (
            await write(lead, {
              kind: 'observation',
              occurredOn: '2026-04-01',
              occurredTime: `10:${String(i % 60).padStart(2, '0')}`,
              title: `Seen ${i}`,
            })
          ).statusCode,
          201,
        );
      const first = await page(lead, '?kinds=observation');
      assert.equal(first.entries.length, 50);
      assert.ok(first.next);
      assert.ok(first.chart);
      assert.equal(chartCounts(first.chart).days.find((d) => d.on === '2026-04-01')?.count, 55);
      // A list per kind of its days (days since 1970-01-01) and counts, not an object per day.
      assert.deepEqual(first.chart.kinds, [
        { kind: 'observation', days: [Date.UTC(2026, 3, 1) / 86_400_000], counts: [55] },
      ]);
      const second = await page(lead, `?kinds=observation&cursor=${first.next}`);
      assert.equal(second.entries.length, 5);
      assert.equal(second.next, null);
      assert.equal(second.chart, null);
      assert.equal(new Set([...first.entries, ...second.entries].map((e) => e.id)).size, 55);
      assert.deepEqual(
        written(await page(lead, '?tag=leakage')).map((e) => e.kind),
        ['incident'],
      );
      assert.deepEqual(
        written(await page(lead, `?person=${personId}`)).map((e) => e.kind),
        ['incident'],
      );
      const march = written(await page(lead, '?from=2026-03-01&to=2026-03-05'));
      assert.deepEqual(march.map((e) => e.kind).sort(), ['exculpatory', 'incident']);
      const bad = await call(t, lead, 'GET', `/api/cases/${caseId}/timeline?cursor=abc`);
      assert.equal(bad.statusCode, 400);
      const badKind = await call(t, lead, 'GET', `/api/cases/${caseId}/timeline?kinds=gossip`);
      assert.equal(badKind.statusCode, 400);
    });

    test('a merge takes the duplicate’s timeline along, sealed for the target and found in its scope', async () => {
      const duplicate = await openCase(t, lead, { title: 'Same matter, twice' });
      const entry = await call(t, lead, 'POST', `/api/cases/${duplicate.id}/timeline`, {
        kind: 'observation',
        occurredOn: '2026-02-01',
        title: 'Parked in front of the gate',
      });
      assert.equal(entry.statusCode, 201, entry.body);
      const target = (await call(t, lead, 'GET', `/api/cases/${caseId}`)).json();
      const merged = await call(t, lead, 'POST', `/api/cases/${duplicate.id}/merge`, {
        into: target.reference,
        reason: 'The same matter',
        expectedVersion: duplicate.version,
      });
      assert.equal(merged.statusCode, 200, merged.body);
      const found = written(await page(lead, '?q=gate'));
      assert.deepEqual(
        found.map((e) => [e.id, e.title]),
        [[entry.json().id, 'Parked in front of the gate']],
      );
    });

    test('outsiders get 404 and a denial; a read is audited', async () => {
      const o = await createAccount(t, 'threat_manager');
      const outsider = await signIn(t, o.email);
      const res = await call(t, outsider, 'GET', `/api/cases/${caseId}/timeline`);
      assert.equal(res.statusCode, 404);
      const w = await write(outsider, { kind: 'note', occurredOn: '2026-01-01', title: 'x' });
      assert.equal(w.statusCode, 404);
      const events = await t.database.db
        .selectFrom('audit_events')
        .select(['action', 'actor_user_id', 'detail'])
        .where('case_id', '=', caseId)
        .where('action', 'in', ['case.denied', 'case.viewed'])
        .execute();
      assert.ok(events.some((e) => e.action === 'case.denied' && e.actor_user_id === o.id));
      assert.ok(events.some((e) => e.action === 'case.viewed' && (e.detail as { part?: string }).part === 'timeline'));
    });
  });
}
