import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { ROOT, staleReason, viteCommand } from './web-build.ts';

/**
 * Run before the server (npm start, npm run test:e2e): builds the SPA into dist/web only when it is
 * missing or older than its sources, and says in one line which it did.
 */
const reason = staleReason();
if (reason === undefined) {
  process.stdout.write('web build: reusing dist/web (up to date)\n');
} else {
  const started = performance.now();
  const result = spawnSync(process.execPath, [viteCommand(), 'build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    const how = result.error?.message ?? (result.signal ? `signal ${result.signal}` : `exit code ${result.status}`);
    process.stderr.write(`web build: vite build failed (${how})\n`);
    process.exit(1);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`web build: built dist/web in ${seconds} s (${reason})\n`);
}
