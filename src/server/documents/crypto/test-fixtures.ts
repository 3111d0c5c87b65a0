import assert from 'node:assert/strict';
import { createHmac, type Hash, hkdfSync, randomBytes, randomFillSync, randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { newDocumentKey } from './document-key.ts';
import {
  CHUNK_TAG_BYTES,
  type DocumentBlob,
  DocumentStreamError,
  encryptStream,
  HEADER_BYTES,
  openDocument,
} from './document-stream.ts';

/** The document stream tests' fixtures (document-stream.test.ts, document-stream-tamper.test.ts). */
export const KiB = 1024;
export const MiB = 1024 * KiB;
// The tamper tests use 1 KiB chunks: six chunks from a few KiB, the last one short.
export const SMALL = KiB;
export const chunkAt = (i: number) => HEADER_BYTES + i * (SMALL + CHUNK_TAG_BYTES);

/** A blob in memory, served in pieces that straddle chunk boundaries, as a store would serve it. */
export function memoryBlob(bytes: Buffer, piece = 777): DocumentBlob {
  return {
    size: bytes.length,
    async *read(start, endInclusive) {
      for (let at = start; at <= endInclusive; at += piece) {
        yield bytes.subarray(at, Math.min(endInclusive + 1, at + piece));
      }
    },
  };
}

export async function* piecesOf(bytes: Buffer, size = 5000): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

export async function encrypt(
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

export async function drain(chunks: AsyncIterable<Buffer>): Promise<{ out: Buffer; error: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const chunk of chunks) parts.push(Buffer.from(chunk));
    return { out: Buffer.concat(parts), error: undefined };
  } catch (error) {
    return { out: Buffer.concat(parts), error };
  }
}

export const isProblem = (problem: string, chunk?: number) => (e: unknown) => {
  assert.ok(e instanceof DocumentStreamError, String(e));
  assert.equal(e.problem, problem, e.message);
  if (chunk !== undefined) assert.equal(e.chunk, chunk, e.message);
  return true;
};

export const flipped = (bytes: Buffer, at: number, bit = 0x01) => {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ bit;
  return copy;
};

/** A fixture of six 1 KiB chunks, the last one 300 bytes. */
export async function fixture() {
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
export function trailerFor(
  key: Buffer,
  id: string,
  header: Buffer,
  plaintextLength: number,
  chunkCount: number,
): Buffer {
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
export function memoryMeter() {
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

export async function* generated(total: number, hash: Hash, onPiece: () => void): AsyncGenerator<Buffer> {
  for (let left = total; left > 0; ) {
    const piece = randomFillSync(Buffer.allocUnsafe(Math.min(left, 100_003)));
    hash.update(piece);
    left -= piece.length;
    onPiece();
    yield piece;
  }
}

export const mb = (bytes: number) => (bytes / MiB).toFixed(1);
