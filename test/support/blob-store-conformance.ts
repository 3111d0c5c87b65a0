/**
 * The behaviour every blob store must have (src/server/documents/blobs/blob-store.ts), registered as
 * node:test tests for one store by `blobStoreConformance`. Each test gets a fresh, empty store.
 *
 * Data is a fixed random block repeated (its length a prime, so that repeats never line up with parts
 * or chunks), generated on the fly: the byte at any offset is known without keeping the data.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type TestContext, test } from 'node:test';
import {
  type BlobInfo,
  BlobMissingError,
  type BlobStore,
  BlobStoreError,
  newBlobName,
} from '../../src/server/documents/blobs/blob-store.ts';

export interface ConformanceSubject {
  readonly store: BlobStore;
  /** How many unfinished puts the backend holds (temp files, multipart uploads). */
  pending(): Promise<number>;
  /** Removes a blob behind the store's back, as an operator or a failing disk would. */
  vanish(name: string): Promise<void>;
}

export type ConformanceSetup = (t: TestContext) => Promise<ConformanceSubject>;

const MiB = 1024 * 1024;
const BLOCK = randomBytes(1_048_573);

/** `length` bytes of the pattern from `offset`. */
export function patternAt(offset: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let written = 0;
  while (written < length) {
    const at = (offset + written) % BLOCK.length;
    written += BLOCK.copy(out, written, at, Math.min(BLOCK.length, at + length - written));
  }
  return out;
}

/** The pattern's first `total` bytes in chunks of uneven sizes; `after(bytes)` runs after each chunk. */
export async function* pattern(total: number, after?: (bytes: number) => void | Promise<void>) {
  let offset = 0;
  for (let i = 0; offset < total; i++) {
    const length = Math.min(total - offset, 60_000 + (i % 7) * 1_111);
    yield patternAt(offset, length);
    offset += length;
    await after?.(offset);
  }
}

export function patternDigest(total: number): string {
  const hash = createHash('sha256');
  for (let offset = 0; offset < total; offset += MiB) hash.update(patternAt(offset, Math.min(MiB, total - offset)));
  return hash.digest('hex');
}

export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

async function digestOf(chunks: AsyncIterable<Uint8Array>): Promise<{ digest: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { digest: hash.digest('hex'), size };
}

async function listed(store: BlobStore, prefix?: string): Promise<BlobInfo[]> {
  const out: BlobInfo[] = [];
  for await (const info of store.list(prefix)) out.push(info);
  return out;
}

/** Resolves never: a body whose sender went quiet. */
function stall(): Promise<never> {
  return new Promise(() => {});
}

