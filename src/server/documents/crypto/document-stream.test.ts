import assert from 'node:assert/strict';
import { createHash, createHmac, type Hash, hkdfSync, randomBytes, randomFillSync, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { newDocumentKey } from './document-key.ts';
import {
  CHUNK_TAG_BYTES,
  type DocumentBlob,
  DocumentStreamError,
  documentIntegrity,
  encryptedLength,
  encryptStream,
  HEADER_BYTES,
  openDocument,
  TRAILER_BYTES,
} from './document-stream.ts';

/*
 * Over 400 lines: one test per attack on the format (every header, chunk and trailer byte, every
 * truncation, reordering, splicing), each short; split, they would share the same fixtures.
 */
const KiB = 1024;
const MiB = 1024 * KiB;
// The tamper tests use 1 KiB chunks: six chunks from a few KiB, the last one short.
const SMALL = KiB;
const chunkAt = (i: number) => HEADER_BYTES + i * (SMALL + CHUNK_TAG_BYTES);

/** A blob in memory, served in pieces that straddle chunk boundaries, as a store would serve it. */
function memoryBlob(bytes: Buffer, piece = 777): DocumentBlob {
  return {
    size: bytes.length,
    async *read(start, endInclusive) {
      for (let at = start; at <= endInclusive; at += piece) {
        yield bytes.subarray(at, Math.min(endInclusive + 1, at + piece));
      }
    },
  };
}

async function* piecesOf(bytes: Buffer, size = 5000): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function encrypt(
  key: Buffer,
  id: string,
  plaintext: Buffer,
  chunkSize?: number,
  source: AsyncIterable<Uint8Array> = piecesOf(plaintext),
) {
  const stream = encryptStream(key, id, source, { chunkSize });
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return { blob: Buffer.concat(parts), facts: stream.facts };
}

async function drain(chunks: AsyncIterable<Buffer>): Promise<{ out: Buffer; error: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const chunk of chunks) parts.push(Buffer.from(chunk));
    return { out: Buffer.concat(parts), error: undefined };
  } catch (error) {
    return { out: Buffer.concat(parts), error };
  }
}

const isProblem = (problem: string, chunk?: number) => (e: unknown) => {
  assert.ok(e instanceof DocumentStreamError, String(e));
  assert.equal(e.problem, problem, e.message);
  if (chunk !== undefined) assert.equal(e.chunk, chunk, e.message);
  return true;
};

const flipped = (bytes: Buffer, at: number, bit = 0x01) => {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ bit;
  return copy;
};

/** A fixture of six 1 KiB chunks, the last one 300 bytes. */
async function fixture() {
  const key = newDocumentKey();
  const id = randomUUID();
  const plaintext = randomBytes(5 * SMALL + 300);
  const { blob, facts } = await encrypt(key, id, plaintext, SMALL);
  assert.equal(facts.chunkCount, 6);
  const refused = (bytes: Buffer | DocumentBlob, problem: string, openId = id, openKey = key) =>
    assert.rejects(
      openDocument(openKey, openId, Buffer.isBuffer(bytes) ? memoryBlob(bytes) : bytes),
      isProblem(problem),
    );
  /** Opens, then fails at `chunk`, having yielded exactly the valid chunks before it. */
  const failsAt = async (bytes: Buffer | DocumentBlob, chunk: number, problem = 'tampered') => {
    const opened = await openDocument(key, id, Buffer.isBuffer(bytes) ? memoryBlob(bytes) : bytes);
    const { out, error } = await drain(opened.chunks);
    isProblem(problem, chunk)(error);
    assert.ok(out.equals(plaintext.subarray(0, chunk * SMALL)), `chunks before ${chunk} only`);
  };
  return { key, id, plaintext, blob, facts, refused, failsAt };
}

/** The trailer a holder of the document key could write, from the layout in document-stream.ts. */
function trailerFor(key: Buffer, id: string, header: Buffer, plaintextLength: number, chunkCount: number): Buffer {
  const trailerKey = Buffer.from(hkdfSync('sha256', key, header.subarray(6, 22), 'tma-document/v1/trailer', 32));
  const idBytes = Buffer.from(id, 'utf8');
  const idLength = Buffer.alloc(4);
  idLength.writeUInt32BE(idBytes.length);
  const fields = Buffer.alloc(12);
  fields.writeBigUInt64BE(BigInt(plaintextLength), 0);
  fields.writeUInt32BE(chunkCount, 8);
  const mac = createHmac('sha256', trailerKey).update(header).update(idLength).update(idBytes).update(fields).digest();
  return Buffer.concat([fields, mac, Buffer.from('TMAD-END')]);
}

