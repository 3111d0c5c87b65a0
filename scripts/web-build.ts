import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Shared by ensure-web-build.ts and dev.ts: where things are and whether dist/web is stale. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const INDEX_HTML = path.join(ROOT, 'dist', 'web', 'index.html');

/** What the build reads: a change to any of these makes dist/web stale. */
const INPUTS = ['src/web', 'src/contract', 'vite.config.ts', 'package-lock.json'];

/** Vite's own JS entry, run with this very Node (process.execPath), never whatever `node` is on PATH. */
export function viteCommand(): string {
  return realpathSync(path.join(ROOT, 'node_modules', '.bin', 'vite'));
}

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** Why a build is needed, or undefined when dist/web/index.html is newer than every input. */
export function staleReason(): string | undefined {
  if (!existsSync(INDEX_HTML)) return 'dist/web/index.html is missing';
  const built = statSync(INDEX_HTML).mtimeMs;
  const changed = INPUTS.find((input) => newestMtime(path.join(ROOT, input)) > built);
  return changed === undefined ? undefined : `${changed} changed since the last build`;
}
