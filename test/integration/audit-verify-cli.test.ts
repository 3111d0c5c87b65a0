import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { writeCheckpoint } from '../../src/server/audit/chainer.ts';
import { loadSigner } from '../../src/server/audit/checkpoints.ts';
import { recordAudit } from '../../src/server/audit/record.ts';
import { openEmbedded } from '../../src/server/platform/db/database.ts';
import { chainEverything, seedCleanChain, TAMPERINGS, tamper } from '../support/audit.ts';
import { asOwner, engines, openTestDatabase } from '../support/db.ts';
import { runCli, spawnServer } from '../support/process.ts';

const CLI = path.resolve(import.meta.dirname, '../../src/server/audit/verify-cli.ts');

/** `npm run audit:verify` as an operator runs it. */
const verifyCli = (env: Record<string, string>, args: string[] = []) => runCli(CLI, env, args);

describe('npm run audit:verify on the embedded engine', () => {
  test('refuses while the server holds the data; after it stops, verifies; names an edit made with the server stopped', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tma-verify-'));
    const env = {
      TMA_DATA_DIR: path.join(dir, 'data'),
      TMA_SECRETS_DIR: path.join(dir, 'secrets'),
      TMA_AUDIT_DIR: path.join(dir, 'audit'),
    };
    const server = spawnServer(env);
    const listening = await server.waitForLog('TMA is listening');
    // A failed sign-in: an audit event through the real request path.
    const res = await fetch(`${String(listening.address)}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
      body: JSON.stringify({ email: 'nobody@example.com', password: 'not a password of anyone' }),
    });
    assert.equal(res.status, 401);

    const refused = await verifyCli(env);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /is in use by process .*a running server holds the embedded database/);

    server.child.kill('SIGTERM');
    assert.equal(await server.exited, 0);
    // The server chained its last events and signed the head on the way out.
    const file = readFileSync(path.join(dir, 'audit', 'checkpoints.jsonl'), 'utf8')
      .trim()
      .split('\n');
    assert.ok(file.length >= 1);

    const intact = await verifyCli(env);
    assert.equal(intact.code, 0, intact.out + intact.err);
    assert.match(intact.out, /^audit trail intact\n {2}chain: 1 links/);
    // Pinning the audit key: the fingerprint every run prints, and a refusal for any other key.
    const keyId = /audit key: ([0-9a-f]{16})/.exec(intact.out)?.[1] ?? '';
    assert.equal((await verifyCli(env, ['--key-id', keyId])).code, 0);
    const other = await verifyCli(env, ['--key-id', '0123456789abcdef']);
    assert.equal(other.code, 2);
    assert.match(other.err, /is [0-9a-f]{16}, not the audit key 0123456789abcdef/);

    const database = await openEmbedded({ dataDir: env.TMA_DATA_DIR });
    try {
      await sql`alter table audit_events disable trigger user`.execute(database.db);
      await sql`update audit_events set ip = '198.51.100.1'`.execute(database.db);
    } finally {
      await database.close();
    }
    const broken = await verifyCli(env);
    assert.equal(broken.code, 1);
    assert.match(broken.out, /^audit trail BROKEN: 1 problem\(s\)/);
    assert.match(broken.out, /first break: \[edited\] event 1 at 1 does not match its link/);
  });
});

if (engines().includes('postgres')) {
  describe('npm run audit:verify on PostgreSQL', () => {
    test('verifies as the application role; names a truncated tail that the owner cut', async () => {
      const t = await openTestDatabase('postgres');
      const urls = t.urls;
      assert.ok(urls);
      const dir = mkdtempSync(path.join(tmpdir(), 'tma-verify-'));
      const auditDir = path.join(dir, 'audit');
      const signer = loadSigner(path.join(dir, 'secrets', 'audit-signing-key.pem'), auditDir);
      try {
        for (let i = 0; i < 12; i++) {
          await recordAudit(t.database.db, new Date(), { action: 'session.step_up', outcome: 'allowed' });
        }
        await chainEverything(t.database);
        await writeCheckpoint(t.database, signer, auditDir, { info() {} }, new Date());
        const env = {
          DATABASE_URL: urls.app,
          TMA_DATA_DIR: path.join(dir, 'data'),
          TMA_SECRETS_DIR: path.join(dir, 'secrets'),
          TMA_AUDIT_DIR: auditDir,
        };
        const intact = await verifyCli(env);
        assert.equal(intact.code, 0, intact.out + intact.err);
        assert.match(intact.out, /chain: 12 links, 1 to 12/);

        await asOwner(t, async (db) => {
          await sql`alter table audit_chain disable trigger user`.execute(db);
          await sql`alter table audit_events disable trigger user`.execute(db);
          await sql`alter table audit_checkpoints disable trigger user`.execute(db);
          await sql`delete from audit_events where id in (select event_id from audit_chain where seq > 9)`.execute(db);
          await sql`delete from audit_chain where seq > 9`.execute(db);
          await sql`delete from audit_checkpoints`.execute(db);
        });
        const broken = await verifyCli({ ...env, TMA_DATA_DIR: path.join(dir, 'data') });
        assert.equal(broken.code, 1);
        assert.match(
          broken.out,
          /first break: \[truncated\] a checkpoint signed .* covers 12 links, but the chain ends at 9/,
        );
        const json = await verifyJson(env);
        assert.equal(json.ok, false);
      } finally {
        await t.close();
      }
    });
  });
}

if (engines().includes('postgres')) {
  describe('npm run audit:verify names each break made as the owner on PostgreSQL', () => {
    for (const [name, change, kind, seq] of TAMPERINGS) {
      test(name, async () => {
        const t = await openTestDatabase('postgres');
        const urls = t.urls;
        assert.ok(urls);
        const dir = mkdtempSync(path.join(tmpdir(), 'tma-verify-'));
        const auditDir = path.join(dir, 'audit');
        const signer = loadSigner(path.join(dir, 'secrets', 'audit-signing-key.pem'), auditDir);
        const env = {
          DATABASE_URL: urls.app,
          TMA_DATA_DIR: path.join(dir, 'data'),
          TMA_SECRETS_DIR: path.join(dir, 'secrets'),
          TMA_AUDIT_DIR: auditDir,
        };
        try {
          await seedCleanChain(t.database, signer, auditDir);
          assert.equal((await verifyCli(env)).code, 0);
          await tamper(t, change);
          const broken = await verifyCli(env);
          assert.equal(broken.code, 1, broken.out + broken.err);
          assert.match(broken.out, new RegExp(`first break: \\[${kind}\\] `), broken.out);
          const json = await verifyJson(env);
          assert.deepEqual([json.problems[0]?.kind, json.problems[0]?.seq], [kind, seq]);
        } finally {
          await t.close();
        }
      });
    }
  });
}

async function verifyJson(
  env: Record<string, string>,
): Promise<{ ok: boolean; problems: { kind: string; seq: string | null }[] }> {
  const child = spawn(process.execPath, [CLI, '--json'], { env: { PATH: process.env.PATH ?? '', ...env } });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  await new Promise((resolve) => child.on('exit', resolve));
  return JSON.parse(out) as { ok: boolean; problems: { kind: string; seq: string | null }[] };
}
