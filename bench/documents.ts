import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { clamdMissing, startClamd, type TestClamd } from '../test/support/clamd.ts';
import { adminQuery, stop, tempDataDirs, withDb } from './support.ts';

/**
 * Documents (issue 7): a 1 GiB text document uploaded and downloaded through the HTTP API (the
 * whole pipeline: inspection, encryption, the local blob store, and once with clamd scanning),
 * against `cp` of the same file on the same disk, in one run. Reports the ratio of cp's time to
 * upload + download (target at least 40%; also against cp followed by sync, since the store syncs
 * every blob; docs/documents.md has the figures and where the time goes) and how much the server's resident memory grew during
 * the transfer (target under 100 MB). BENCH_SERVER_FLAGS passes Node flags to the server (e.g.
 * --cpu-prof, --trace-gc) for profiling. On PostgreSQL when DATABASE_URL is set (a fresh database),
 * otherwise on the embedded engine.
 */
const SIZE = Number(process.env.BENCH_DOCUMENT_BYTES ?? 1024 ** 3);
const RATIO_TARGET = 0.4;
const RSS_TARGET = 100 * 1024 ** 2;
const admin = process.env.DATABASE_URL;
const SERVER = fileURLToPath(new URL('./documents/server.ts', import.meta.url));

const work = mkdtempSync(path.join(tmpdir(), 'tma-bench-documents-'));
const source = path.join(work, 'protokoll.txt');

/** A text file (hex digits and newlines: valid UTF-8, incompressible enough), written once. */
async function makeFile(): Promise<void> {
  async function* lines(): AsyncGenerator<Buffer> {
    for (let written = 0; written < SIZE; ) {
      const line = Buffer.from(`${randomBytes(Math.min(32_767, (SIZE - written - 1) >> 1)).toString('hex')}\n`);
      written += line.length;
      yield line;
    }
  }
  await pipeline(Readable.from(lines()), createWriteStream(source));
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

interface Run {
  readonly uploadS: number;
  readonly downloadS: number;
  readonly rssGrowth: number;
}

async function transfer(label: string, env: Record<string, string>): Promise<Run> {
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean), SERVER],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    // The first JSON line says where the server listens; whatever else it prints (flags such as
    // --trace-gc write to stdout) goes on to stderr, so that a full pipe never stalls the server.
    const server = await new Promise<{ url: string; caseId: string; cookie: string; csrf: string }>(
      (resolve, reject) => {
        let out = '';
        let found = false;
        child.stdout.on('data', (chunk: Buffer) => {
          if (found) return void process.stderr.write(chunk);
          out += String(chunk);
          const line = /^\{.*$/m.exec(out);
          if (line === null || !out.slice(line.index).includes('\n')) return;
          found = true;
          process.stderr.write(out.replace(line[0], ''));
          resolve(JSON.parse(line[0]));
        });
        child.on('exit', (code) => reject(new Error(`the benchmark server exited (${code})`)));
      },
    );
    const headers = {
      origin: 'http://localhost:3000',
      cookie: `__Host-tma=${server.cookie}`,
      'x-csrf-token': server.csrf,
    };
    const pid = child.pid ?? 0;
    const baseline = rssOf(pid);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssOf(pid));
    }, 50);
    try {
      const boundary = `----tma-bench-${randomBytes(8).toString('hex')}`;
      const head = Buffer.from(
        [
          ...[
            ['ownerType', 'case'],
            ['ownerId', server.caseId],
          ].map(([k, v]) => `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
          `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="protokoll.txt"\r\ncontent-type: text/plain\r\n\r\n`,
        ].join(''),
      );
      const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
      async function* body(): AsyncGenerator<Uint8Array> {
        yield head;
        yield* createReadStream(source, { highWaterMark: 1024 * 1024 });
        yield tail;
      }
      const t0 = performance.now();
      const uploaded = await fetch(`${server.url}/api/documents`, {
        method: 'POST',
        headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: Readable.toWeb(Readable.from(body())) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      if (uploaded.status !== 201)
        throw new Error(`${label}: upload answered ${uploaded.status}: ${await uploaded.text()}`);
      const document = (await uploaded.json()) as { id: string };
      const t1 = performance.now();
      const res = await fetch(`${server.url}/api/documents/${document.id}/versions/1/content`, { headers });
      let received = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) received += chunk.length;
      const t2 = performance.now();
      if (received !== SIZE) throw new Error(`${label}: downloaded ${received} of ${SIZE} bytes`);
      return { uploadS: (t1 - t0) / 1000, downloadS: (t2 - t1) / 1000, rssGrowth: peak - baseline };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await stop(child);
  }
}

const run = (command: string, args: readonly string[]) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`))));
  });

