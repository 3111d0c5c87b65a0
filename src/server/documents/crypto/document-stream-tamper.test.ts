import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { newDocumentKey } from './document-key.ts';
import { CHUNK_TAG_BYTES, type DocumentBlob, HEADER_BYTES, openDocument, TRAILER_BYTES } from './document-stream.ts';

import {
  chunkAt,
  drain,
  encrypt,
  fixture,
  flipped,
  isProblem,
  memoryBlob,
  SMALL,
  trailerFor,
} from './test-fixtures.ts';

/** Every attack on the format: altered, cut, extended, reordered or spliced blobs fail, never releasing a bad chunk. */
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
