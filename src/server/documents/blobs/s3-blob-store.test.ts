import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { type TestContext, test } from 'node:test';
import { CreateMultipartUploadCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { blobStoreConformance, collect, pattern, patternAt } from '../../../../test/support/blob-store-conformance.ts';
import { FakeS3 } from '../../../../test/support/fake-s3.ts';
import { BlobMissingError, BlobStoreError, newBlobName } from './blob-store.ts';
import { S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store.ts';

// Explicit dummies: the SDK then never looks for credentials in the environment, ~/.aws or the instance metadata service.
const credentials = { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'not-a-secret-of-anyone' };
const MiB = 1024 * 1024;

async function setup(t: TestContext, options: Partial<S3BlobStoreOptions> = {}) {
  const fake = new FakeS3();
  const server = await fake.start();
  t.after(server.close);
  const store = s3Store(t, server.url, options);
  t.after(() => assert.deepEqual(fake.internalErrors, [], 'the fake itself never failed'));
  return { fake, url: server.url, store };
}

function s3Store(t: TestContext, endpoint: string, options: Partial<S3BlobStoreOptions> = {}): S3BlobStore {
  const store = new S3BlobStore({
    region: 'eu-central-1',
    bucket: 'tma-test',
    endpoint,
    forcePathStyle: true,
    credentials,
    ...options,
  });
  t.after(() => store.close());
  return store;
}

async function unavailable(promise: Promise<unknown>): Promise<{ error: BlobStoreError; ms: number }> {
  const start = performance.now();
  const error = await promise.catch((e: unknown) => e);
  assert.ok(error instanceof BlobStoreError, String(error));
  assert.equal(error.problem, 'unavailable', String(error));
  return { error, ms: performance.now() - start };
}

const PREFIX = 'tma/documents/';

blobStoreConformance('s3', async (t) => {
  const { fake, store } = await setup(t, { keyPrefix: PREFIX });
  // Short pages: list has to follow continuation tokens in every test that lists.
  fake.maxKeys = 2;
  return {
    store,
    pending: async () => fake.pendingUploads().length,
    vanish: async (name) => fake.remove(PREFIX + name),
  };
});

test('s3: what the SDK sends: CRC32 checksums as headers (parts are buffers, never aws-chunked), If-None-Match', async (t) => {
  const { fake, store } = await setup(t);
  const small = newBlobName();
  await store.put(small, pattern(1));
  const put = fake.log.filter((entry) => entry.operation === 'PutObject');
  assert.equal(put.length, 1);
  assert.match(String(put[0]?.headers['x-amz-checksum-crc32']), /^[A-Za-z0-9+/]{6}==$/);
  assert.equal(put[0]?.headers['content-encoding'], undefined);
  assert.equal(put[0]?.headers['if-none-match'], '*');

  fake.log.length = 0;
  const large = newBlobName();
  await store.put(large, pattern(20 * MiB));
  const operations = fake.log.map((entry) => entry.operation);
  assert.deepEqual(operations, [
    'CreateMultipartUpload',
    'UploadPart',
    'UploadPart',
    'UploadPart',
    'CompleteMultipartUpload',
  ]);
  assert.equal(fake.log[0]?.headers['x-amz-checksum-algorithm'], 'CRC32');
  for (const part of fake.log.filter((entry) => entry.operation === 'UploadPart')) {
    assert.ok(part.headers['x-amz-checksum-crc32'] !== undefined);
    assert.equal(part.headers['content-encoding'], undefined);
  }
  assert.equal(fake.log.at(-1)?.headers['if-none-match'], '*');
  assert.deepEqual(fake.pendingUploads(), []);
});

test('s3: requestChecksumCalculation WHEN_REQUIRED: no checksum sent, still a round trip', async (t) => {
  const { fake, store } = await setup(t, { requestChecksumCalculation: 'WHEN_REQUIRED' });
  const name = newBlobName();
  await store.put(name, pattern(9 * MiB));
  assert.deepEqual(await collect(store.read(name, 9 * MiB - 3)), patternAt(9 * MiB - 3, 3));
  for (const entry of fake.log.filter((e) => e.operation !== 'GetObject')) {
    const sent = Object.keys(entry.headers).filter((header) => header.startsWith('x-amz-checksum-'));
    assert.deepEqual(sent, [], entry.operation);
  }
});

test("s3: a whole read is checked against the object's CRC32: a flipped bit breaks the read off", async (t) => {
  const { fake, store } = await setup(t);
  const name = newBlobName();
  await store.put(name, pattern(100_000));
  await fake.corrupt(name, 99_999);
  const error = await collect(store.read(name)).catch((e: unknown) => e);
  assert.ok(error instanceof BlobStoreError && error.problem === 'unavailable', String(error));
  assert.match(error.message, /broke off/);
  // A range carries no checksum, from S3 as from the fake: the bytes come as stored.
  assert.equal((await collect(store.read(name, 0, 9))).length, 10);
});

test('s3: SSE-KMS and the key prefix: headers on the calls that create objects; nothing else under the prefix listed', async (t) => {
  const kmsKeyId = 'arn:aws:kms:eu-central-1:111122223333:key/0b6e1c2a-0000-4000-8000-000000000001';
  const { fake, url, store } = await setup(t, { keyPrefix: PREFIX, kmsKeyId });
  const small = newBlobName();
  const large = newBlobName();
  await store.put(small, pattern(10));
  await store.put(large, pattern(9 * MiB));
  for (const entry of fake.log.filter((e) => ['PutObject', 'CreateMultipartUpload'].includes(e.operation))) {
    assert.equal(entry.headers['x-amz-server-side-encryption'], 'aws:kms', entry.operation);
    assert.equal(entry.headers['x-amz-server-side-encryption-aws-kms-key-id'], kmsKeyId, entry.operation);
    assert.ok(entry.key.startsWith(PREFIX), entry.key);
  }
  const client = new S3Client({ region: 'eu-central-1', endpoint: url, forcePathStyle: true, credentials });
  t.after(() => client.destroy());
  for (const Key of [`${PREFIX}README.txt`, `${PREFIX}sub/${newBlobName()}`, newBlobName()]) {
    await client.send(new PutObjectCommand({ Bucket: fake.bucket, Key, Body: 'not a blob' }));
  }
  const names: string[] = [];
  for await (const info of store.list()) names.push(info.name);
  assert.deepEqual(names, [small, large].sort());
});

test('s3: the fake decodes an aws-chunked body with a trailing CRC32, as the SDK streams one', async (t) => {
  const { fake, url, store } = await setup(t);
  const client = new S3Client({ region: 'eu-central-1', endpoint: url, forcePathStyle: true, credentials });
  t.after(() => client.destroy());
  const name = newBlobName();
  const total = 3 * MiB + 7;
  await client.send(
    new PutObjectCommand({ Bucket: fake.bucket, Key: name, Body: Readable.from(pattern(total)), ContentLength: total }),
  );
  const put = fake.log.find((entry) => entry.operation === 'PutObject');
  assert.equal(put?.headers['content-encoding'], 'aws-chunked');
  assert.equal(put?.headers['x-amz-trailer'], 'x-amz-checksum-crc32');
  assert.equal(put?.headers['x-amz-content-sha256'], 'STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  assert.equal(await store.size(name), total);
  assert.deepEqual(await collect(store.read(name, total - 100)), patternAt(total - 100, 100));
});

test('s3: a store that is down (refused, black-holed or failing) is unavailable within a bounded time', async (t) => {
  const closed = createServer();
  await once(closed.listen(0, '127.0.0.1'), 'listening');
  const address = closed.address();
  assert.ok(address !== null && typeof address === 'object');
  await new Promise((resolve) => closed.close(resolve));
  const refused = s3Store(t, `http://127.0.0.1:${address.port}`, { timeoutMs: 500, maxAttempts: 2 });
  const name = newBlobName();
  for (const call of [
    () => refused.size(name),
    () => refused.put(name, pattern(10)),
    () => refused.put(name, pattern(12 * MiB)),
    () => collect(refused.read(name)),
    () => refused.list()[Symbol.asyncIterator]().next(),
    () => refused.delete(name),
    () => refused.check(),
    () => refused.sweepPending(new Date()),
  ]) {
    const { error, ms } = await unavailable(call());
    t.diagnostic(`refused: ${error.message} after ${Math.round(ms)} ms`);
    assert.ok(ms < 5000, `${error.message} after ${ms} ms`);
    assert.match(error.message, /ECONNREFUSED/);
  }

  const { fake, store } = await setup(t, { timeoutMs: 500, maxAttempts: 2 });
  const kept = newBlobName();
  await store.put(kept, pattern(10));
  fake.down();
  const calls = [
    () => store.size(kept),
    () => store.put(name, pattern(10)),
    () => collect(store.read(kept)),
    () => store.check(),
  ];
  for (const call of calls) {
    const { error, ms } = await unavailable(call());
    t.diagnostic(`black hole: ${error.message} after ${Math.round(ms)} ms`);
    assert.ok(ms < 2 * (500 + 1000) + 1000, `${error.message} after ${ms} ms`);
  }
  fake.up();
  fake.failWith('InternalError', 500);
  const before = fake.requests;
  const { error } = await unavailable(store.size(kept));
  assert.match(error.message, /500/);
  assert.equal(fake.requests - before, 2, 'retried up to maxAttempts');
  fake.up();
  assert.equal(await store.size(kept), 10);
});

test('s3: a put cut off by an outage leaves a pending multipart upload that sweepPending aborts once old', async (t) => {
  const { fake, url, store } = await setup(t, { timeoutMs: 500, maxAttempts: 2 });
  const client = new S3Client({ region: 'eu-central-1', endpoint: url, forcePathStyle: true, credentials });
  t.after(() => client.destroy());
  // Someone else's unfinished upload, not named as a blob: never the store's to abort.
  await client.send(new CreateMultipartUploadCommand({ Bucket: fake.bucket, Key: 'backups/db.tar' }));
  fake.age('backups/db.tar', 2 * 3_600_000);
  const name = newBlobName();
  const started = performance.now();
  await unavailable(
    store.put(
      name,
      pattern(40 * MiB, (bytes) => {
        if (bytes >= 17 * MiB) fake.down();
      }),
    ),
  );
  const ms = Math.round(performance.now() - started);
  t.diagnostic(`put cut off by the outage rejected after ${ms} ms`);
  assert.ok(ms < 15_000);
  fake.up();
  const pending = new Set(fake.pendingUploads());
  assert.deepEqual(pending, new Set(['backups/db.tar', name]), 'AbortMultipartUpload could not reach S3 either');
  await assert.rejects(store.size(name), BlobMissingError);
  assert.equal(await store.sweepPending(new Date(Date.now() - 3_600_000)), 0, 'too young to be abandoned');
  fake.age(name, 2 * 3_600_000);
  assert.equal(await store.sweepPending(new Date(Date.now() - 3_600_000)), 1);
  assert.deepEqual(fake.pendingUploads(), ['backups/db.tar']);
  assert.deepEqual(fake.internalErrors, []);
});

test('s3: options are checked; a bucket that does not exist fails check', async (t) => {
  const base = { region: 'eu-central-1', bucket: 'b', credentials };
  for (const keyPrefix of ['/abs/', '../', 'a/../', 'no-slash', 'a//']) {
    assert.throws(() => new S3BlobStore({ ...base, keyPrefix }), TypeError, keyPrefix);
  }
  assert.throws(() => new S3BlobStore({ ...base, queueSize: 0 }), TypeError);
  assert.throws(() => new S3BlobStore({ ...base, timeoutMs: 0 }), TypeError);
  const { url } = await setup(t);
  const elsewhere = s3Store(t, url, { bucket: 'not-there' });
  await unavailable(elsewhere.check());
  await unavailable(elsewhere.put(newBlobName(), pattern(1)));
});
