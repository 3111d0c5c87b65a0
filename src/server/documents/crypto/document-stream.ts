import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  bytesOf,
  CHUNK_TAG_BYTES,
  type Context,
  checkKey,
  chunkCountOf,
  chunkLog2Of,
  contextOf,
  DEFAULT_CHUNK_SIZE,
  DOCUMENT_STREAM_VERSION,
  type DocumentBlob,
  type DocumentFacts,
  type DocumentLayout,
  DocumentStreamError,
  documentIdBytes,
  documentIntegrity,
  END_MARKER,
  type EncryptedDocumentStream,
  EXTENSION_WINDOW,
  HEADER_BYTES,
  KEY_CHECK,
  keyCheckOf,
  MAGIC,
  MAX_CHUNK_LOG2,
  MAX_CHUNKS,
  MIN_CHUNK_LOG2,
  type OpenedDocument,
  openChunk,
  sealChunk,
  TRAILER_BYTES,
  TRAILER_FIELDS,
  trailerMac,
} from './document-format.ts';

/** Writing and reading encrypted document streams; the format, its layout and why, in document-format.ts. */
export {
  CHUNK_TAG_BYTES,
  DEFAULT_CHUNK_SIZE,
  DOCUMENT_STREAM_VERSION,
  type DocumentBlob,
  type DocumentFacts,
  type DocumentLayout,
  DocumentStreamError,
  type DocumentStreamProblem,
  documentIntegrity,
  type EncryptedDocumentStream,
  encryptedLength,
  HEADER_BYTES,
  type OpenedDocument,
  TRAILER_BYTES,
} from './document-format.ts';

/**
 * Encrypts `source` into the blob's bytes for the document (version) `documentId` under its document
 * key, holding at most one chunk of plaintext: the last chunk is sealed only once the source has ended,
 * since only then is it known to be the last.
 */
