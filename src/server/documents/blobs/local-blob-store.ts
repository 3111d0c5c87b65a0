import { randomBytes } from 'node:crypto';
import {
  access,
  constants,
  type FileHandle,
  link,
  lstat,
  mkdir,
  open,
  readdir,
  rename,
  rm,
  stat,
  utimes,
} from 'node:fs/promises';
import path from 'node:path';
import {
  assertBlobName,
  assertBlobPrefix,
  assertRange,
  type BlobInfo,
  BlobMissingError,
  type BlobSource,
  type BlobStore,
  BlobStoreError,
  CountedBody,
  clampRange,
  type PutOptions,
} from './blob-store.ts';

/**
 * Blobs as files in a directory of the data directory: `<dir>/<first two characters>/<name>`, mode
 * 0600 in directories of mode 0700. The fan-out keeps directories small enough to list and sort.
 *
 * A put writes `<dir>/tmp/<random>.part`, fsyncs it, hard-links it under its name (which fails if the
 * name is taken, where rename would silently replace) and fsyncs the directory, so that the blob is on
 * disk before the caller commits the row that names it. Temp files live in a directory of their own,
 * on the same file system (a link cannot cross one), so that `list` never sees them and
 * `sweepPending` finds them without looking at blobs.
 */
export interface LocalBlobStoreOptions {
  /**
   * The store's directory, inside the data directory; made (0700) by `check()`, which the server runs at
   * start, or by the first put. Once made, its absence means a volume not mounted: reads then fail as
   * 'unavailable' rather than report every blob missing.
   */
  readonly directory: string;
}

const TEMP_DIR = 'tmp';
const TEMP_FILE = /^[0-9a-f]{32}\.part$/;
const FAN_OUT = /^[a-z0-9][a-z0-9-]$/;
// File systems without hard links (some network and FUSE mounts) answer one of these to link().
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/** About this many bytes go to the file in one writev, and come from it in one read. */
const WRITE_BATCH = 1024 * 1024;
const READ_BATCH = 1024 * 1024;

/**
 * Writes the chunks in order, gathered into batches of about a mebibyte, each batch written with
 * one writev while the next is gathered: the body (encryption) runs while the disk writes, and a
 * 64 KiB chunk costs no system call of its own. Memory: at most two batches, whatever the size.
 */
async function writeBatched(handle: FileHandle, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  let writing: Promise<void> | undefined;
  let batch: Uint8Array[] = [];
  let gathered = 0;
  const flush = async () => {
    await writing;
    const buffers = batch;
    batch = [];
    gathered = 0;
    writing = writeAll(handle, buffers);
    // Awaited by the next flush or at the end; until then its failure is not an unhandled rejection.
    writing.catch(() => {});
  };
  try {
    for await (const chunk of chunks) {
      batch.push(chunk);
      gathered += chunk.byteLength;
      if (gathered >= WRITE_BATCH) await flush();
    }
    if (batch.length > 0) await flush();
  } finally {
    // The caller closes and removes the file next: no write may still be on its way (its error counts below).
    await writing?.catch(() => {});
  }
  await writing;
}

/** All of the buffers, appended: writev may write less than asked (a full disk reports on the next try). */
async function writeAll(handle: FileHandle, buffers: Uint8Array[]): Promise<void> {
  let rest = buffers;
  while (rest.length > 0) {
    let { bytesWritten } = await handle.writev(rest);
    if (bytesWritten === 0) throw new Error('writev made no progress');
    const left: Uint8Array[] = [];
    for (const buffer of rest) {
      if (bytesWritten >= buffer.byteLength) bytesWritten -= buffer.byteLength;
      else {
        left.push(buffer.subarray(bytesWritten));
        bytesWritten = 0;
      }
    }
    rest = left;
  }
}

export class LocalBlobStore implements BlobStore {
  readonly name = 'local' as const;
  readonly #root: string;

  constructor(options: LocalBlobStoreOptions) {
    if (!path.isAbsolute(options.directory)) throw new TypeError('the blob directory is an absolute path');
    this.#root = path.resolve(options.directory);
  }

