import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { newDocumentKey } from './document-key.ts';
import {
  type DocumentBlob,
  documentIntegrity,
  encryptedLength,
  encryptStream,
  openDocument,
} from './document-stream.ts';

import {
  chunkAt,
  drain,
  encrypt,
  fixture,
  flipped,
  generated,
  isProblem,
  KiB,
  MiB,
  mb,
  memoryBlob,
  memoryMeter,
  piecesOf,
  SMALL,
} from './test-fixtures.ts';

test('upload and download of 256 MiB through a file run in constant memory', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'tma-document-stream-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'blob');
  const key = newDocumentKey();
  const id = randomUUID();
  const [written, read] = [createHash('sha256'), createHash('sha256')];
  const meter = memoryMeter();
  let pieces = 0;
  const tick = () => {
    if (++pieces % 16 === 0) meter.collectAndSample();
  };
  const started = performance.now();
  const stream = encryptStream(key, id, generated(256 * MiB, written, tick));
  await pipeline(stream, createWriteStream(file));
  const size = (await stat(file)).size;
  assert.equal(size, stream.facts.blobLength);
  const opened = await openDocument(key, id, {
    size,
    read: (start, end) => createReadStream(file, { start, end, highWaterMark: 64 * KiB }),
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      read.update(chunk);
      tick();
      done();
    },
  });
  await pipeline(opened.chunks, sink);
  const peak = meter.stop();
  t.diagnostic(
    `256 MiB up and down in ${((performance.now() - started) / 1000).toFixed(1)} s; peak growth: ` +
      `rss ${mb(peak.rss)} MiB, arrayBuffers ${mb(peak.arrayBuffers)} MiB`,
  );
  assert.equal(read.digest('hex'), written.digest('hex'));
  assert.ok(peak.rss < 40 * MiB, `rss grew by ${mb(peak.rss)} MiB`);
  assert.ok(peak.arrayBuffers < 40 * MiB, `arrayBuffers grew by ${mb(peak.arrayBuffers)} MiB`);
});

test('round trip at the chunk boundaries and beyond, with the facts to store', async () => {
  const key = newDocumentKey();
  const id = randomUUID();
  for (const size of [0, 1, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1, 3 * MiB + 5]) {
    const plaintext = randomBytes(size);
    const { blob, facts } = await encrypt(key, id, plaintext);
    assert.equal(facts.plaintextLength, size);
    assert.equal(facts.chunkCount, Math.max(1, Math.ceil(size / (64 * KiB))));
    assert.equal(facts.chunkSize, 64 * KiB);
    assert.equal(facts.blobLength, blob.length);
    assert.equal(blob.length, encryptedLength(size));
    assert.ok(facts.integrity.equals(documentIntegrity(key).update(plaintext).digest()));
    if (size >= 32) assert.equal(blob.indexOf(plaintext.subarray(0, 32)), -1, 'no plaintext in the blob');
    const opened = await openDocument(key, id, memoryBlob(blob, 10_007));
    assert.equal(opened.plaintextLength, size);
    assert.equal(opened.chunkCount, facts.chunkCount);
    const { out, error } = await drain(opened.chunks);
    assert.equal(error, undefined);
    assert.ok(out.equals(plaintext), `size ${size}`);
  }
});

test("the source's piece sizes do not matter, and every blob is fresh", async () => {
  const key = newDocumentKey();
  const id = randomUUID();
  const plaintext = randomBytes(3 * SMALL);
  async function* odd() {
    yield Buffer.alloc(0);
    for (let at = 0; at < 1500; at++) yield new Uint8Array(plaintext.subarray(at, at + 1));
    yield Buffer.alloc(0);
    yield plaintext.subarray(1500);
  }
  const blobs = [
    await encrypt(key, id, plaintext, SMALL, odd()),
    await encrypt(key, id, plaintext, SMALL, piecesOf(plaintext, plaintext.length)),
  ];
  for (const { blob, facts } of blobs) {
    assert.equal(facts.chunkCount, 3, 'a last chunk of exactly C bytes, no empty chunk after it');
    assert.ok((await drain((await openDocument(key, id, memoryBlob(blob))).chunks)).out.equals(plaintext));
  }
  assert.ok(!blobs[0]?.blob.equals(blobs[1]?.blob ?? Buffer.alloc(0)), 'a fresh salt and nonce prefix per blob');
});

