import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ClamdScanner } from '../../src/server/documents/scan/clamd.ts';
import { openBlobStore } from '../../src/server/documents/setup.ts';
import { type Browser, createAccount, signIn } from '../support/accounts.ts';
import { buildTestApp, type TestApp } from '../support/app.ts';
import { clamdMissing, EICAR, EICAR_SIGNATURE, startClamd, type TestClamd } from '../support/clamd.ts';
import { form, memberOwners, postForm } from '../support/documents.ts';

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
