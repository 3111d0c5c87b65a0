import type { Kysely } from 'kysely';
import type { DataKey } from '../platform/crypto/sealed-field.ts';
import type { DB } from '../platform/db/schema.ts';
import { UploadRefusedError } from '../platform/http/errors.ts';
import { type BlobStore, newBlobName } from './blobs/blob-store.ts';
import { newDocumentKey, wrapDocumentKey } from './crypto/document-key.ts';
import { type DocumentFacts, encryptStream } from './crypto/document-stream.ts';
import { DETECTION_BYTES, detectKind, type Kind } from './inspect/file-kind.ts';
import { UploadInspection } from './inspect/inspect.ts';
import { type Refusal, RefusedError } from './inspect/refusal.ts';
import { lockstep } from './lockstep.ts';
import type { Scanner } from './scan/scanner.ts';
import type { Residual } from './strip/residual.ts';
import { stripMetadata } from './strip/strip.ts';

/**
 * The upload pipeline (docs/documents.md): the file streams once, in constant memory (images and
 * PDFs that are stripped excepted: their libraries need the whole file), through
 *
 *   inspection (kind from magic bytes and name, whole-file text or ZIP checks, the size limit)
 *   → metadata stripping (always for anonymous uploads, on request otherwise)
 *   → [virus scanner ‖ encryption under a fresh document key → the blob store]
 *
 * The blob's name is recorded as pending (and committed) before its first byte is written, and
 * the caller removes that record in the transaction that records the version, so a crash leaves
 * only what the sweeper finds and deletes. Any refusal, scanner outage or store failure deletes
 * the blob: nothing half-written stays.
 */
export interface UploadDeps {
  readonly db: Kysely<DB>;
  readonly store: BlobStore;
  /** undefined: scanning is not configured. Configured and unreachable: uploads fail closed. */
  readonly scanner: Scanner | undefined;
  readonly limitBytes: number;
  readonly now: () => Date;
}

export interface UploadInput {
  readonly fileName: string;
  readonly source: AsyncIterable<Uint8Array>;
  readonly strip: boolean;
  /** The owner's data key (case or report), which wraps the document key. */
  readonly ownerKey: DataKey;
  /** What the version's key and stream are bound to. */
  readonly versionId: string;
  readonly signal?: AbortSignal | undefined;
}

export interface StoredUpload {
  readonly kind: Kind;
  readonly blobName: string;
  readonly keyWrapped: Buffer;
  readonly facts: DocumentFacts;
  readonly stripped: boolean;
  /** What stripping found but could not remove (sorted codes; empty when not stripped). */
  readonly residual: readonly Residual[];
  readonly scanned: boolean;
}

const refused = (refusal: Refusal) => new UploadRefusedError(refusal.reason, refusalText(refusal));

function refusalText(refusal: Refusal): string {
  switch (refusal.reason) {
    case 'empty':
      return 'The file is empty.';
    case 'too_large':
      return 'The file is larger than the upload limit.';
    case 'bad_name':
      return 'The file name cannot be used.';
    case 'type_mismatch':
      return 'The file’s content does not match its name’s extension.';
    case 'not_text':
      return 'A text file must be UTF-8 text without binary content.';
    case 'zip_bomb':
    case 'bad_archive':
      return 'The document’s archive structure is damaged or unsafe.';
    case 'cannot_strip':
      return refusal.detail.startsWith('pdf')
        ? 'The PDF is encrypted or unreadable, so its metadata cannot be removed; upload an unencrypted copy.'
        : 'The file’s metadata cannot be removed; upload it as JPEG, PNG or PDF instead.';
    default:
      return 'This kind of file is not accepted.';
  }
}

/** The first bytes (for the kind), then everything, checked on the way. */
async function* inspected(
  source: AsyncIterable<Uint8Array>,
  inspection: UploadInspection,
  head: readonly Uint8Array[],
): AsyncGenerator<Uint8Array> {
  const feed = async (chunk: Uint8Array) => {
    const refusal = await inspection.push(chunk);
    if (refusal !== undefined) throw new RefusedError(refusal);
  };
  for (const chunk of head) {
    await feed(chunk);
    yield chunk;
  }
  for await (const chunk of source) {
    await feed(chunk);
    yield chunk;
  }
  const verdict = await inspection.finish();
  if (!verdict.ok) throw new RefusedError(verdict);
}

/** Reads until the first DETECTION_BYTES are in (or the source ends); the rest stays in the iterator. */
async function readHead(iterator: AsyncIterator<Uint8Array>): Promise<Uint8Array[]> {
  const head: Uint8Array[] = [];
  let bytes = 0;
  while (bytes < DETECTION_BYTES) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
    bytes += next.value.length;
  }
  return head;
}

export async function storeUpload(deps: UploadDeps, input: UploadInput): Promise<StoredUpload> {
  const iterator = input.source[Symbol.asyncIterator]();
  const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => iterator };
  const head = await readHead(iterator);
  const kind = await detectKind(Buffer.concat(head), input.fileName);
  if (!kind.ok) throw refused(kind);
  const inspection = new UploadInspection(input.fileName, { maxBytes: deps.limitBytes });
  let plaintext: AsyncIterable<Uint8Array> = inspected(rest, inspection, head);
  // Filled while the stripped output streams: complete once the store has taken the last byte.
  let residual: ReadonlySet<Residual> = new Set();
  if (input.strip) {
    const stripped = await stripMetadata(kind.id, plaintext).catch((e: unknown) => {
      throw e instanceof RefusedError ? refused(e.refusal) : e;
    });
    if (!stripped.ok) throw refused(stripped);
    plaintext = stripped.output;
    residual = stripped.residual;
  }

  const blobName = newBlobName();
  const documentKey = newDocumentKey();
  await deps.db.insertInto('blob_uploads').values({ blob_name: blobName, started_at: deps.now() }).execute();
  const [toStore, toScan] = lockstep(plaintext, deps.scanner === undefined ? 1 : 2);
  const encrypted = encryptStream(documentKey, input.versionId, toStore as AsyncIterable<Uint8Array>);
  const abort = new AbortController();
  const signal = input.signal === undefined ? abort.signal : AbortSignal.any([abort.signal, input.signal]);
  try {
    const [, verdict] = await Promise.all([
      deps.store.put(blobName, encrypted, { signal }).catch((e: unknown) => {
        abort.abort(e);
        throw e;
      }),
      toScan === undefined || deps.scanner === undefined
        ? undefined
        : deps.scanner.scan(toScan, signal).catch((e: unknown) => {
            abort.abort(e);
            throw e;
          }),
    ]);
    if (verdict !== undefined && !verdict.clean) {
      throw new UploadRefusedError('infected', 'The virus scanner found malware in the file; it was not stored.');
    }
    return {
      kind,
      blobName,
      keyWrapped: wrapDocumentKey(input.ownerKey, input.versionId, documentKey),
      facts: encrypted.facts,
      stripped: input.strip,
      residual: [...residual].sort(),
      scanned: verdict !== undefined,
    };
  } catch (error) {
    await discard(deps, blobName);
    if (error instanceof RefusedError) throw refused(error.refusal);
    throw error;
  } finally {
    documentKey.fill(0);
  }
}

/** A blob that will not be recorded: deleted now, and its pending record with it (the sweeper covers a crash here). */
export async function discard(deps: Pick<UploadDeps, 'db' | 'store'>, blobName: string): Promise<void> {
  await deps.store.delete(blobName).catch(() => undefined);
  await deps.db.deleteFrom('blob_uploads').where('blob_name', '=', blobName).execute();
}
