/**
 * The clamd client against Debian's clamd, started offline with a one-signature database (test/support/clamd.ts).
 * Also pins down what the operator documentation says about clamd: where INSTREAM data goes, and the limits.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  clamdMissing,
  EICAR,
  EICAR_SIGNATURE,
  hdbLine,
  startClamd,
  type TestClamd,
} from '../../../../test/support/clamd.ts';
import { type ClamdOptions, ClamdScanner } from './clamd.ts';
import { ScanError, type ScanErrorCode } from './scanner.ts';

const MiB = 1024 * 1024;

/** `total` random bytes in `chunk`-sized pieces, made as they are pulled. */
async function* randomFile(total: number, chunk = 256 * 1024): AsyncGenerator<Uint8Array> {
  for (let sent = 0; sent < total; sent += chunk) yield randomBytes(Math.min(chunk, total - sent));
}

async function* single(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function refused(promise: Promise<unknown>, code: ScanErrorCode): Promise<ScanError> {
  let error: unknown;
  await assert.rejects(promise, (e: unknown) => {
    error = e;
    return e instanceof ScanError && e.code === code;
  });
  return error as ScanError;
}

/** Open file descriptors of a process (Linux), or undefined elsewhere. */
function descriptors(pid: number | 'self'): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/** Waits until dir holds no file: clamd truncates and unlinks its spool file just after replying. */
async function emptied(dir: string, what: string): Promise<void> {
  for (let i = 0; i < 100 && filesUnder(dir).length > 0; i++) await sleep(20);
  assert.deepEqual(filesUnder(dir), [], what);
}

/** Every file under dir with its size (clamd may remove one, or a scan's subdirectory, while this looks). */
function filesUnder(dir: string, attempts = 3): { file: string; size: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch (error) {
    if (attempts > 1) return filesUnder(dir, attempts - 1);
    throw error;
  }
  return names.flatMap((name) => {
    const file = path.join(dir, name);
    const stats = statSync(file, { throwIfNoEntry: false });
    return stats?.isFile() ? [{ file, size: stats.size }] : [];
  });
}

describe('clamd (Debian clamav-daemon, one test signature)', { skip: clamdMissing() }, () => {
  let clamd: TestClamd;
  let scanner: ClamdScanner;
  const client = (options: Partial<ClamdOptions> = {}) => new ClamdScanner({ port: clamd.port, ...options });

  before(async () => {
    clamd = await startClamd({ streamMaxLength: 25 * MiB });
    scanner = client();
  });
  after(() => clamd?.close());

  test('starts offline; answers PING and VERSION over TCP and its Unix socket', async (t) => {
    t.diagnostic(`clamd start-up with a one-signature database: ${clamd.startupMs} ms`);
    await scanner.ping();
    const unix = new ClamdScanner({ socketPath: clamd.socketPath });
    await unix.ping();
    const version = await unix.version();
    t.diagnostic(`VERSION: ${version}`);
    assert.match(version, /^ClamAV 1\.\d+\.\d+/);
  });

  test('the EICAR file is found and named, whether sent whole or a few bytes at a time', async () => {
    const found = { clean: false, signature: `${EICAR_SIGNATURE}.UNOFFICIAL` };
    assert.deepEqual(await scanner.scan(single(EICAR)), found);
    assert.deepEqual(await client({ chunkBytes: 7 }).scan(single(EICAR)), found);
    assert.deepEqual(await new ClamdScanner({ socketPath: clamd.socketPath }).scan(single(EICAR)), found);
    assert.deepEqual(await scanner.scan(single(Buffer.from(EICAR.toString('latin1').toLowerCase()))), { clean: true });
  });

  test('a random 5 MB file streamed from a generator is clean; 20 MB for throughput', async (t) => {
    assert.deepEqual(await scanner.scan(randomFile(5_000_000)), { clean: true });
    const started = performance.now();
    assert.deepEqual(await scanner.scan(randomFile(20 * MiB)), { clean: true });
    const seconds = (performance.now() - started) / 1000;
    t.diagnostic(`20 MiB random stream: ${(seconds * 1000).toFixed(0)} ms, ${(20 / seconds).toFixed(0)} MiB/s`);
  });

  test('more than StreamMaxLength: too_large, so refused; exactly StreamMaxLength is scanned', async (t) => {
    for (let round = 0; round < 5; round++) {
      const error = await refused(scanner.scan(randomFile(clamd.streamMaxLength + MiB)), 'too_large');
      if (round === 0) t.diagnostic(error.message);
    }
    assert.deepEqual(await scanner.scan(randomFile(clamd.streamMaxLength)), { clean: true });
  });

  test('acceptsStreamOf tells whether StreamMaxLength covers an upload limit, without sending a file', async () => {
    assert.equal(await scanner.acceptsStreamOf(clamd.streamMaxLength), true);
    assert.equal(await scanner.acceptsStreamOf(clamd.streamMaxLength + 1), false);
  });

  test('a file over MaxFileSize is passed unscanned ("OK") unless AlertExceedsMax is set', async () => {
    const signed = randomBytes(2 * MiB);
    for (const alert of ['no', 'yes']) {
      const limited = await startClamd({
        signatures: [hdbLine(signed, 'Test-Signed-2MiB')],
        config: { MaxFileSize: '1M', AlertExceedsMax: alert },
      });
      try {
        const result = await new ClamdScanner({ port: limited.port }).scan(single(signed));
        const expected = { clean: false, signature: 'Heuristics.Limits.Exceeded.MaxFileSize' } as const;
        assert.deepEqual(result, alert === 'yes' ? expected : { clean: true }, `AlertExceedsMax ${alert}`);
      } finally {
        await limited.close();
      }
    }
  });

  test('clamd spools INSTREAM data in its TemporaryDirectory and removes it after the scan or a disconnect', async () => {
    await emptied(clamd.temporaryDirectory, 'nothing spooled before');
    let resume: () => void = () => {};
    const paused = new Promise<void>((resolve) => {
      resume = resolve;
    });
    async function* halfThenWait(): AsyncGenerator<Uint8Array> {
      yield randomBytes(2 * MiB);
      await paused;
      yield randomBytes(MiB);
    }
    const scan = scanner.scan(halfThenWait());
    let spooled: { file: string; size: number }[] = [];
    for (let i = 0; i < 100 && !spooled.some((f) => f.size >= 2 * MiB); i++) {
      await sleep(20);
      spooled = filesUnder(clamd.temporaryDirectory);
    }
    assert.ok(
      spooled.some((f) => f.size >= 2 * MiB),
      `the first 2 MiB are on disk under TemporaryDirectory: ${JSON.stringify(spooled)}`,
    );
    resume();
    assert.deepEqual(await scan, { clean: true });
    await emptied(clamd.temporaryDirectory, 'removed after the scan');

    const controller = new AbortController();
    async function* firstThenAbort(): AsyncGenerator<Uint8Array> {
      yield randomBytes(MiB);
      await sleep(200);
      controller.abort();
      await new Promise(() => {});
    }
    await assert.rejects(scanner.scan(firstThenAbort(), controller.signal), { name: 'AbortError' });
    await emptied(clamd.temporaryDirectory, 'removed after the client went away');
  });

  test('20 scans in a row leave no socket or descriptor open, here or in clamd', async () => {
    await scanner.scan(single(EICAR));
    await sleep(100);
    const mine = descriptors('self');
    const theirs = descriptors(clamd.pid);
    const handles = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    for (let i = 0; i < 20; i++) {
      const result = await scanner.scan(i % 2 === 0 ? single(EICAR) : randomFile(100_000));
      assert.equal(result.clean, i % 2 === 1);
    }
    assert.equal(process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length, handles);
    assert.equal(descriptors('self'), mine, 'descriptors of this process');
    for (let i = 0; i < 50 && descriptors(clamd.pid) !== theirs; i++) await sleep(20);
    assert.equal(descriptors(clamd.pid), theirs, 'descriptors of clamd');
  });

  test('an outage: once clamd is down, scans and pings are refused as unavailable, at once', async (t) => {
    const other = await startClamd();
    const down = new ClamdScanner({ port: other.port });
    const downUnix = new ClamdScanner({ socketPath: other.socketPath });
    assert.deepEqual(await down.scan(single(EICAR)), { clean: false, signature: `${EICAR_SIGNATURE}.UNOFFICIAL` });
    await other.close();
    const started = performance.now();
    await refused(down.scan(randomFile(MiB)), 'unavailable');
    await refused(downUnix.scan(randomFile(MiB)), 'unavailable');
    await refused(down.ping(), 'unavailable');
    const ms = Math.round(performance.now() - started);
    t.diagnostic(`three refusals with clamd down: ${ms} ms`);
    assert.ok(ms < 1000, `${ms} ms`);
  });
});
