import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LocalBlobStore } from '../../src/server/documents/blobs/local-blob-store.ts';
import { sweepOrphans } from '../../src/server/documents/sweeper.job.ts';
import { openEmbedded } from '../../src/server/platform/db/database.ts';

const CRASHING = path.resolve(import.meta.dirname, '../support/crashing-upload.ts');

test('kill -9 during an upload leaves a pending blob and a temp file; the sweeper leaves no orphan', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'tma-crash-'));
  const env = {
    PATH: process.env.PATH ?? '',
    TMA_DATA_DIR: path.join(root, 'data'),
    TMA_SECRETS_DIR: path.join(root, 'secrets'),
    CASE_ID: randomUUID(),
  };
  const child = spawn(process.execPath, [CRASHING], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  // Opening and migrating a fresh embedded database comes first: a minute on a busy machine.
  for (let i = 0; i < 900 && !out.includes('uploading') && child.exitCode === null; i++)
    await new Promise((resolve) => setTimeout(resolve, 100));
  // Killed whatever happened: a child left waiting for its SIGKILL would run on after the test.
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
  assert.match(out, /uploading/, 'the upload was under way');

  const documents = path.join(env.TMA_DATA_DIR, 'documents');
  const temp = path.join(documents, 'tmp');
  assert.ok(existsSync(temp) && readdirSync(temp).length > 0, 'the crash left a temp file');
  const database = await openEmbedded({ dataDir: env.TMA_DATA_DIR });
  try {
    const store = new LocalBlobStore({ directory: documents });
    assert.equal((await database.db.selectFrom('blob_uploads').selectAll().execute()).length, 1);
    // Everything older than now counts as abandoned here (the job uses a day).
    const result = await sweepOrphans(database.db, store, new Date(Date.now() + 1000));
    assert.equal(result.pending, 1);
    assert.ok(result.leftovers >= 1, 'the temp file is gone');
    assert.deepEqual(readdirSync(temp), []);
    const left: string[] = [];
    for await (const blob of store.list()) left.push(blob.name);
    assert.deepEqual(left, []);
    assert.equal((await database.db.selectFrom('blob_uploads').selectAll().execute()).length, 0);
  } finally {
    await database.close();
  }
});