export function blobStoreConformance(label: string, setup: ConformanceSetup): void {
  test(`${label}: 0 bytes, 1 byte and 20 MiB (several parts) round trip from a generator`, async (t) => {
    const { store } = await setup(t);
    await store.check();
    for (const total of [0, 1, 20 * MiB + 12_345]) {
      const name = newBlobName();
      assert.deepEqual(await store.put(name, pattern(total)), { size: total });
      assert.equal(await store.size(name), total);
      assert.deepEqual(await digestOf(store.read(name)), { digest: patternDigest(total), size: total }, `${total}`);
    }
  });

  test(`${label}: ranged reads (from a start, start to end, the last byte, clamped, across a part)`, async (t) => {
    const { store } = await setup(t);
    const small = newBlobName();
    await store.put(small, pattern(1000));
    assert.deepEqual(await collect(store.read(small, 10)), patternAt(10, 990));
    assert.deepEqual(await collect(store.read(small, 10, 19)), patternAt(10, 10));
    assert.deepEqual(await collect(store.read(small, 999, 999)), patternAt(999, 1));
    assert.deepEqual(await collect(store.read(small, 0, 0)), patternAt(0, 1));
    assert.deepEqual(await collect(store.read(small, 990, 5000)), patternAt(990, 10), 'clamped to the last byte');
    await assert.rejects(collect(store.read(small, 1000)), RangeError);
    assert.throws(() => store.read(small, -1), RangeError);
    assert.throws(() => store.read(small, 1.5), RangeError);
    assert.throws(() => store.read(small, 5, 4), RangeError);
    assert.throws(() => store.read(small, undefined, 4), TypeError);

    const empty = newBlobName();
    await store.put(empty, pattern(0));
    assert.equal((await collect(store.read(empty))).length, 0);
    await assert.rejects(collect(store.read(empty, 0)), RangeError, 'no byte 0 in an empty blob');

    const large = newBlobName();
    const total = 17 * MiB;
    await store.put(large, pattern(total));
    const across = { start: 8 * MiB - 5, end: 8 * MiB + 4 };
    assert.deepEqual(await collect(store.read(large, across.start, across.end)), patternAt(across.start, 10));
    assert.deepEqual(await collect(store.read(large, total - 1)), patternAt(total - 1, 1));
  });

  test(`${label}: a missing or vanished blob is a BlobMissingError that names it; delete is idempotent`, async (t) => {
    const { store, vanish } = await setup(t);
    // As a server does at start: a local store whose directory is not there is an outage, not empty.
    await store.check();
    const never = newBlobName();
    await assert.rejects(store.size(never), BlobMissingError);
    await assert.rejects(collect(store.read(never)), BlobMissingError);
    await assert.rejects(collect(store.read(never, 0, 10)), BlobMissingError);
    await store.delete(never);

    const name = newBlobName();
    await store.put(name, pattern(100));
    await vanish(name);
    const error = await store.size(name).catch((e: unknown) => e);
    assert.ok(error instanceof BlobMissingError, String(error));
    assert.equal(error.blob, name);
    assert.match(error.message, new RegExp(`blob ${name} is missing from the ${store.name} blob store`));
    await assert.rejects(collect(store.read(name)), BlobMissingError);

    const deleted = newBlobName();
    await store.put(deleted, pattern(10));
    await store.delete(deleted);
    await store.delete(deleted);
    await assert.rejects(store.size(deleted), BlobMissingError);
    assert.deepEqual(await listed(store), []);
  });

  test(`${label}: list gives every blob in name order with its size and time; a prefix narrows it`, async (t) => {
    const { store } = await setup(t);
    const before = Date.now() - 2000;
    const blobs = new Map([
      [`aa${newBlobName()}`, 0],
      [`ab${newBlobName()}`, 3],
      [`ab${newBlobName()}`, 300],
      [`f0${newBlobName()}`, 6 * MiB],
    ]);
    for (const [name, size] of blobs) await store.put(name, pattern(size));
    const all = await listed(store);
    assert.deepEqual(
      all.map(({ name, size }) => ({ name, size })),
      [...blobs].map(([name, size]) => ({ name, size })).sort((a, b) => (a.name < b.name ? -1 : 1)),
    );
    for (const { modifiedAt } of all) {
      assert.ok(
        modifiedAt instanceof Date && modifiedAt.getTime() >= before && modifiedAt.getTime() <= Date.now() + 2000,
      );
    }
    assert.deepEqual(
      (await listed(store, 'ab')).map(({ name }) => name),
      [...blobs.keys()].filter((name) => name.startsWith('ab')).sort(),
    );
    assert.equal((await listed(store, 'a')).length, 3);
    assert.deepEqual(await listed(store, 'ff'), []);
    assert.throws(() => store.list('../'), TypeError);
  });

  test(`${label}: a put aborted mid-way, or whose body fails, leaves nothing (not even a pending upload)`, async (t) => {
    const subject = await setup(t);
    const { store } = subject;
    // Past the first parts, so that S3 has a multipart upload to abort.
    const cut = 12 * MiB;

    const aborted = newBlobName();
    const controller = new AbortController();
    const reason = new Error('the user cancelled');
    const whenAborted = store.put(
      aborted,
      pattern(40 * MiB, async (bytes) => {
        if (bytes >= cut) controller.abort(reason);
      }),
      { signal: controller.signal },
    );
    await assert.rejects(whenAborted, (e) => e === reason);

    const stalled = newBlobName();
    const quiet = new AbortController();
    const started = Date.now();
    const whenStalled = store.put(
      stalled,
      pattern(40 * MiB, async (bytes) => {
        if (bytes < cut) return;
        setTimeout(() => quiet.abort(), 200);
        await stall();
      }),
      { signal: quiet.signal },
    );
    await assert.rejects(whenStalled, (e) => e instanceof Error && e.name === 'AbortError');
    assert.ok(Date.now() - started < 30_000, 'a stalled body does not hold an aborted put');

    const failing = newBlobName();
    const broken = new Error('the client went away');
    const whenBroken = store.put(
      failing,
      pattern(40 * MiB, (bytes) => {
        if (bytes >= cut) throw broken;
      }),
    );
    await assert.rejects(whenBroken, (e) => e === broken, "the body's own error, unchanged");

    const early = new AbortController();
    early.abort();
    await assert.rejects(store.put(newBlobName(), pattern(10), { signal: early.signal }));
    await assert.rejects(
      store.put(
        newBlobName(),
        (async function* () {
          yield 'not bytes' as unknown as Uint8Array;
        })(),
      ),
      TypeError,
    );
    await assert.rejects(store.put(newBlobName(), Buffer.from('bytes, but not streamed') as never), TypeError);

    assert.deepEqual(await listed(store), []);
    for (const name of [aborted, stalled, failing]) await assert.rejects(store.size(name), BlobMissingError);
    assert.equal(await subject.pending(), 0, 'a put rejects only once its pending upload is gone');
  });

  test(`${label}: names that could leave the store, or that are not ours, are refused`, async (t) => {
    const { store } = await setup(t);
    const bad = [
      '',
      'short',
      '../../../../etc/passwd',
      '0123456789abcdef/x',
      '0123456789abcdef\\x',
      '0123456789abcdef.x',
      '..0123456789abcdef',
      '-0123456789abcdef',
      '0123456789ABCDEF',
      '0123456789abcdef\0',
      `0123456789abcdef${'a'.repeat(120)}`,
      ' 0123456789abcdef',
    ];
    for (const name of bad) {
      await assert.rejects(store.put(name, pattern(1)), TypeError, JSON.stringify(name));
      await assert.rejects(store.size(name), TypeError, JSON.stringify(name));
      await assert.rejects(store.delete(name), TypeError, JSON.stringify(name));
      assert.throws(() => store.read(name), TypeError, JSON.stringify(name));
    }
    for (const prefix of ['/', '.', '..', 'A', 'a/b']) assert.throws(() => store.list(prefix), TypeError);
    assert.deepEqual(await listed(store), []);
    const uuid = randomUUID();
    await store.put(uuid, pattern(5));
    assert.equal(await store.size(uuid), 5, 'a uuid is a good name');
  });

  test(`${label}: a put never replaces a blob`, async (t) => {
    const { store } = await setup(t);
    const name = newBlobName();
    await store.put(name, pattern(10));
    const error = await store
      .put(
        name,
        (async function* () {
          yield Buffer.from('other bytes');
        })(),
      )
      .catch((e: unknown) => e);
    assert.ok(error instanceof BlobStoreError, String(error));
    assert.equal(error.problem, 'exists');
    assert.deepEqual(await collect(store.read(name)), patternAt(0, 10));
  });

  test(`${label}: 200 MiB up and down in constant memory`, async (t) => {
    const { store } = await setup(t);
    const total = 200 * MiB;
    const name = newBlobName();
    // The baseline after a round trip of 24 MiB: what any streaming costs (V8 collects short-lived buffers
    // only once some tens of MiB of them have piled up), so that what is measured is growth with size.
    const warmUp = newBlobName();
    await store.put(warmUp, pattern(24 * MiB));
    await digestOf(store.read(warmUp));
    await store.delete(warmUp);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sample = () => {
      peak = Math.max(peak, process.memoryUsage().rss);
    };
    const timer = setInterval(sample, 20);
    t.after(() => clearInterval(timer));
    const up = performance.now();
    assert.deepEqual(await store.put(name, pattern(total, sample)), { size: total });
    const upMs = performance.now() - up;
    const upPeak = peak;
    const hash = createHash('sha256');
    let size = 0;
    const down = performance.now();
    for await (const chunk of store.read(name)) {
      hash.update(chunk);
      size += chunk.byteLength;
      sample();
    }
    const downMs = performance.now() - down;
    clearInterval(timer);
    assert.equal(size, total);
    assert.equal(hash.digest('hex'), patternDigest(total));
    const growth = (peak - baseline) / MiB;
    t.diagnostic(
      `${label}: rss baseline ${(baseline / MiB).toFixed(0)} MiB, peak growth ${growth.toFixed(1)} MiB ` +
        `(${((upPeak - baseline) / MiB).toFixed(1)} MiB while uploading); ` +
        `up ${(upMs / 1000).toFixed(1)} s, down ${(downMs / 1000).toFixed(1)} s`,
    );
    // Holding the blob would grow by its 200 MiB at least; the garbage collector's slack alone has
    // been measured from 30 to 61 MiB on the same machine, so the bound sits at half the blob.
    assert.ok(growth < total / MiB / 2, `rss grew by ${growth.toFixed(1)} MiB`);
  });
}
