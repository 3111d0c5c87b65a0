import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';

/**
 * Starts every server of the browser tests at once and answers on its own port when all are
 * ready. Playwright starts the servers of its `webServer` list one after the other, each waiting
 * for the one before; in parallel, their start-ups (the embedded engine's set-up, migrations)
 * overlap. SIGTERM stops them all, as Playwright would have, and waits for them.
 *
 * The embedded engine's set-up and migrations cost a server five of the eight seconds of CPU its
 * start takes on a quiet machine (of the two cores'): the servers marked `migrated` start on copies of one
 * data directory migrated once for the run (`npm run migrate`, as an operator would before the
 * first start), as a restored backup would be. The others meet an empty directory, so the start on
 * one stays a part of the browser tests.
 */
export interface LaunchSpec {
  readonly name: string;
  readonly entry: string;
  readonly env: Record<string, string>;
  /** Variables of the runner's environment the server must not see (e.g. the tests' DATABASE_URL). */
  readonly unset: readonly string[];
  readonly url: string;
  /** The readiness probe only: a server of a test CA. */
  readonly insecure?: boolean;
  /** Starts on a copy of the run's migrated data directory (TMA_DATA_DIR), not an empty one. */
  readonly migrated?: boolean;
}

const specs = JSON.parse(process.env.TMA_E2E_LAUNCH ?? '[]') as LaunchSpec[];
const port = Number(process.env.TMA_E2E_LAUNCH_PORT);
const migratedDir = process.env.TMA_E2E_MIGRATED_DIR;
const children: ChildProcess[] = [];

function environment(spec: Pick<LaunchSpec, 'env' | 'unset'>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...spec.env };
  for (const name of spec.unset) delete env[name];
  delete env.TMA_E2E_LAUNCH;
  delete env.TMA_E2E_MIGRATED_DIR;
  return env;
}

function start(spec: LaunchSpec): { spec: LaunchSpec; child: ChildProcess } {
  const child = spawn(process.execPath, [spec.entry], {
    env: environment(spec),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  return { spec, child };
}

/** `npm run migrate` on the embedded engine into the run's template directory, once. */
async function migrateOnce(like: LaunchSpec, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const env = environment({ env: { ...like.env, TMA_DATA_DIR: dir }, unset: [...like.unset, 'DATABASE_URL'] });
  const child = spawn(process.execPath, ['src/server/migrate-cli.ts'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`migrating the template data directory failed with ${code}`);
}

function ready(url: string, insecure: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? https.get : http.get;
    const req = get(url, { rejectUnauthorized: !insecure, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

async function waitFor(spec: LaunchSpec, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!(await ready(spec.url, spec.insecure === true))) {
    if (child.exitCode !== null) throw new Error(`${spec.name} exited with ${child.exitCode} before it was ready`);
    if (Date.now() > deadline) throw new Error(`${spec.name} was not ready at ${spec.url} within 120 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopAll(): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

process.on('SIGTERM', () => {
  void stopAll().then(() => process.exit(0));
});

try {
  const [later, now] = [specs.filter((s) => s.migrated === true), specs.filter((s) => s.migrated !== true)];
  const started = now.map(start);
  const first = later[0];
  if (first !== undefined) {
    if (migratedDir === undefined) throw new Error('servers marked migrated need TMA_E2E_MIGRATED_DIR');
    await migrateOnce(first, migratedDir);
    for (const spec of later) {
      const dataDir = spec.env.TMA_DATA_DIR;
      if (dataDir === undefined) throw new Error(`${spec.name} is marked migrated but has no TMA_DATA_DIR`);
      cpSync(migratedDir, dataDir, { recursive: true });
      started.push(start(spec));
    }
  }
  await Promise.all(started.map(({ spec, child }) => waitFor(spec, child)));
  const server = http.createServer((_req, res) => res.writeHead(200).end('ready'));
  server.on('error', (error) => {
    process.stderr.write(`e2e servers: the readiness port ${port}: ${String(error)}\n`);
    void stopAll().then(() => process.exit(1));
  });
  server.listen(port, '127.0.0.1');
} catch (error) {
  process.stderr.write(`e2e servers: ${String(error)}\n`);
  await stopAll();
  process.exit(1);
}
