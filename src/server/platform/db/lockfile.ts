import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/**
 * PGlite has no lock of its own, and two processes on one data directory corrupt it. This file
 * lock makes the second process refuse with a clear message; a lock left by a dead process on
 * this host is detected and taken over.
 */
export class DataDirLockedError extends Error {
  readonly code = 'DATA_DIR_LOCKED';
  constructor(dir: string, holder: LockInfo) {
    super(
      `the data directory ${dir} is in use by process ${holder.pid} on ${holder.host} (since ${holder.since}); stop that TMA server first`,
    );
    this.name = 'DataDirLockedError';
  }
}

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

export interface DirLock {
  readonly file: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockInfo>;
    if (typeof info.pid === 'number' && typeof info.host === 'string') {
      return { pid: info.pid, host: info.host, since: String(info.since ?? 'unknown') };
    }
  } catch {
    // unreadable or half-written: treated as stale below
  }
  return undefined;
}

export function acquireDirLock(dir: string): DirLock {
  const file = path.join(dir, 'tma.lock');
  const me: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        if (readLock(file)?.pid === me.pid) unlinkSync(file);
      };
      process.once('exit', release);
      return {
        file,
        release: () => {
          process.removeListener('exit', release);
          release();
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(file);
      // Another host's process cannot be checked from here (a shared volume): refuse.
      if (holder && (holder.host !== me.host || isAlive(holder.pid))) {
        throw new DataDirLockedError(dir, holder);
      }
      unlinkSync(file);
    }
  }
  throw new Error(`could not take the lock ${file}`);
}
