/**
 * A real clamd (Debian's clamav-daemon) for the virus-scanning tests, offline: its database directory holds
 * one signature, for the EICAR test file, so it needs no download and answers PING within about 60 ms.
 *
 * Why it looks like this:
 * - Everything clamd writes (config, database, log, pid file, socket, the spooled scan data) lives in one
 *   temporary directory, removed on close(); it listens on 127.0.0.1 and on a Unix socket only.
 * - It runs as the current user (no `User` option), so neither root nor a clamav account is needed.
 * - SelfCheck and bytecode are off: nothing to reload, nothing to compile, a faster start.
 * - StreamMaxLength, MaxFileSize and MaxScanSize are set together, as an operator must: a file over
 *   MaxFileSize would otherwise be passed unscanned ("OK"); AlertExceedsMax turns every limit into a refusal.
 * - A port taken between choosing and binding it is retried with another (clamd does not exit when it cannot
 *   bind its TCP socket: its log says so).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClamdScanner } from '../../src/server/documents/scan/clamd.ts';
import { missingTool } from './tools.ts';

const DEBIAN_CLAMD = '/usr/sbin/clamd';

/**
 * The standard 68-byte EICAR test file. Assembled from halves so that this source file is not itself flagged by
 * a scanner on a developer's machine.
 */
export const EICAR = Buffer.from(
  `${'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-'}${'STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'}`,
  'latin1',
);
/** The name given to EICAR in the test database. */
export const EICAR_SIGNATURE = 'Eicar-Test-Signature';

/** A skip reason when clamd is not installed (Debian puts it in /usr/sbin, which a user's PATH may lack). */
export function clamdMissing(): string | false {
  return executable(DEBIAN_CLAMD) ? false : missingTool('clamd', 'apt-get install clamav-daemon');
}

export interface TestClamdOptions {
  /** clamd's StreamMaxLength (also MaxFileSize; MaxScanSize is 4 times this) in bytes. Default 25 MiB. */
  streamMaxLength?: number;
  /** Further `.hdb` lines (`md5:size:Name`) besides EICAR's. */
  signatures?: readonly string[];
  /** Further clamd.conf options, overriding the defaults here. */
  config?: Readonly<Record<string, string>>;
  /** How long to wait for the first PONG. Default 30 s. */
  readyTimeoutMs?: number;
}

export interface TestClamd {
  readonly host: string;
  readonly port: number;
  readonly socketPath: string;
  readonly pid: number;
  readonly streamMaxLength: number;
  readonly configFile: string;
  readonly databaseDirectory: string;
  /** clamd's TemporaryDirectory, where it spools INSTREAM data while scanning. */
  readonly temporaryDirectory: string;
  /** From spawning clamd to its first PONG. */
  readonly startupMs: number;
  /** clamd's log so far. */
  log(): string;
  /** Stops clamd (SIGTERM, then SIGKILL after 10 s) and removes its directory. */
  close(): Promise<void>;
}

export function hdbLine(file: Uint8Array, name: string): string {
  return `${createHash('md5').update(file).digest('hex')}:${file.byteLength}:${name}`;
}

export async function startClamd(options: TestClamdOptions = {}): Promise<TestClamd> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tma-clamd-'));
  const databaseDirectory = path.join(dir, 'db');
  const temporaryDirectory = path.join(dir, 'tmp');
  mkdirSync(databaseDirectory);
  mkdirSync(temporaryDirectory);
  const lines = [hdbLine(EICAR, EICAR_SIGNATURE), ...(options.signatures ?? [])];
  writeFileSync(path.join(databaseDirectory, 'test.hdb'), `${lines.join('\n')}\n`);
  const streamMaxLength = options.streamMaxLength ?? 25 * 1024 * 1024;
  const paths = {
    configFile: path.join(dir, 'clamd.conf'),
    logFile: path.join(dir, 'clamd.log'),
    socketPath: path.join(dir, 'clamd.sock'),
    databaseDirectory,
    temporaryDirectory,
  };
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const config = {
        Foreground: 'yes',
        PidFile: path.join(dir, 'clamd.pid'),
        LogFile: paths.logFile,
        LogFileMaxSize: '10M',
        LogTime: 'yes',
        DatabaseDirectory: databaseDirectory,
        TemporaryDirectory: temporaryDirectory,
        TCPSocket: String(port),
        TCPAddr: '127.0.0.1',
        LocalSocket: paths.socketPath,
        FixStaleSocket: 'yes',
        StreamMaxLength: String(streamMaxLength),
        MaxFileSize: String(streamMaxLength),
        MaxScanSize: String(4 * streamMaxLength),
        AlertExceedsMax: 'yes',
        SelfCheck: '0',
        Bytecode: 'no',
        ...options.config,
      };
      writeFileSync(
        paths.configFile,
        `# Written by test/support/clamd.ts\n${Object.entries(config)
          .map(([name, value]) => `${name} ${value}`)
          .join('\n')}\n`,
      );
      rmSync(paths.logFile, { force: true }); // clamd appends: a previous attempt's bind error is not this one's
      const started = await launch(port, paths, options.readyTimeoutMs ?? 30_000);
      if ('clamd' in started) {
        const { child, pid, startupMs, log } = started.clamd;
        return { ...paths, host: '127.0.0.1', port, pid, startupMs, log, streamMaxLength, close: closer(child, dir) };
      }
      if (!started.portTaken || attempt === 3) throw new Error(`clamd did not start: ${started.log}`);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

type Launched =
  | { clamd: { child: ChildProcess; pid: number; startupMs: number; log: () => string } }
  | { portTaken: boolean; log: string };

async function launch(
  port: number,
  paths: { configFile: string; logFile: string; socketPath: string },
  readyTimeoutMs: number,
): Promise<Launched> {
  const startedAt = performance.now();
  const child = spawn(executable(DEBIAN_CLAMD) ? DEBIAN_CLAMD : 'clamd', [`--config-file=${paths.configFile}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  child.once('error', () => {
    exited = true;
  });
  // In the foreground clamd writes its log to stdout as well: the file, unless it never got that far.
  const log = () => readIfPresent(paths.logFile) || output;

  const ping = new ClamdScanner({ port, connectTimeoutMs: 500, commandTimeoutMs: 2_000 });
  // clamd carries on without a TCP socket it cannot bind (another process may even answer on that port).
  const portTaken = () => /Cannot bind/.test(log());
  while (performance.now() - startedAt < readyTimeoutMs && !exited && !portTaken()) {
    try {
      await ping.ping();
      const pid = child.pid;
      if (pid === undefined) break;
      return { clamd: { child, pid, startupMs: Math.round(performance.now() - startedAt), log } };
    } catch {
      await sleep(50);
    }
  }
  await stop(child);
  return { portTaken: portTaken(), log: log() };
}

function closer(child: ChildProcess, dir: string): () => Promise<void> {
  // A test process that ends without close() (a crash, a timeout) must not leave clamd behind.
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      process.removeListener('exit', onExit);
      await stop(child);
      rmSync(dir, { recursive: true, force: true });
    })();
    return closing;
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function readIfPresent(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
