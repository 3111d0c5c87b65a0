import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { acquireDirLock, DataDirLockedError } from './lockfile.ts';

const dir = () => mkdtempSync(path.join(tmpdir(), 'tma-lock-'));

test('a second holder is refused with a message naming the running process', () => {
  const d = dir();
  const lock = acquireDirLock(d);
  assert.throws(
    () => acquireDirLock(d),
    (e: unknown) => e instanceof DataDirLockedError && e.message.includes(`process ${process.pid}`),
  );
  lock.release();
  assert.equal(existsSync(lock.file), false);
  acquireDirLock(d).release();
});

test('a lock left by a dead process on this host is taken over', () => {
  const d = dir();
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  writeFileSync(path.join(d, 'tma.lock'), JSON.stringify({ pid: Number(dead), host: hostname(), since: 'earlier' }));
  acquireDirLock(d).release();
});

test('a lock held from another host is respected (a shared volume cannot be checked)', () => {
  const d = dir();
  writeFileSync(path.join(d, 'tma.lock'), JSON.stringify({ pid: 1, host: 'other-host', since: 'earlier' }));
  assert.throws(() => acquireDirLock(d), DataDirLockedError);
});

test('an unreadable lock file is treated as stale', () => {
  const d = dir();
  writeFileSync(path.join(d, 'tma.lock'), '{half');
  acquireDirLock(d).release();
});
