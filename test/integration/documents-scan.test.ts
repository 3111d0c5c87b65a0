import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ClamdScanner } from '../../src/server/documents/scan/clamd.ts';
import { openBlobStore } from '../../src/server/documents/setup.ts';
import { type Browser, createAccount, signIn } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { clamdMissing, EICAR, EICAR_SIGNATURE, startClamd, type TestClamd } from '../support/clamd.ts';
import { form, memberOwners, postForm } from '../support/documents.ts';
import { closedPort } from '../support/ports.ts';
import { spawnServer } from '../support/process.ts';

/**
 * Uploads scanned by a real clamd (Debian's clamav-daemon, offline, one test signature): EICAR is
 * refused and nothing of it stays; while clamd cannot be reached, uploads fail closed.
 */
const skip = clamdMissing();

describe('documents with virus scanning', { skip }, () => {
  let clamd: TestClamd;
  let t: TestApp;
  let member: Browser;
  const caseId = randomUUID();
  let scanner: ClamdScanner;
  before(async () => {
    clamd = await startClamd();
    scanner = new ClamdScanner({ host: clamd.host, port: clamd.port, timeoutMs: 5_000, connectTimeoutMs: 1_000 });
    const { owners, admit } = memberOwners();
    t = await buildTestApp('pglite', { documentOwners: owners, scanner });
    await t.keys.createKey('case', caseId);
    const m = await createAccount(t, 'threat_manager');
    admit(caseId, m.id);
    member = await signIn(t, m.email);
  });
  after(async () => {
    await t?.close();
    await clamd?.close();
  });

  const upload = (name: string, content: Uint8Array) =>
    postForm(t, member, '/api/documents', form({ ownerType: 'case', ownerId: caseId }, { name, content }));
  const blobs = async () => {
    const names: string[] = [];
    for await (const blob of openBlobStore(t.config.documents).list()) names.push(blob.name);
    return names;
  };
  const pending = async () => (await t.database.db.selectFrom('blob_uploads').selectAll().execute()).length;

  test('a clean file is scanned and stored; the EICAR test file is refused and nothing of it stays', async () => {
    const clean = await upload('notiz.txt', Buffer.from('nichts Böses\n'));
    assert.equal(clean.statusCode, 201, clean.body);
    assert.equal(clean.json().current.scanned, true);
    const before = await blobs();

    const infected = await upload('eicar.txt', EICAR);
    assert.equal(infected.statusCode, 422, infected.body);
    assert.equal(infected.json().reason, 'infected');
    assert.ok(!infected.body.includes(EICAR_SIGNATURE), 'the signature name stays in the log, not the answer');
    assert.deepEqual(await blobs(), before);
    assert.equal(await pending(), 0);
    const refused = await t.database.db
      .selectFrom('audit_events')
      .select('detail')
      .where('action', '=', 'document.upload_refused')
      .execute();
    assert.deepEqual(refused.at(-1)?.detail, { reason: 'infected' });
  });

  test('while clamd is down, uploads are refused (503) and nothing is stored', async () => {
    const before = await blobs();
    await clamd.close();
    const res = await upload('notiz.txt', Buffer.from('harmlos\n'));
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.json().code, 'service_unavailable');
    assert.deepEqual(await blobs(), before);
    assert.equal(await pending(), 0);
  });
});

describe('the server at start-up with clamd configured', { skip }, () => {
  let clamd: TestClamd;
  before(async () => {
    clamd = await startClamd({ streamMaxLength: 1024 * 1024 });
  });
  after(async () => {
    await clamd?.close();
  });
  const dirs = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tma-clamd-start-'));
    return {
      TMA_DATA_DIR: path.join(dir, 'data'),
      TMA_SECRETS_DIR: path.join(dir, 'secrets'),
      TMA_AUDIT_DIR: path.join(dir, 'audit'),
      TMA_CLAMD: `${clamd.host}:${clamd.port}`,
    };
  };

  test('refuses to start when clamd’s StreamMaxLength is below the upload limit, and says how to fix it', async () => {
    const server = spawnServer({ ...dirs(), TMA_UPLOAD_LIMIT_BYTES: String(clamd.streamMaxLength + 1) });
    assert.equal(await server.exited, 1);
    assert.match(
      server.stderr(),
      /^tma: cannot start: invalid configuration:\n {2}- TMA_UPLOAD_LIMIT_BYTES: 1048577 is more than clamd's StreamMaxLength: set StreamMaxLength to at least that in clamd.conf, or lower the limit\n$/,
    );
  });

  test('starts when StreamMaxLength covers the limit, and when clamd does not answer (uploads then fail closed)', async () => {
    const fits = spawnServer({ ...dirs(), TMA_UPLOAD_LIMIT_BYTES: String(clamd.streamMaxLength) });
    await fits.waitForLog('TMA is listening');
    fits.child.kill('SIGTERM');
    assert.equal(await fits.exited, 0);

    const down = spawnServer({ ...dirs(), TMA_CLAMD: `127.0.0.1:${await closedPort()}` });
    const complaint = await down.waitForLog('clamd does not answer: uploads are refused until it does');
    assert.equal(complaint.level, 50);
    await down.waitForLog('TMA is listening');
    down.child.kill('SIGTERM');
    assert.equal(await down.exited, 0);
  });
});
