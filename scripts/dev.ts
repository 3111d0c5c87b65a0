import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { ROOT, viteCommand } from './web-build.ts';

/**
 * npm run dev: rebuilds the SPA on every change (vite build --watch) and restarts the server on every
 * server or contract change (node --watch), side by side. Ctrl-C or SIGTERM stops both.
 */

// The server decides at start-up whether a build exists, so make sure one does before it starts.
const first = spawnSync(process.execPath, ['scripts/ensure-web-build.ts'], { cwd: ROOT, stdio: 'inherit' });
if (first.status !== 0) process.exit(first.status ?? 1);

const children: ChildProcess[] = [
  spawn(process.execPath, [viteCommand(), 'build', '--watch'], { cwd: ROOT, stdio: 'inherit' }),
  spawn(process.execPath, ['--watch-path=src/server', '--watch-path=src/contract', 'src/server/main.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
  }),
];

let stopping = false;
function stopAll(signal: NodeJS.Signals): void {
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopAll(signal));

let exitCode = 0;
for (const child of children) {
  child.on('exit', (code, signal) => {
    // One side ending on its own (a crash, a failed build) ends the other: a half-running dev setup misleads.
    if (!stopping) {
      process.stderr.write(`dev: ${child.spawnargs.slice(1).join(' ')} exited (${signal ?? code}); stopping\n`);
      exitCode = code ?? 1;
      stopAll('SIGTERM');
    }
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(exitCode);
  });
}
