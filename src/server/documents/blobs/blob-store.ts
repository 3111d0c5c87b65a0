import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/**
 * Where the bytes of documents live: a directory inside the data directory (default) or an S3 bucket.
 * The store knows names and bytes only; what a blob is (its document, its key, whether it is sealed) is
 * the caller's metadata in the database.
 *
 * Commit order, for "no metadata without blob, no blob without metadata" across a crash: the caller
 * puts the blob under a fresh random name first and writes the metadata row only after `put` resolved;
 * it deletes a blob only after the row that named it is gone. A crash between the two leaves a blob
 * nobody names: `list` finds it, and the orphan sweeper deletes blobs that no row names once they are
 * older than any put still in flight (a blob's row commits seconds after its put, not hours).
 *
 * `put` streams (constant memory whatever the size) and is all or nothing: until it resolves nothing
 * is visible under the name, and a put that fails or is aborted leaves nothing there (the local store
 * writes a temp file and renames it; S3 makes the object appear only on PutObject or
 * CompleteMultipartUpload, and aborts a multipart upload that fails). What a crash mid-put leaves (a
 * temp file, an unfinished multipart upload) is invisible to `list` and removed by `sweepPending`.
 *
 * A put never replaces a blob: a name that is taken is refused ('exists'), so that a bug reusing a
 * name cannot swap the bytes under another document's row.
 *
 * A chunk is the store's once yielded (a store may hold a few while it writes them together): a
 * body must not reuse a chunk's memory for the next one.
 */
export type BlobSource = AsyncIterable<Uint8Array> | Readable;

export interface BlobInfo {
  readonly name: string;
  readonly size: number;
  readonly modifiedAt: Date;
}

export interface PutOptions {
  /** Aborting makes the put reject with the signal's reason, leaving nothing under the name. */
  readonly signal?: AbortSignal | undefined;
}

export interface BlobStore {
  readonly name: 'local' | 's3';
  /** Streams `body` into a new blob; resolves once it is durable. */
  put(name: string, body: BlobSource, options?: PutOptions): Promise<{ size: number }>;
  /** The blob's size in bytes; BlobMissingError if there is none. */
  size(name: string): Promise<number>;
  /**
   * The blob's bytes, or those from `start` to `endInclusive` (clamped to the last byte, as HTTP ranges
   * are). Arguments are checked at once (TypeError, RangeError); a missing blob (BlobMissingError) and a
   * start at or past the end (RangeError) are found when iteration begins.
   */
  read(name: string, start?: number, endInclusive?: number): AsyncIterable<Uint8Array>;
  /** Idempotent: deleting a blob that is not there succeeds. */
  delete(name: string): Promise<void>;
  /** Every blob whose name starts with `prefix`, in name order: for the orphan sweeper. */
  list(prefix?: string): AsyncIterable<BlobInfo>;
  /**
   * Removes what crashed or abandoned puts left (temp files, unfinished multipart uploads) that has not
   * moved since `olderThan`; the number removed. Give a cutoff well past the longest upload (a day).
   */
  sweepPending(olderThan: Date): Promise<number>;
  /** Readiness: resolves when the store can be written now, rejects with a BlobStoreError otherwise. */
  check(): Promise<void>;
  /**
   * Sets the blob's modification time to `day` where the store allows it: the anonymous channel
   * keeps no time of an upload finer than the day (docs/intake.md). S3 sets LastModified itself.
   */
  backdate?(name: string, day: Date): Promise<void>;
}

export type BlobProblem = 'unavailable' | 'exists';

/** The store cannot answer for now ('unavailable'), or a put named a blob that exists ('exists'). */
export class BlobStoreError extends Error {
  readonly problem: BlobProblem;
  constructor(problem: BlobProblem, detail?: string) {
    super(`blob store: ${problem}${detail === undefined ? '' : ` (${detail})`}`);
    this.name = 'BlobStoreError';
    this.problem = problem;
  }
}

/** A name the metadata gives whose blob is not in the store: lost, deleted behind our back, or never put. */
export class BlobMissingError extends Error {
  readonly blob: string;
  constructor(blob: string, store: BlobStore['name']) {
    super(`blob ${blob} is missing from the ${store} blob store`);
    this.name = 'BlobMissingError';
    this.blob = blob;
  }
}