/**
 * cp of the file on the same disk, as the issue names it, and the same followed by an fsync of the
 * copy: the store syncs every blob before its row is committed (a document store must not lose an
 * acknowledged upload), and cp alone ends while the copy is still only in the page cache.
 */
async function copyTimes(): Promise<{ cpS: number; durableS: number }> {
  const target = path.join(work, 'copy.txt');
  const timed = async (steps: () => Promise<void>) => {
    const t0 = performance.now();
    await steps();
    const s = (performance.now() - t0) / 1000;
    rmSync(target);
    return s;
  };
  const cpS = await timed(() => run('cp', [source, target]));
  const durableS = await timed(async () => {
    await run('cp', [source, target]);
    await run('sync', [target]);
  });
  return { cpS, durableS };
}

const dbName = `tma_bench_documents_${process.pid}`;
const environment = (): Record<string, string> => ({
  ...tempDataDirs(),
  TMA_UPLOAD_LIMIT_BYTES: String(2 * SIZE),
  ...(admin === undefined ? {} : { DATABASE_URL: withDb(admin, dbName) }),
});

let clamd: TestClamd | undefined;
let failed = false;
try {
  await makeFile();
  if (admin !== undefined) await adminQuery(admin, `create database ${dbName}`);
  const { cpS, durableS } = await copyTimes();
  const plain = await transfer('no scanning', environment());
  const lines = [
    `documents: ${(SIZE / 1024 ** 3).toFixed(2)} GiB text file up and down through the API on ${admin === undefined ? 'the embedded engine' : 'PostgreSQL'}, Node ${process.versions.node}`,
    `cp of the same file                 ${cpS.toFixed(2).padStart(7)} s (${(SIZE / 1024 ** 2 / cpS).toFixed(0)} MiB/s)`,
    `cp, then sync of the copy           ${durableS.toFixed(2).padStart(7)} s (${(SIZE / 1024 ** 2 / durableS).toFixed(0)} MiB/s)`,
  ];
  const report = (label: string, r: Run) => {
    const ratio = cpS / (r.uploadS + r.downloadS);
    const ok = ratio >= RATIO_TARGET && r.rssGrowth < RSS_TARGET;
    failed ||= !ok;
    lines.push(
      `${label.padEnd(36)}upload ${r.uploadS.toFixed(2)} s (${(SIZE / 1024 ** 2 / r.uploadS).toFixed(0)} MiB/s), download ${r.downloadS.toFixed(2)} s (${(SIZE / 1024 ** 2 / r.downloadS).toFixed(0)} MiB/s); ratio cp / (up + down) ${(ratio * 100).toFixed(1)}% (target >= ${RATIO_TARGET * 100}%), against cp + sync ${((durableS / (r.uploadS + r.downloadS)) * 100).toFixed(1)}%; server RSS +${(r.rssGrowth / 1024 ** 2).toFixed(0)} MB (target < 100 MB): ${ok ? 'met' : 'NOT met'}`,
    );
  };
  report('API, no scanning', plain);
  const missing = clamdMissing();
  if (missing === false) {
    clamd = await startClamd({ streamMaxLength: 2 * SIZE, config: { MaxScanSize: '4000M' } });
    if (admin !== undefined) {
      await adminQuery(admin, `drop database if exists ${dbName} with (force)`);
      await adminQuery(admin, `create database ${dbName}`);
    }
    report(
      'API, scanned by clamd',
      await transfer('scanning', {
        ...environment(),
        TMA_CLAMD: `${clamd.host}:${clamd.port}`,
        TMA_CLAMD_TIMEOUT_MS: '3600000',
      }),
    );
  } else {
    lines.push(`API, scanned by clamd: not measured (${missing})`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await clamd?.close();
  if (admin !== undefined) await adminQuery(admin, `drop database if exists ${dbName} with (force)`);
  rmSync(work, { recursive: true, force: true });
}
if (failed) process.exitCode = 1;
