import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { Document } from '../../src/contract/documents.ts';
import type { ReporterView } from '../../src/contract/reports.ts';
import { jpegWithGps } from '../../src/server/documents/inspect/test-fixtures.ts';
import { type Browser, call, createAccount, signIn } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { form, postForm } from '../support/documents.ts';
import { aReport, idOfReceipt, submitAnonymously, submitSignedIn, triageOf } from '../support/reports.ts';

/**
 * Attachments of reports (docs/intake.md): the anonymous reporter adds files with the receipt
 * (metadata always stripped, nobody named, dated to the day); the triage roles and the reporting
 * employee reach a report's documents by the report rule; nobody else does.
 */
for (const engine of engines()) {
  describe(`attachments of reports on ${engine}`, () => {
    let t: TestApp;
    let manager: Browser;
    let employee: Browser;
    let colleague: Browser;
    before(async () => {
      t = await buildTestApp(engine, { env: { TMA_ANONYMOUS_REQUESTS_PER_10_MIN: '1000' } });
      manager = await signIn(t, (await createAccount(t, 'threat_manager')).email);
      employee = await signIn(t, (await createAccount(t, 'reporter')).email);
      colleague = await signIn(t, (await createAccount(t, 'reporter')).email);
    });
    after(() => t.close());

    const attach = (receipt: string, name: string, content: Uint8Array) =>
      postForm(t, undefined, '/api/anonymous/receipt/documents', form({ receipt }, { name, content }));
    const listOf = (b: Browser, id: string) => call(t, b, 'GET', `/api/documents?ownerType=report&ownerId=${id}`);

    test('an anonymous photo: stripped, shown to the reporter, read by triage, out of reach of others', async () => {
      const { receipt } = await submitAnonymously(t);
      const id = await idOfReceipt(t, receipt);
      const res = await attach(receipt, 'tatort.jpg', await jpegWithGps());
      assert.equal(res.statusCode, 201, res.body);
      const view = res.json() as ReporterView;
      assert.deepEqual(
        view.attachments.map((a) => [a.name, a.kind]),
        [['tatort.jpg', 'jpeg']],
      );

      const listed = await listOf(manager, id);
      assert.equal(listed.statusCode, 200, listed.body);
      const [document] = (listed.json() as { documents: Document[] }).documents;
      assert.equal(document?.current.stripped, true);
      assert.equal(document?.current.uploadedBy, null);
      const content = await call(t, manager, 'GET', `/api/documents/${document?.id}/versions/1/content`);
      assert.equal(content.statusCode, 200);
      assert.equal((await sharp(content.rawPayload).metadata()).exif, undefined, 'no EXIF, no GPS');
      assert.equal((await listOf(employee, id)).statusCode, 404);

      // Dated to the day, everywhere: the rows, the audit event, the blob's file.
      const row = await t.database.db
        .selectFrom('document_versions')
        .select(['uploaded_at', 'blob_name'])
        .where('document_id', '=', document?.id as string)
        .executeTakeFirstOrThrow();
      assert.equal(row.uploaded_at.toISOString().slice(11), '00:00:00.000Z');
      const store = t.config.documents.store;
      assert.equal(store.kind, 'local');
      const blob = path.join(store.kind === 'local' ? store.directory : '', row.blob_name.slice(0, 2), row.blob_name);
      assert.equal((await stat(blob)).mtime.toISOString().slice(11), '00:00:00.000Z');
      const events = await t.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('action', '=', 'anonymous.document_uploaded')
        .where('object_id', '=', document?.id as string)
        .execute();
      assert.equal(events.length, 1);
      assert.equal(events[0]?.ip, null);
      assert.equal(events[0]?.at.toISOString().slice(11), '00:00:00.000Z');
    });

    test('a wrong receipt stores nothing; a refused file is refused; a closed report takes no files', async () => {
      const before = await t.database.db.selectFrom('documents').select('id').execute();
      const wrong = await attach('2222-2222-2222-2222-2222-2222', 'a.jpg', await jpegWithGps());
      assert.equal(wrong.statusCode, 404);
      assert.equal(wrong.json().code, 'receipt_unknown');
      const { receipt } = await submitAnonymously(t);
      const refused = await attach(receipt, 'run.exe', Buffer.from('MZ\x90\x00 not allowed'));
      assert.equal(refused.statusCode, 400, refused.body);
      assert.equal(refused.json().code, 'upload_refused');
      const id = await idOfReceipt(t, receipt);
      const detail = await triageOf(t, manager, id);
      await call(t, manager, 'POST', `/api/triage/reports/${id}/close`, {
        expectedVersion: detail.version,
        outcome: 'no_concern',
        reason: 'Nothing to follow up.',
      });
      const closed = await attach(receipt, 'late.jpg', await jpegWithGps());
      assert.equal(closed.statusCode, 409);
      const after = await t.database.db.selectFrom('documents').select('id').execute();
      assert.equal(after.length, before.length);
    });

    test('a signed-in reporter attaches through the document service to their own report only', async () => {
      const mine = await submitSignedIn(t, employee, aReport());
      const upload = (b: Browser, ownerId: string) =>
        postForm(
          t,
          b,
          '/api/documents',
          form({ ownerType: 'report', ownerId, strip: 'true' }, { name: 'notiz.jpg', content: Buffer.alloc(0) }),
        );
      const photo = await jpegWithGps();
      const ok = await postForm(
        t,
        employee,
        '/api/documents',
        form({ ownerType: 'report', ownerId: mine.id, strip: 'true' }, { name: 'foto.jpg', content: photo }),
      );
      assert.equal(ok.statusCode, 201, ok.body);
      assert.equal((await upload(colleague, mine.id)).statusCode, 404);
      const view = (await call(t, employee, 'GET', `/api/reports/mine/${mine.id}`)).json() as ReporterView;
      assert.deepEqual(
        view.attachments.map((a) => a.name),
        ['foto.jpg'],
      );
      assert.equal((await listOf(manager, mine.id)).statusCode, 200);
    });
  });
}
