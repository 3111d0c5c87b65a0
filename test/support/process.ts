import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const MAIN = path.resolve(import.meta.dirname, '../../src/server/main.ts');

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  stderr(): string;
  /** Resolves with the first JSON log line matching msg, one logged before the call included. */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
}

/** The real server process (main.ts) on Node 24, with only the given environment. */
export function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', TMA_PORT: '0', TMA_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  /** Every JSON line so far: a line may come before anyone waits for it (the log is written in batches). */
  const logged: Record<string, unknown>[] = [];
  let stderr = '';
  let partial = '';
  const waiters: { msg: string; resolve: (v: Record<string, unknown>) => void }[] = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      stdout.push(line);
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      logged.push(parsed);
      for (const w of waiters.filter((x) => x.msg === parsed?.msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(parsed);
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    stdout,
    stderr: () => stderr,
    exited,
    waitForLog: (msg, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const already = logged.find((l) => l.msg === msg);
        if (already !== undefined) {
          resolve(already);
          return;
        }
        const timer = setTimeout(
          () => reject(new Error(`no "${msg}" log line within ${timeoutMs} ms; stderr: ${stderr}`)),
          timeoutMs,
        );
        exited.then((code) => reject(new Error(`server exited (${code}) before "${msg}"; stderr: ${stderr}`)));
        waiters.push({
          msg,
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v);
          },
        });
      }),
  };
}

export interface CliResult {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

/** A command-line tool of TMA (`npm run audit:verify`, `keys:*`) as an operator runs it: its own process, configured by the environment. */
export function runCli(script: string, env: Record<string, string>, args: readonly string[] = []): Promise<CliResult> {
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
}