// Lower case only: names map to file names, and two names differing in case would be one file on a
// case-insensitive file system. No dot and no separator, so no name can leave the store's directory
// or prefix; at least 16 characters, so that the local store's two-character fan-out spreads them.
const NAME = /^[a-z0-9][a-z0-9-]{15,127}$/;
const PREFIX = /^[a-z0-9-]{0,128}$/;

/** A fresh random name (128 bits, hex): what callers should use. */
export function newBlobName(): string {
  return randomBytes(16).toString('hex');
}

export function assertBlobName(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new TypeError('a blob name is 16 to 128 lower-case letters, digits or hyphens, not starting with a hyphen');
  }
}

export function assertBlobPrefix(prefix: string): void {
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw new TypeError('a blob name prefix is up to 128 lower-case letters, digits or hyphens');
  }
}

/** Checks read's arguments; the range is resolved against the size by `clampRange`. */
export function assertRange(start: number | undefined, endInclusive: number | undefined): void {
  if (start === undefined) {
    if (endInclusive !== undefined) throw new TypeError('an end needs a start');
    return;
  }
  if (!Number.isSafeInteger(start) || start < 0) throw new RangeError('start is a non-negative integer');
  if (endInclusive !== undefined && (!Number.isSafeInteger(endInclusive) || endInclusive < start)) {
    throw new RangeError('endInclusive is an integer not below start');
  }
}

/**
 * The bytes to send of a blob of `size`: undefined for none (an empty blob read whole). A start at or
 * past the end is unsatisfiable, as S3 answers 416 for it.
 */
export function clampRange(
  size: number,
  start: number | undefined,
  endInclusive: number | undefined,
): { start: number; end: number } | undefined {
  if (start === undefined) return size === 0 ? undefined : { start: 0, end: size - 1 };
  if (start >= size) throw new RangeError(`the range starts at ${start}, past the blob's ${size} bytes`);
  return { start, end: Math.min(endInclusive ?? size - 1, size - 1) };
}

/**
 * The body's chunks as bytes only (a stream in string mode would otherwise be stored in whatever
 * encoding it happened to have), counted, and the body's own failure told apart from the store's: the
 * caller gets its own error back unchanged, not an 'unavailable' of the store.
 *
 * An abort rejects the wait for the next chunk at once: a body that has stalled (a client that stopped
 * sending) would otherwise hold the put, since an async iterator cannot be stopped while it waits.
 */
export class CountedBody {
  bytes = 0;
  readonly chunks: AsyncGenerator<Uint8Array>;
  readonly #body: BlobSource;
  #started = false;
  #failure: { error: unknown } | undefined;

  constructor(body: BlobSource, signal?: AbortSignal) {
    this.#body = body;
    this.chunks = this.#iterate(body, signal);
  }

  /** After a failure: the body is closed (a stream destroyed), read or not, as pipeline() does. */
  abandon(): void {
    void this.chunks.return(undefined).catch(() => {});
    if (!this.#started && this.#body instanceof Readable) this.#body.destroy();
  }

  isBodyError(error: unknown): boolean {
    return this.#failure !== undefined && this.#failure.error === error;
  }

  async *#iterate(body: BlobSource, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
    this.#started = true;
    let iterator: AsyncIterator<unknown> | undefined;
    let done = false;
    try {
      const iterate = (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator];
      if (typeof iterate !== 'function') {
        throw new TypeError('a blob body is an async iterable of Uint8Array or a Readable');
      }
      iterator = iterate.call(body);
      for (;;) {
        signal?.throwIfAborted();
        const step = await (signal === undefined ? iterator.next() : untilAborted(iterator.next(), signal));
        if (step.done === true) {
          done = true;
          return;
        }
        const chunk: unknown = step.value;
        if (!(chunk instanceof Uint8Array)) throw new TypeError('a blob body yields Uint8Array chunks only');
        this.bytes += chunk.byteLength;
        yield chunk;
      }
    } catch (e) {
      this.#failure = { error: e };
      throw e;
    } finally {
      // Not awaited: a stalled generator finishes its return only after its pending next(), maybe never.
      if (!done && iterator !== undefined) void Promise.resolve(iterator.return?.()).catch(() => {});
    }
  }
}

/** `promise`, or the signal's reason as soon as it aborts (a later rejection of `promise` is then ignored). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