test('ranged reads authenticate only the chunks they need', async () => {
  const { key, id, plaintext, blob } = await fixture();
  const L = plaintext.length;
  const reads: [number, number][] = [];
  const watched: DocumentBlob = {
    size: blob.length,
    read(start, end) {
      reads.push([start, end]);
      return memoryBlob(blob).read(start, end);
    },
  };
  const opened = await openDocument(key, id, watched);
  const ranges: [number, number][] = [
    [0, 1],
    [1023, 1025],
    [2048, 4096],
    [100, 5000],
    [L - 1, L],
    [0, L],
    [7, 7],
    [L, L],
  ];
  for (const [start, end] of ranges) {
    reads.length = 0;
    const { out, error } = await drain(opened.range(start, end));
    assert.equal(error, undefined);
    assert.ok(out.equals(plaintext.subarray(start, end)), `[${start}, ${end})`);
    if (start === 2048 && end === 4096) assert.deepEqual(reads, [[chunkAt(2), chunkAt(4) - 1]], 'chunks 2 and 3 only');
    if (start === end) assert.deepEqual(reads, [], 'an empty range reads nothing');
  }
  assert.throws(() => opened.range(0, L + 1), RangeError);
  assert.throws(() => opened.range(5, 4), RangeError);
  const tampered = await openDocument(key, id, memoryBlob(flipped(blob, chunkAt(3) + 9)));
  const { out, error } = await drain(tampered.range(2500, 4000));
  isProblem('tampered', 3)(error);
  assert.ok(out.equals(plaintext.subarray(2500, 3 * SMALL)), 'the range up to the bad chunk');
});

test('the integrity value is a keyed HMAC: not the SHA-256, and different per document', async () => {
  const plaintext = randomBytes(100 * KiB);
  const key = newDocumentKey();
  const id = randomUUID();
  const first = (await encrypt(key, id, plaintext)).facts.integrity;
  const other = (await encrypt(newDocumentKey(), randomUUID(), plaintext)).facts.integrity;
  assert.equal(first.length, 32);
  assert.ok(!first.equals(createHash('sha256').update(plaintext).digest()));
  assert.ok(!first.equals(other), 'same content, another document');
  assert.ok(first.equals((await encrypt(key, id, plaintext)).facts.integrity), 'a re-encryption keeps it');
});

test('options and arguments are checked at once', async () => {
  const key = newDocumentKey();
  for (const chunkSize of [512, 3000, 2 * MiB]) {
    assert.throws(() => encryptStream(key, 'd', piecesOf(Buffer.alloc(1)), { chunkSize }), RangeError);
  }
  assert.throws(() => encryptStream(key.subarray(1), 'd', piecesOf(Buffer.alloc(1))), TypeError);
  assert.throws(() => encryptStream(key, '', piecesOf(Buffer.alloc(1))), TypeError);
  const stream = encryptStream(key, 'd', piecesOf(Buffer.alloc(1)));
  assert.throws(() => stream.facts, /not ended/);
  await drain(stream);
  assert.equal(stream.facts.plaintextLength, 1);
});

test('throughput of a 64 MiB stream (diagnostic, not asserted)', async (t) => {
  const key = newDocumentKey();
  const id = randomUUID();
  const block = randomBytes(MiB);
  async function* source() {
    for (let i = 0; i < 64; i++) yield block;
  }
  let started = performance.now();
  const parts: Buffer[] = [];
  for await (const part of encryptStream(key, id, source())) parts.push(part);
  const encryptMs = performance.now() - started;
  const blob = Buffer.concat(parts);
  parts.length = 0;
  started = performance.now();
  let bytes = 0;
  for await (const chunk of (await openDocument(key, id, memoryBlob(blob, 64 * KiB))).chunks) bytes += chunk.length;
  const decryptMs = performance.now() - started;
  assert.equal(bytes, 64 * MiB);
  const rate = (ms: number) => (64 / (ms / 1000)).toFixed(0);
  t.diagnostic(
    `64 MiB: encrypt ${rate(encryptMs)} MiB/s, decrypt ${rate(decryptMs)} MiB/s, ` +
      `round trip ${rate(encryptMs + decryptMs)} MiB/s`,
  );
});
