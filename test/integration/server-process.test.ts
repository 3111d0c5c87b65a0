import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { spawnServer } from '../support/process.ts';
import { missingTool } from '../support/tools.ts';

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'tma-proc-'));
const dirsIn = (dir: string) => ({
  TMA_DATA_DIR: path.join(dir, 'data'),
  TMA_SECRETS_DIR: path.join(dir, 'secrets'),
  TMA_AUDIT_DIR: path.join(dir, 'audit'),
});

describe('the server process', () => {
  test('starts, refuses a second process on its data directory, stops on SIGTERM, and keeps its data', async () => {
    const dir = tempDir();
    const first = spawnServer(dirsIn(dir));
    const listening = await first.waitForLog('TMA is listening');
    const address = String(listening.address);
    const ready = await fetch(`${address}/readyz`);
    assert.equal(ready.status, 200);
    assert.ok(existsSync(path.join(dir, 'data', 'tma.lock')));

    const second = spawnServer(dirsIn(dir));
    assert.equal(await second.exited, 1);
    assert.match(
      second.stderr(),
      new RegExp(`tma: cannot start: the data directory .* is in use by process ${first.child.pid}`),
    );

    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);
    assert.ok(first.stdout.some((l) => l.includes('"msg":"stopped"')));
    assert.equal(existsSync(path.join(dir, 'data', 'tma.lock')), false, 'the lock is released');

    const again = spawnServer(dirsIn(dir));
    const relisten = await again.waitForLog('TMA is listening');
    assert.equal(relisten.instance, listening.instance, 'the same instance: its data survived the restart');
    again.child.kill('SIGINT');
    assert.equal(await again.exited, 0);
  });

  test('bad configuration: one clear line per problem, exit code 1, no stack trace', async () => {
    const p = spawnServer({ ...dirsIn(tempDir()), TMA_PORT: 'eighty', TMA_LOG_LEVEL: 'loud' });
    assert.equal(await p.exited, 1);
    assert.match(p.stderr(), /^tma: invalid configuration:\n {2}- TMA_PORT: .*\n {2}- TMA_LOG_LEVEL: .*\n$/);
  });

  test('an unusable data directory stops start-up with a clear message', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'a-file'), '');
    const p = spawnServer({
      TMA_DATA_DIR: path.join(dir, 'a-file', 'data'),
      TMA_SECRETS_DIR: path.join(dir, 'secrets'),
      TMA_AUDIT_DIR: path.join(dir, 'audit'),
    });
    assert.equal(await p.exited, 1);
    assert.match(p.stderr(), /tma: cannot start: cannot use .*a-file.*: ENOTDIR; check TMA_DATA_DIR/);
  });

  test('an unreachable DATABASE_URL stops start-up with a clear message and no password', async () => {
    const p = spawnServer({ ...dirsIn(tempDir()), DATABASE_URL: 'postgres://tma:pw-do-not-print@127.0.0.1:1/tma' });
    assert.equal(await p.exited, 1);
    assert.match(p.stderr(), /tma: cannot start: cannot reach PostgreSQL at 127\.0\.0\.1:1\/tma/);
    assert.doesNotMatch(p.stderr() + p.stdout.join('\n'), /pw-do-not-print/);
  });

  test('with a certificate it serves HTTPS with HSTS', {
    skip: missingTool('openssl', 'apt-get install openssl'),
  }, async () => {
    const dir = tempDir();
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const p = spawnServer({ ...dirsIn(dir), TMA_TLS_CERT_FILE: cert, TMA_TLS_KEY_FILE: key });
    const { address } = await p.waitForLog('TMA is listening');
    try {
      assert.match(String(address), /^https:/);
      const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
        https
          .get(`${String(address)}/livez`, { rejectUnauthorized: false }, (res) => {
            res.resume();
            resolve(res.headers);
          })
          .on('error', reject);
      });
      assert.equal(headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    } finally {
      p.child.kill('SIGTERM');
      assert.equal(await p.exited, 0);
    }
  });
});
