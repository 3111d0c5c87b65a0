import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { S3BlobStore } from '../../src/server/documents/blobs/s3-blob-store.ts';
import { type Browser, call, createAccount, signIn } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { form, memberOwners, partialUpload, postForm } from '../support/documents.ts';
import { FakeS3 } from '../support/fake-s3.ts';

/**
 * The document API on the S3 blob store (the real @aws-sdk/client-s3 against the fake S3 of
 * test/support): the same promises as on the local store, where they depend on the store.
 */
const LIMIT = 16 * 1024 * 1024;

describe('documents on S3', () => {
  let fake: FakeS3;
  let server: { url: string; close: () => Promise<void> };
  let store: S3BlobStore;
  let t: TestApp;
  let member: Browser;
  const caseId = randomUUID();
  before(async () => {
    fake = new FakeS3();
    server = await fake.start();
    store = new S3BlobStore({
      region: 'eu-central-1',
      bucket: fake.bucket,
      endpoint: server.url,
      forcePathStyle: true,
      keyPrefix: 'tma/documents/',
      credentials: { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'not-a-secret-of-anyone' },
      timeoutMs: 2_000,
      maxAttempts: 2,
    });
    const { owners, admit } = memberOwners();
    t = await buildTestApp('pglite', {
      documentOwners: owners,
      blobStore: store,
      env: { TMA_UPLOAD_LIMIT_BYTES: String(LIMIT) },
    });
    await t.keys.createKey('case', caseId);
    const m = await createAccount(t, 'threat_manager');
    admit(caseId, m.id);
    member = await signIn(t, m.email);
  });
  after(async () => {
    await t.close();
    store.close();
    await server.close();
  });

  const upload = (name: string, content: Uint8Array) =>
    postForm(t, member, '/api/documents', form({ ownerType: 'case', ownerId: caseId }, { name, content }));

  test('an upload large enough for multipart round-trips through S3, leaving no multipart upload open', async () => {
    const text = `${randomBytes(6 * 1024 * 1024).toString('hex')}\n`;
    const res = await upload('Vernehmung Erika M.txt', Buffer.from(text));
    assert.equal(res.statusCode, 201, res.body);
    const download = await call(t, member, 'GET', `/api/documents/${res.json().id}/versions/1/content`);
    assert.equal(download.statusCode, 200);
    assert.equal(download.body, text);
    const [object] = fake.log.filter((r) => r.operation === 'CompleteMultipartUpload' || r.operation === 'PutObject');
    assert.ok(object !== undefined, 'the blob went to S3');
    assert.deepEqual(fake.pendingUploads(), []);
  });

  test('an object altered or deleted in the bucket is refused before the first byte', async () => {
    const res = await upload('notiz.txt', Buffer.from('vertraulich\n'));
    const id: string = res.json().id;
    const row = await t.database.db
      .selectFrom('document_versions')
      .select('blob_name')
      .where('document_id', '=', id)
      .executeTakeFirstOrThrow();
    await fake.corrupt(`tma/documents/${row.blob_name}`, 10);
    const altered = await call(t, member, 'GET', `/api/documents/${id}/versions/1/content`);
    assert.equal(altered.statusCode, 500);
    assert.equal(altered.json().code, 'document_damaged');
    assert.ok(!altered.body.includes('vertraulich'));
    fake.remove(`tma/documents/${row.blob_name}`);
    const vanished = await call(t, member, 'GET', `/api/documents/${id}/versions/1/content`);
    assert.equal(vanished.json().code, 'document_damaged');
  });

  test('while S3 cannot be reached, uploads answer 503 and leave nothing pending', async () => {
    fake.down();
    try {
      const res = await upload('notiz.txt', Buffer.from('später\n'));
      assert.equal(res.statusCode, 503, res.body);
    } finally {
      fake.up();
    }
    assert.equal((await t.database.db.selectFrom('blob_uploads').selectAll().execute()).length, 0);
  });

  const objects = async () => {
    const names: string[] = [];
    for await (const blob of store.list()) names.push(blob.name);
    return names;
  };
  const pending = async () => (await t.database.db.selectFrom('blob_uploads').selectAll().execute()).length;

  test('refused uploads (empty, polyglot, over the limit) leave no object and no open upload', async () => {
    const before = await objects();
    const empty = await upload('leer.txt', Buffer.alloc(0));
    assert.equal(empty.statusCode, 400, empty.body);
    const polyglot = await upload('bild.png', Buffer.from('%PDF-1.7\n'));
    assert.equal(polyglot.json().reason, 'type_mismatch', polyglot.body);
    const tooLarge = await upload('gross.txt', Buffer.alloc(LIMIT + 1, 0x61));
    assert.equal(tooLarge.statusCode, 413, tooLarge.body);
    assert.deepEqual(await objects(), before);
    assert.deepEqual(fake.pendingUploads(), []);
    assert.equal(await pending(), 0);
  });

  test('a client that goes away mid-way leaves no object, no open multipart upload and nothing pending', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const before = await objects();
    const parts = fake.log.filter((r) => r.operation === 'UploadPart').length;
    const body = form(
      { ownerType: 'case', ownerId: caseId },
      { name: 'halb.txt', content: Buffer.alloc(12 * 1024 * 1024, 0x61) },
    );
    const socket = await partialUpload(address, member, body, 9 * 1024 * 1024);
    // Under way: a part is in the bucket's open multipart upload.
    const uploaded = () => fake.log.filter((r) => r.operation === 'UploadPart').length > parts;
    for (let i = 0; i < 100 && !uploaded(); i++) await sleep(20);
    assert.ok(uploaded(), 'a part had gone up');
    socket.destroy();
    for (let i = 0; i < 100 && ((await pending()) > 0 || fake.pendingUploads().length > 0); i++) await sleep(50);
    assert.equal(await pending(), 0);
    assert.deepEqual(fake.pendingUploads(), []);
    assert.deepEqual(await objects(), before);
  });
});
