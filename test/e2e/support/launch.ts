import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';

/**
 * Starts every server of the browser tests at once and answers on its own port when all are
 * ready. Playwright starts the servers of its `webServer` list one after the other, each waiting
 * for the one before; in parallel, their start-ups (the embedded engine's set-up, migrations)
 * overlap. SIGTERM stops them all, as Playwright would have, and waits for them.
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
}

const specs = JSON.parse(process.env.TMA_E2E_LAUNCH ?? '[]') as LaunchSpec[];
const port = Number(process.env.TMA_E2E_LAUNCH_PORT);
const children: ChildProcess[] = [];

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
  const started = specs.map((spec) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...spec.env };
    for (const name of spec.unset) delete env[name];
    delete env.TMA_E2E_LAUNCH;
    const child = spawn(process.execPath, [spec.entry], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    children.push(child);
    return { spec, child };
  });
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