  async put(name: string, body: BlobSource, options: PutOptions = {}): Promise<{ size: number }> {
    assertBlobName(name);
    const { signal } = options;
    signal?.throwIfAborted();
    const dir = path.join(this.#root, name.slice(0, 2));
    const temp = path.join(this.#root, TEMP_DIR, `${randomBytes(16).toString('hex')}.part`);
    const source = new CountedBody(body, signal);
    let handle: FileHandle | undefined;
    let committed = false;
    try {
      await mkdir(path.dirname(temp), { recursive: true, mode: 0o700 });
      await mkdir(dir, { recursive: true, mode: 0o700 });
      // Opened before the stream, not by it: a stream opens its file later, after a body that fails at
      // once has already had its temp file removed.
      handle = await open(temp, 'wx', 0o600);
      await writeBatched(handle, source.chunks);
      // The bytes on disk before the name is.
      await handle.sync();
      await handle.close();
      handle = undefined;
      // Until the name exists an abort still wins, so that an aborted put never leaves a blob.
      signal?.throwIfAborted();
      await commit(temp, path.join(dir, name));
      committed = true;
      await syncDirectory(dir);
    } catch (e) {
      source.abandon();
      await handle?.close().catch(() => {});
      await rm(temp, { force: true }).catch(() => {});
      // A name whose directory entry may not be durable is taken back: a failed put leaves nothing.
      if (committed) await rm(path.join(dir, name), { force: true }).catch(() => {});
      if (signal?.aborted) throw signal.reason;
      if (source.isBodyError(e)) throw e;
      throw storeError(e, `put ${name}`);
    }
    return { size: source.bytes };
  }

  async backdate(name: string, day: Date): Promise<void> {
    assertBlobName(name);
    await utimes(this.#path(name), day, day);
  }

  async size(name: string): Promise<number> {
    assertBlobName(name);
    try {
      return (await stat(this.#path(name))).size;
    } catch (e) {
      throw await this.#missingOr(e, name, 'size');
    }
  }

  read(name: string, start?: number, endInclusive?: number): AsyncIterable<Uint8Array> {
    assertBlobName(name);
    assertRange(start, endInclusive);
    return this.#read(name, start, endInclusive);
  }

  async *#read(name: string, start: number | undefined, endInclusive: number | undefined): AsyncGenerator<Uint8Array> {
    let handle: FileHandle;
    try {
      handle = await open(this.#path(name), 'r');
    } catch (e) {
      throw await this.#missingOr(e, name, 'read');
    }
    let range: ReturnType<typeof clampRange>;
    try {
      // Sized from the open file: a blob deleted now is still read whole, never cut short.
      range = clampRange((await handle.stat()).size, start, endInclusive);
    } catch (e) {
      await handle.close();
      throw e instanceof RangeError ? e : storeError(e, `read ${name}`);
    }
    if (range === undefined) return void (await handle.close());
    // The stream owns the handle from here: it closes it at the end, on error and when the reader stops.
    const stream = handle.createReadStream({ start: range.start, end: range.end, highWaterMark: READ_BATCH });
    try {
      yield* stream as AsyncIterable<Uint8Array>;
    } catch (e) {
      throw storeError(e, `read ${name}`);
    }
  }

  async delete(name: string): Promise<void> {
    assertBlobName(name);
    // No directory fsync: a delete undone by a crash leaves a blob no row names, which the sweeper removes.
    try {
      await rm(this.#path(name), { force: true });
    } catch (e) {
      throw storeError(e, `delete ${name}`);
    }
  }

  list(prefix = ''): AsyncIterable<BlobInfo> {
    assertBlobPrefix(prefix);
    return this.#list(prefix);
  }

  async *#list(prefix: string): AsyncGenerator<BlobInfo> {
    const fanOut = (await this.#entries(this.#root)).filter(
      (dir) => FAN_OUT.test(dir) && (dir.startsWith(prefix) || prefix.startsWith(dir)),
    );
    for (const dir of fanOut) {
      for (const file of await this.#entries(path.join(this.#root, dir))) {
        if (!file.startsWith(prefix) || !file.startsWith(dir)) continue;
        try {
          const info = await lstat(path.join(this.#root, dir, file));
          if (info.isFile()) yield { name: file, size: info.size, modifiedAt: info.mtime };
        } catch (e) {
          // Deleted between the listing and now: not there, so not listed.
          if (code(e) !== 'ENOENT') throw storeError(e, 'list');
        }
      }
    }
  }

  async sweepPending(olderThan: Date): Promise<number> {
    const dir = path.join(this.#root, TEMP_DIR);
    let removed = 0;
    for (const file of await this.#entries(dir)) {
      if (!TEMP_FILE.test(file)) continue;
      const temp = path.join(dir, file);
      try {
        // mtime, not birth time: a put still writing touches its file with every chunk.
        if ((await lstat(temp)).mtime >= olderThan) continue;
        await rm(temp, { force: true });
        removed++;
      } catch (e) {
        if (code(e) !== 'ENOENT') throw storeError(e, 'sweep');
      }
    }
    return removed;
  }

  async check(): Promise<void> {
    const dir = path.join(this.#root, TEMP_DIR);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await access(dir, constants.W_OK);
    } catch (e) {
      throw storeError(e, 'check');
    }
  }

  #path(name: string): string {
    return path.join(this.#root, name.slice(0, 2), name);
  }

  /** Sorted names in a directory; none if it does not exist (yet). */
  async #entries(dir: string): Promise<string[]> {
    try {
      return (await readdir(dir)).sort();
    } catch (e) {
      if (code(e) === 'ENOENT') return [];
      throw storeError(e, 'list');
    }
  }

  /**
   * ENOENT means the blob is missing only if the store's directory is there: a data volume that is not
   * mounted is an outage, not every document lost.
   */
  async #missingOr(error: unknown, name: string, what: string): Promise<Error> {
    if (code(error) !== 'ENOENT') return storeError(error, `${what} ${name}`);
    try {
      await stat(this.#root);
    } catch (e) {
      return storeError(e, `${what} ${name}: the blob directory`);
    }
    return new BlobMissingError(name, 'local');
  }
}

async function commit(temp: string, target: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (e) {
    if (code(e) === 'EEXIST') throw new BlobStoreError('exists', path.basename(target));
    if (!NO_LINKS.has(code(e) ?? '')) throw e;
    // Without hard links, check then rename: not atomic against a second put of the same name, which
    // random names make a bug rather than a race worth a lock.
    const taken = await lstat(target).then(
      () => true,
      (error: unknown) => (code(error) === 'ENOENT' ? false : Promise.reject(error)),
    );
    if (taken) throw new BlobStoreError('exists', path.basename(target));
    await rename(temp, target);
    return;
  }
  // The blob is in place; a temp file left by a failure here is the sweeper's.
  await rm(temp, { force: true }).catch(() => {});
}

/** Makes a new name in `dir` durable: without it a crash can lose a file whose own fsync succeeded. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function code(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/** Our own errors pass; any other is the file system's, named by its code only (its message has paths). */
function storeError(error: unknown, what: string): Error {
  if (error instanceof BlobStoreError || error instanceof BlobMissingError) return error;
  return new BlobStoreError(
    'unavailable',
    `${what}: ${code(error) ?? (error instanceof Error ? error.name : 'error')}`,
  );
}
