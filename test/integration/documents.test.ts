import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { docxWithAuthor, jpegWithGps } from '../../src/server/documents/inspect/test-fixtures.ts';
import { sweepOrphans } from '../../src/server/documents/sweeper.job.ts';
import { SearchIndex } from '../../src/server/search/search-index.ts';
import { type Browser, call, createAccount, signIn, stepUp } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { engines } from '../support/db.ts';
import { form, memberOwners, partialUpload, postForm } from '../support/documents.ts';

const LIMIT = 256 * 1024;

for (const engine of engines()) {
  describe(`documents on ${engine}`, () => {
    let t: TestApp;
    let member: Browser;
    let outsider: Browser;
    let outsiderId: string;
    const caseId = randomUUID();
    const blobsDir = () => path.join(t.config.dataDir, 'documents');
    before(async () => {
      const { owners, admit } = memberOwners();
      t = await buildTestApp(engine, { documentOwners: owners, env: { TMA_UPLOAD_LIMIT_BYTES: String(LIMIT) } });
      await t.keys.createKey('case', caseId);
      const m = await createAccount(t, 'threat_manager');
      admit(caseId, m.id);
      member = await signIn(t, m.email);
      const o = await createAccount(t, 'threat_manager');
      outsiderId = o.id;
      outsider = await signIn(t, o.email);
    });
    after(() => t.close());

    const upload = (b: Browser | undefined, name: string, content: Uint8Array, extra: Record<string, string> = {}) =>
      postForm(t, b, '/api/documents', form({ ownerType: 'case', ownerId: caseId, ...extra }, { name, content }));
    const download = (b: Browser | undefined, id: string, version = 1, inline = false) =>
      call(t, b, 'GET', `/api/documents/${id}/versions/${version}/content${inline ? '?inline=true' : ''}`);
    const storedBlobs = async () => {
      const names: string[] = [];
      for await (const blob of (await import('../../src/server/documents/setup.ts'))
        .openBlobStore(t.config.documents)
        .list())
        names.push(blob.name);
      return names;
    };
    const pending = async () => (await t.database.db.selectFrom('blob_uploads').selectAll().execute()).length;

    test('a member uploads, lists and downloads; the file goes out as an attachment that runs nothing', async () => {
      const text = 'Gesprächsnotiz: Herr K. drohte am 3. März, „es werde knallen“.\n';
      const res = await upload(member, 'Notiz März.txt', Buffer.from(text));
      assert.equal(res.statusCode, 201, res.body);
      const document = res.json();
      assert.equal(document.current.name, 'Notiz März.txt');
      assert.equal(document.current.kind, 'txt');
      assert.equal(document.current.bytes, Buffer.byteLength(text));
      const list = (await call(t, member, 'GET', `/api/documents?ownerType=case&ownerId=${caseId}`)).json();
      assert.ok(list.documents.some((d: { id: string }) => d.id === document.id));

      const file = await download(member, document.id);
      assert.equal(file.statusCode, 200);
      assert.equal(file.body, text);
      assert.equal(file.headers['content-type'], 'text/plain; charset=utf-8');
      assert.match(
        String(file.headers['content-disposition']),
        /^attachment; filename="Notiz M.rz\.txt"; filename\*=UTF-8''Notiz%20M%C3%A4rz\.txt$/,
      );
      assert.equal(file.headers['x-content-type-options'], 'nosniff');
      assert.equal(file.headers['cache-control'], 'no-store');
      assert.match(String(file.headers['content-security-policy']), /sandbox/);
      assert.equal((await download(member, document.id, 1, true)).statusCode, 404, 'text is never shown inline');
      const head = await t.app.inject({
        method: 'HEAD',
        url: `/api/documents/${document.id}/versions/1/content`,
        headers: { origin: 'http://localhost:3000', cookie: `__Host-tma=${member.cookie}` },
      });
      assert.equal(head.statusCode, 404, 'HEAD neither decrypts nor counts as a download');

      // Stored encrypted: neither the name nor the text is in the blob or in the database row.
      const [blob] = await storedBlobs();
      assert.ok(blob !== undefined);
      const row = await t.database.db
        .selectFrom('document_versions')
        .selectAll()
        .where('document_id', '=', document.id)
        .executeTakeFirstOrThrow();
      assert.ok(!Buffer.from(row.name_sealed).includes('Notiz'));
      const events = await t.database.db
        .selectFrom('audit_events')
        .select(['action', 'detail'])
        .where('object_id', '=', document.id)
        .execute();
      assert.deepEqual(events.map((e) => e.action).sort(), ['document.downloaded', 'document.uploaded']);
    });

    test('someone the owner’s rule does not admit gets 404 everywhere; no session gets 401', async () => {
      const own = (await upload(member, 'a.txt', Buffer.from('x'))).json();
      assert.equal((await upload(outsider, 'b.txt', Buffer.from('y'))).statusCode, 404);
      assert.equal((await call(t, outsider, 'GET', `/api/documents/${own.id}`)).statusCode, 404);
      assert.equal((await download(outsider, own.id)).statusCode, 404);
      assert.equal((await call(t, outsider, 'GET', `/api/documents?ownerType=case&ownerId=${caseId}`)).statusCode, 404);
      assert.equal(
        (await call(t, outsider, 'GET', `/api/documents?ownerType=report&ownerId=${randomUUID()}`)).statusCode,
        404,
        'no report rule: nobody',
      );
      assert.equal((await download(undefined, own.id)).statusCode, 401);
      // Every refusal by the owner's rule is in the trail (SECURITY.md item 40), named to the caller
      // as nothing but a 404; a document that does not exist refuses nothing and records nothing.
      const missing = await call(t, outsider, 'GET', `/api/documents/${randomUUID()}`);
      const refused = await call(t, outsider, 'GET', `/api/documents/${own.id}`);
      assert.equal(missing.statusCode, 404);
      const answer = (r: typeof missing) => {
        // Each answer carries its own correlation id (and a problem may carry its URL).
        const { instance: _, correlationId: __, ...rest } = r.json();
        return rest;
      };
      assert.deepEqual(answer(refused), answer(missing), 'a refusal reads like a document that does not exist');
      const version = await postForm(
        t,
        outsider,
        `/api/documents/${own.id}/versions`,
        form({ expectedVersion: String(own.version) }, { name: 'c.txt', content: Buffer.from('z') }),
      );
      assert.equal(version.statusCode, 404);
      const denied = await t.database.db
        .selectFrom('audit_events')
        .select(['object_type', 'object_id', 'case_id', 'outcome', 'detail'])
        .where('action', '=', 'document.denied')
        .where('actor_user_id', '=', outsiderId)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        denied.map((e) => [e.object_type, e.object_type === 'report' ? 'a report' : e.object_id, e.outcome, e.detail]),
        // The second read of the same document within the minute (the download, the GET again) is
        // not recorded again: a loop cannot fill the trail.
        [
          ['case', caseId, 'denied', { access: 'write' }],
          ['document', own.id, 'denied', { access: 'read' }],
          ['case', caseId, 'denied', { access: 'read' }],
          ['report', 'a report', 'denied', { access: 'read' }],
          ['document', own.id, 'denied', { access: 'write' }],
        ],
      );
      assert.ok(denied.filter((e) => e.object_type !== 'report').every((e) => e.case_id === caseId));
    });

    test('versions: a stale one is refused (409); earlier versions stay downloadable; deletion needs a step-up', async () => {
      const first = (await upload(member, 'plan.csv', Buffer.from('a;b\n1;2\n'))).json();
      const url = `/api/documents/${first.id}/versions`;
      const stale = await postForm(
        t,
        member,
        url,
        form({ expectedVersion: '7' }, { name: 'plan.csv', content: Buffer.from('a;b\n3;4\n') }),
      );
      assert.equal(stale.statusCode, 409);
      assert.equal(stale.json().code, 'stale_version');
      const second = await postForm(
        t,
        member,
        url,
        form({ expectedVersion: String(first.version) }, { name: 'plan v2.csv', content: Buffer.from('a;b\n3;4\n') }),
      );
      assert.equal(second.statusCode, 201, second.body);
      assert.equal(second.json().current.version, 2);
      // The name is searchable within its case, as the newest version has it.
      const search = new SearchIndex(t.keys);
      const named = async (query: string) => {
        const outcome = await search.search(t.database.db, [{ type: 'case', id: caseId }], query);
        return outcome.kind === 'hits' ? outcome.hits.map((h) => h.objectId) : outcome;
      };
      assert.deepEqual(await named('plan v2'), [first.id]);
      assert.equal((await download(member, first.id, 1)).body, 'a;b\n1;2\n');
      assert.equal((await download(member, first.id, 2)).body, 'a;b\n3;4\n');
      assert.equal(await pending(), 0, 'the refused version left nothing pending');

      const del = `/api/documents/${first.id}?expectedVersion=${second.json().version}`;
      await t.database.db
        .updateTable('sessions')
        .set({ step_up_at: new Date(0) })
        .execute();
      assert.equal((await call(t, member, 'DELETE', del)).json().code, 'step_up_required');
      await stepUp(t, member);
      assert.equal((await call(t, member, 'DELETE', del)).statusCode, 204);
      assert.equal((await call(t, member, 'GET', `/api/documents/${first.id}`)).statusCode, 404);
      assert.deepEqual(await named('plan'), [], 'a deleted document is no longer found');
      const deleted = await t.database.db
        .selectFrom('audit_events')
        .select('action')
        .where('object_id', '=', first.id)
        .where('action', '=', 'document.deleted')
        .execute();
      assert.equal(deleted.length, 1);
    });

    test('bad input: empty, polyglot, unsafe names, over the limit: clear refusals, nothing stored', async () => {
      const before = (await storedBlobs()).length;
      const refusals: [string, Uint8Array, number, string][] = [
        ['leer.txt', Buffer.alloc(0), 400, 'empty'],
        [
          'bild.png',
          Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'),
          400,
          'type_mismatch',
        ],
        ['bericht.pdf', Buffer.from('nur Text, kein PDF\n'), 400, 'type_mismatch'],
        ['latin1.txt', Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65, 0x0a]), 400, 'not_text'],
        ['groß.txt', Buffer.alloc(LIMIT + 10, 0x61), 413, 'too_large'],
      ];
      for (const [name, content, status, reason] of refusals) {
        const res = await upload(member, name, content);
        assert.equal(res.statusCode, status, `${name}: ${res.body}`);
        assert.equal(res.json().code, 'upload_refused');
        assert.equal(res.json().reason, reason, name);
      }
      for (const name of ['../../etc/passwd.txt', 'a\u0000b.txt', `${'x'.repeat(1000)}.txt`, 'evil\u202Egnp.txt']) {
        const res = await upload(member, name, Buffer.from('text\n'));
        if (res.statusCode === 201) {
          const stored: string = res.json().current.name;
          assert.ok(
            ![...stored].some((c) => c === '/' || c === '\\' || c < ' ' || (c >= '\u202a' && c <= '\u202e')) &&
              [...stored].length <= 200,
            `${JSON.stringify(stored)} is safe`,
          );
        } else {
          assert.equal(res.json().reason, 'bad_name', name);
        }
      }
      const json = await call(t, member, 'POST', '/api/documents', { ownerType: 'case', ownerId: caseId });
      assert.equal(json.statusCode, 415, 'not multipart');
      const garbled = await t.app.inject({
        method: 'POST',
        url: '/api/documents',
        headers: {
          origin: 'http://localhost:3000',
          cookie: `__Host-tma=${member.cookie}`,
          'x-csrf-token': member.csrf ?? '',
          'content-type': 'multipart/form-data; boundary=x',
        },
        payload: '--x\r\ncontent-disposition: form-data; name="file"; filename="a.txt"\r\n\r\nno end',
      });
      assert.equal(garbled.statusCode, 400, garbled.body);
      const noFile = await postForm(t, member, '/api/documents', form({ ownerType: 'case', ownerId: caseId }));
      assert.equal(noFile.statusCode, 400);
      assert.equal(await pending(), 0);
      const added = (await storedBlobs()).length - before;
      const accepted = (await t.database.db.selectFrom('document_versions').select('blob_name').execute()).length;
      assert.ok(added <= 4 && (await storedBlobs()).length === accepted, 'only accepted files have blobs');
      const refused = await t.database.db
        .selectFrom('audit_events')
        .select('detail')
        .where('action', '=', 'document.upload_refused')
        .execute();
      assert.ok(refused.length >= refusals.length);
    });

    test('metadata stripping on request: an image’s GPS position is gone', async () => {
      const photo = await jpegWithGps();
      assert.ok((await sharp(photo).metadata()).exif !== undefined);
      const res = await upload(member, 'tatort.jpg', photo, { strip: 'true' });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().current.stripped, true);
      const preview = await download(member, res.json().id, 1, true);
      assert.equal(preview.headers['content-type'], 'image/jpeg');
      assert.equal(preview.headers['content-disposition'], 'inline');
      assert.equal((await sharp(preview.rawPayload).metadata()).exif, undefined, 'no EXIF, no GPS');
      assert.deepEqual(res.json().current.residual, []);
    });

    test('what stripping cannot remove is recorded on the version: a tracked change’s author', async () => {
      const docx = await docxWithAuthor();
      const stripped = await upload(member, 'bericht.docx', docx, { strip: 'true' });
      assert.equal(stripped.statusCode, 201, stripped.body);
      assert.deepEqual(stripped.json().current.residual, ['authors_in_content']);
      const again = await call(t, member, 'GET', `/api/documents/${stripped.json().id}`);
      assert.deepEqual(again.json().versions[0].residual, ['authors_in_content'], 'kept, not only answered');
      const kept = await upload(member, 'bericht.docx', docx);
      assert.deepEqual(kept.json().current, { ...kept.json().current, stripped: false, residual: [] });
    });

    test('a tampered or truncated blob is refused before the first byte; a vanished one is a clear error', async () => {
      const text = randomBytes(100 * 1024).toString('hex');
      const res = await upload(member, 'daten.txt', Buffer.from(text));
      assert.equal(res.statusCode, 201, res.body);
      const docId: string = res.json().id;
      const row = await t.database.db
        .selectFrom('document_versions')
        .selectAll()
        .where('document_id', '=', res.json().id)
        .executeTakeFirstOrThrow();
      const file = findBlobFile(blobsDir(), row.blob_name);
      const original = readFileSync(file);

      const damaged = async (bytes: Buffer) => {
        writeFileSync(file, bytes);
        const res = await download(member, docId);
        assert.equal(res.statusCode, 500, 'refused before the first byte');
        assert.equal(res.json().code, 'document_damaged');
        assert.ok(!res.body.includes(text.slice(0, 32)), 'no plaintext');
      };
      const header = Buffer.from(original);
      header[10] = (header[10] ?? 0) ^ 1;
      await damaged(header);
      await damaged(original.subarray(0, original.length - 100));
      await damaged(Buffer.concat([original, Buffer.from('x')]));

      // A later chunk altered: the chunks before it went out, then the connection is cut, so the
      // client sees a failed transfer, never a short file that looks whole.
      const late = Buffer.from(original);
      late[late.length - 200] = (late[late.length - 200] ?? 0) ^ 1;
      writeFileSync(file, late);
      await assert.rejects(download(member, docId), /destroyed|aborted|socket/i);

      rmSync(file);
      const vanished = await download(member, docId);
      assert.equal(vanished.statusCode, 500);
      assert.equal(vanished.json().code, 'document_damaged');
    });

    test('an upload whose client goes away mid-way leaves nothing: no blob, no pending record, no temp file', async () => {
      const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
      const before = await storedBlobs();
      const body = form(
        { ownerType: 'case', ownerId: caseId },
        { name: 'halb.txt', content: Buffer.alloc(200 * 1024, 0x61) },
      );
      const socket = await partialUpload(address, member, body, 120 * 1024);
      // The upload is under way: its blob is pending in the store.
      for (let i = 0; i < 50 && (await pending()) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(await pending(), 1, 'the upload had started');
      socket.destroy();
      // The server notices, and cleans up, on its own time.
      for (let i = 0; i < 50 && (await pending()) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(await pending(), 0);
      assert.deepEqual(await storedBlobs(), before);
      const temp = path.join(blobsDir(), 'tmp');
      assert.deepEqual(existsSync(temp) ? readdirSync(temp) : [], []);
    });

    test('the sweeper removes what a crashed upload left: a pending blob and the store’s temp files', async () => {
      const name = randomBytes(16).toString('hex');
      await t.database.db
        .insertInto('blob_uploads')
        .values({ blob_name: name, started_at: new Date(Date.now() - 2 * 86_400_000) })
        .execute();
      const store = (await import('../../src/server/documents/setup.ts')).openBlobStore(t.config.documents);
      await store.put(
        name,
        (async function* () {
          yield Buffer.from('left behind');
        })(),
      );
      const result = await sweepOrphans(t.database.db, store, new Date(Date.now() - 86_400_000));
      assert.equal(result.pending, 1);
      assert.ok(!(await storedBlobs()).includes(name));
      assert.equal(await pending(), 0);
    });
  });
}

function findBlobFile(dir: string, name: string): string {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.startsWith(name)) return path.join(entry.parentPath, entry.name);
  }
  throw new Error(`no file for blob ${name} under ${dir}`);
}