export function encryptStream(
  key: Buffer,
  documentId: string,
  source: AsyncIterable<Uint8Array>,
  /** chunkSize: a power of two from 1 KiB to 1 MiB; 64 KiB by default. */
  options: { readonly chunkSize?: number | undefined } = {},
): EncryptedDocumentStream {
  checkKey(key);
  const id = documentIdBytes(documentId);
  const log2 = chunkLog2Of(options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  let facts: DocumentFacts | undefined;
  const stream = produce(key, id, source, log2, (done) => {
    facts = done;
  });
  return Object.defineProperty(stream, 'facts', {
    get(): DocumentFacts {
      if (facts === undefined) throw new Error('the document stream has not ended');
      return facts;
    },
  }) as EncryptedDocumentStream;
}

async function* produce(
  key: Buffer,
  documentId: Buffer,
  source: AsyncIterable<Uint8Array>,
  log2: number,
  ended: (facts: DocumentFacts) => void,
): AsyncGenerator<Buffer, void, undefined> {
  const chunkSize = 2 ** log2;
  const header = Buffer.concat([
    MAGIC,
    Buffer.from([DOCUMENT_STREAM_VERSION, log2]),
    randomBytes(16 + 8),
    keyCheckOf(key),
  ]);
  const context = contextOf(key, documentId, header);
  const integrity = documentIntegrity(key);
  const pending = Buffer.alloc(chunkSize);
  let filled = 0;
  let index = 0;
  let plaintextLength = 0;
  let blobLength = header.length;
  try {
    yield header;
    for await (const piece of source) {
      const bytes = bytesOf(piece);
      integrity.update(bytes);
      plaintextLength += bytes.length;
      let offset = 0;
      while (offset < bytes.length) {
        if (filled === chunkSize) {
          // More plaintext follows, so the full chunk held back is not the last one.
          if (index + 1 >= MAX_CHUNKS) throw new RangeError('a document has at most 2^32 - 1 chunks');
          const [ciphertext, tag] = sealChunk(context, index++, pending, undefined);
          blobLength += ciphertext.length + tag.length;
          filled = 0;
          yield ciphertext;
          yield tag;
        }
        const copied = bytes.copy(pending, filled, offset, offset + chunkSize - filled);
        filled += copied;
        offset += copied;
      }
    }
    const layout: DocumentLayout = { chunkSize, plaintextLength, chunkCount: index + 1 };
    const [lastCiphertext, lastTag] = sealChunk(context, index, pending.subarray(0, filled), layout);
    const trailer = Buffer.alloc(TRAILER_BYTES);
    trailer.writeBigUInt64BE(BigInt(plaintextLength), 0);
    trailer.writeUInt32BE(layout.chunkCount, 8);
    trailerMac(context, trailer.subarray(0, TRAILER_FIELDS)).copy(trailer, TRAILER_FIELDS);
    END_MARKER.copy(trailer, TRAILER_BYTES - END_MARKER.length);
    blobLength += lastCiphertext.length + lastTag.length + trailer.length;
    yield lastCiphertext;
    yield lastTag;
    yield trailer;
    ended({ ...layout, blobLength, integrity: integrity.digest() });
  } finally {
    pending.fill(0);
  }
}

/** Exactly the bytes [start, end) of the blob: small reads only (header, tail). */
async function readExactly(blob: DocumentBlob, start: number, end: number): Promise<Buffer> {
  const out = Buffer.alloc(end - start);
  let filled = 0;
  for await (const piece of blob.read(start, end - 1)) {
    const bytes = bytesOf(piece);
    if (filled + bytes.length > out.length) throw new DocumentStreamError('tampered');
    filled += bytes.copy(out, filled);
  }
  if (filled < out.length) throw new DocumentStreamError('truncated');
  return out;
}

function checkHeader(header: Buffer, key: Buffer): number {
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw new DocumentStreamError('malformed');
  if (header[4] !== DOCUMENT_STREAM_VERSION) throw new DocumentStreamError('unsupported_version');
  const log2 = header[5] ?? 0;
  if (log2 < MIN_CHUNK_LOG2 || log2 > MAX_CHUNK_LOG2) throw new DocumentStreamError('malformed');
  if (!timingSafeEqual(header.subarray(KEY_CHECK.start, KEY_CHECK.end), keyCheckOf(key))) {
    throw new DocumentStreamError('wrong_key');
  }
  return 2 ** log2;
}

/** L and n from the trailer at the end of `tail`, once it authenticates. */
function checkTrailer(context: Context, tail: Buffer, chunkSize: number): DocumentLayout {
  const marker = tail.lastIndexOf(END_MARKER);
  if (marker !== tail.length - END_MARKER.length) {
    // No trailer at the end: cut short (most likely), or followed by bytes appended after it.
    throw new DocumentStreamError(marker >= TRAILER_BYTES - END_MARKER.length ? 'tampered' : 'truncated');
  }
  const trailer = tail.subarray(tail.length - TRAILER_BYTES);
  const fields = trailer.subarray(0, TRAILER_FIELDS);
  const mac = trailer.subarray(TRAILER_FIELDS, TRAILER_BYTES - END_MARKER.length);
  if (!timingSafeEqual(mac, trailerMac(context, fields))) throw new DocumentStreamError('tampered');
  const length = fields.readBigUInt64BE(0);
  const chunkCount = fields.readUInt32BE(8);
  // Authentic but impossible: a writer that does not follow this format.
  if (length > BigInt(Number.MAX_SAFE_INTEGER)) throw new DocumentStreamError('malformed');
  const plaintextLength = Number(length);
  if (chunkCount !== chunkCountOf(plaintextLength, chunkSize)) throw new DocumentStreamError('malformed');
  return { chunkSize, plaintextLength, chunkCount };
}

/**
 * Checks the header, the trailer and the blob's size against them, reading only the first and last
 * bytes of the blob; resolves before any plaintext is read. The chunks are read when iterated.
 */
export async function openDocument(key: Buffer, documentId: string, blob: DocumentBlob): Promise<OpenedDocument> {
  checkKey(key);
  const id = documentIdBytes(documentId);
  const { size } = blob;
  if (!Number.isSafeInteger(size) || size < 0) throw new TypeError('a blob size is a natural');
  if (size < HEADER_BYTES) throw new DocumentStreamError('truncated');
  const header = await readExactly(blob, 0, HEADER_BYTES);
  const chunkSize = checkHeader(header, key);
  if (size < HEADER_BYTES + CHUNK_TAG_BYTES + TRAILER_BYTES) throw new DocumentStreamError('truncated');
  const context = contextOf(key, id, header);
  const tailLength = Math.min(size - HEADER_BYTES, TRAILER_BYTES + EXTENSION_WINDOW);
  const layout = checkTrailer(context, await readExactly(blob, size - tailLength, size), chunkSize);
  const expected = HEADER_BYTES + layout.plaintextLength + CHUNK_TAG_BYTES * layout.chunkCount + TRAILER_BYTES;
  if (size !== expected) throw new DocumentStreamError(size < expected ? 'truncated' : 'tampered');
  const { plaintextLength, chunkCount } = layout;
  return {
    ...layout,
    chunks: decrypt(context, layout, blob, 0, chunkCount - 1, 0, plaintextLength),
    range(start: number, end: number) {
      if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
        throw new RangeError('a range is 0 <= start <= end');
      }
      if (end > plaintextLength) throw new RangeError(`the range ends past the document's ${plaintextLength} bytes`);
      const first = Math.floor(start / chunkSize);
      // An empty range names no chunk, and reads nothing.
      const last = start === end ? first - 1 : Math.floor((end - 1) / chunkSize);
      return decrypt(context, layout, blob, first, last, start, end);
    },
  };
}

/** Chunks first..last, authenticated one by one, cut to plaintext bytes [start, end). */
async function* decrypt(
  context: Context,
  layout: DocumentLayout,
  blob: DocumentBlob,
  first: number,
  last: number,
  start: number,
  end: number,
): AsyncGenerator<Buffer, void, undefined> {
  if (last < first) return;
  const { chunkSize, chunkCount, plaintextLength } = layout;
  const sealedLength = (i: number) =>
    (i === chunkCount - 1 ? plaintextLength - i * chunkSize : chunkSize) + CHUNK_TAG_BYTES;
  const offsetOf = (i: number) => HEADER_BYTES + i * (chunkSize + CHUNK_TAG_BYTES);
  const frame = Buffer.alloc(chunkSize + CHUNK_TAG_BYTES);
  let index = first;
  let filled = 0;
  for await (const piece of blob.read(offsetOf(first), offsetOf(last) + sealedLength(last) - 1)) {
    const bytes = bytesOf(piece);
    let offset = 0;
    while (offset < bytes.length) {
      // The store gave more than was asked: the blob grew under the reader.
      if (index > last) throw new DocumentStreamError('tampered', index);
      const wanted = sealedLength(index);
      const copied = bytes.copy(frame, filled, offset, offset + wanted - filled);
      filled += copied;
      offset += copied;
      if (filled < wanted) continue;
      const plaintext = openChunk(
        context,
        index,
        frame.subarray(0, wanted),
        index === chunkCount - 1 ? layout : undefined,
      );
      const base = index * chunkSize;
      index++;
      filled = 0;
      const part = plaintext.subarray(Math.max(0, start - base), Math.min(plaintext.length, end - base));
      if (part.length > 0) yield part;
    }
  }
  if (index <= last) throw new DocumentStreamError('truncated', index);
}