/**
 * Samples growth over the start, with V8's collector run every few pieces: left alone, V8 lets tens
 * of MB of freed buffers pile up before it collects (more, the less garbage a stream makes), which
 * says nothing of what a stream holds. A stream that kept its chunks would still grow past any bound.
 */
function memoryMeter() {
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as () => void;
  collect();
  const base = process.memoryUsage();
  const peak = { rss: 0, arrayBuffers: 0 };
  const sample = () => {
    const now = process.memoryUsage();
    peak.rss = Math.max(peak.rss, now.rss - base.rss);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers - base.arrayBuffers);
  };
  const timer = setInterval(sample, 20);
  return {
    collectAndSample: () => {
      collect();
      sample();
    },
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

async function* generated(total: number, hash: Hash, onPiece: () => void): AsyncGenerator<Buffer> {
  for (let left = total; left > 0; ) {
    const piece = randomFillSync(Buffer.allocUnsafe(Math.min(left, 100_003)));
    hash.update(piece);
    left -= piece.length;
    onPiece();
    yield piece;
  }
}

const mb = (bytes: number) => (bytes / MiB).toFixed(1);

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

test('a flipped bit in the header is refused before any plaintext', async () => {
  const { blob, refused } = await fixture();
  for (let at = 0; at < HEADER_BYTES; at++) {
    for (const bit of [0x01, 0x80]) {
      // The magic; the version; the chunk size (out of range, or another one); salt and nonce prefix; key check.
      let problem = at < 4 ? 'malformed' : at === 4 ? 'unsupported_version' : at < 30 ? 'tampered' : 'wrong_key';
      if (at === 5 && bit === 0x80) problem = 'malformed';
      await refused(flipped(blob, at, bit), problem);
    }
  }
});

test('a flipped bit in a chunk or its tag fails at that chunk, after only the valid chunks before it', async () => {
  const { blob, failsAt } = await fixture();
  for (const chunk of [0, 2, 5]) {
    const end = chunk === 5 ? blob.length - TRAILER_BYTES : chunkAt(chunk + 1);
    for (const at of [
      chunkAt(chunk),
      chunkAt(chunk) + 100,
      end - CHUNK_TAG_BYTES - 1,
      end - CHUNK_TAG_BYTES,
      end - 1,
    ]) {
      await failsAt(flipped(blob, at, 0x10), chunk);
    }
  }
});

test('a flipped bit in the trailer is refused before any plaintext', async () => {
  const { blob, refused } = await fixture();
  for (let at = blob.length - TRAILER_BYTES; at < blob.length; at++) {
    // The end marker is not authenticated: without it, the blob reads as cut short.
    await refused(flipped(blob, at), at < blob.length - 8 ? 'tampered' : 'truncated');
  }
});

test('a truncation anywhere is refused before any plaintext', async () => {
  const { blob, refused } = await fixture();
  const lastEnd = blob.length - TRAILER_BYTES;
  const cuts = [0, 1, HEADER_BYTES - 1, HEADER_BYTES, HEADER_BYTES + 16, lastEnd - 1, lastEnd, lastEnd + 30];
  for (let i = 1; i <= 5; i++) cuts.push(chunkAt(i), chunkAt(i) - 1, chunkAt(i) - 500);
  cuts.push(blob.length - 1);
  for (const cut of cuts) await refused(blob.subarray(0, cut), 'truncated');
});

test('bytes appended to a blob, or a chunk inserted or cut out, are refused before any plaintext', async () => {
  const { key, id, blob, refused } = await fixture();
  for (const extra of [1, 8, 51, 52, 1000, 4096]) await refused(Buffer.concat([blob, randomBytes(extra)]), 'tampered');
  // Past the window a reader looks back through, appended bytes look like a cut.
  await refused(Buffer.concat([blob, randomBytes(4097)]), 'truncated');
  const trailer = blob.subarray(blob.length - TRAILER_BYTES);
  await refused(Buffer.concat([blob, trailer]), 'tampered');
  const chunk2 = blob.subarray(chunkAt(2), chunkAt(3));
  await refused(Buffer.concat([blob.subarray(0, chunkAt(2)), blob.subarray(chunkAt(3))]), 'truncated');
  await refused(Buffer.concat([blob.subarray(0, chunkAt(3)), chunk2, blob.subarray(chunkAt(3))]), 'tampered');
  assert.ok(trailerFor(key, id, blob.subarray(0, HEADER_BYTES), 5 * SMALL + 300, 6).equals(trailer), 'the layout');
});

test('truncation to a chunk boundary fails even with a trailer the attacker cannot make (no final flag)', async () => {
  const { key, id, blob, refused, failsAt } = await fixture();
  const header = blob.subarray(0, HEADER_BYTES);
  const trailer = blob.subarray(blob.length - TRAILER_BYTES);
  for (const k of [1, 3, 5]) {
    const cut = blob.subarray(0, chunkAt(k));
    await refused(Buffer.concat([cut, trailer]), 'truncated');
    // Only a holder of the document key can write a trailer; even then chunk k-1 is not a last chunk.
    await failsAt(Buffer.concat([cut, trailerFor(key, id, header, k * SMALL, k)]), k - 1);
  }
});

test('swapped chunks, and chunks from another blob, fail at the first misplaced chunk', async () => {
  const { key, id, plaintext, blob, failsAt } = await fixture();
  const part = (bytes: Buffer, i: number) => bytes.subarray(chunkAt(i), chunkAt(i + 1));
  const swapped = Buffer.concat([
    blob.subarray(0, chunkAt(1)),
    part(blob, 2),
    part(blob, 1),
    blob.subarray(chunkAt(3)),
  ]);
  await failsAt(swapped, 1);
  const sameKey = (await encrypt(key, id, plaintext, SMALL)).blob;
  const otherKey = (await encrypt(newDocumentKey(), id, plaintext, SMALL)).blob;
  for (const other of [sameKey, otherKey]) {
    await failsAt(Buffer.concat([blob.subarray(0, chunkAt(3)), part(other, 3), blob.subarray(chunkAt(4))]), 3);
    const end = blob.length - TRAILER_BYTES;
    await failsAt(
      Buffer.concat([blob.subarray(0, chunkAt(5)), other.subarray(chunkAt(5), end), blob.subarray(end)]),
      5,
    );
  }
});

test('another document id or another key is refused before any plaintext', async () => {
  const { blob, refused, key } = await fixture();
  await refused(blob, 'tampered', randomUUID());
  await refused(blob, 'wrong_key', undefined, newDocumentKey());
  await refused(Buffer.concat([Buffer.from('%PDF-1.7'), blob]), 'malformed');
  await assert.rejects(openDocument(key.subarray(0, 16), randomUUID(), memoryBlob(blob)), TypeError);
});

test('a blob that shrinks or grows under the reader fails after the valid chunks only', async () => {
  const { key, id, blob, plaintext, failsAt } = await fixture();
  const inner = memoryBlob(blob);
  const lie = (delta: number): DocumentBlob => ({
    size: blob.length,
    read: (start, end) => inner.read(start, start === HEADER_BYTES ? end + delta : end),
  });
  // The body's read stops 100 bytes into chunk 3.
  await failsAt(lie(chunkAt(3) + 100 - (blob.length - TRAILER_BYTES)), 3, 'truncated');
  // It runs 10 bytes past the last chunk: every chunk was valid, then the extra bytes fail.
  const { out, error } = await drain((await openDocument(key, id, lie(10))).chunks);
  isProblem('tampered', 6)(error);
  assert.ok(out.equals(plaintext));
});

test('a failing download destroys its destination, which then never finishes', async () => {
  const { key, id, plaintext, blob } = await fixture();
  const opened = await openDocument(key, id, memoryBlob(flipped(blob, chunkAt(2) + 5)));
  const received: Buffer[] = [];
  const response = new Writable({
    write(chunk: Buffer, _encoding, done) {
      received.push(chunk);
      done();
    },
  });
  await assert.rejects(pipeline(opened.chunks, response), isProblem('tampered', 2));
  assert.ok(response.destroyed);
  assert.equal(response.writableFinished, false);
  assert.ok(Buffer.concat(received).equals(plaintext.subarray(0, 2 * SMALL)));
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
