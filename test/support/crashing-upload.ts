/**
 * An upload that never ends, in a process of its own, for the crash test (documents-crash.test.ts):
 * it opens the embedded database and the local blob store of TMA_DATA_DIR, starts streaming an
 * endless text file through the real pipeline, prints "uploading" once its blob is pending and
 * bytes are in the store's temp file, and waits to be killed with SIGKILL.
 */
import path from 'node:path';
import { LocalBlobStore } from '../../src/server/documents/blobs/local-blob-store.ts';
import { storeUpload } from '../../src/server/documents/upload.ts';
import { KeyRing } from '../../src/server/platform/crypto/key-ring.ts';
import { LocalKeyProvider } from '../../src/server/platform/crypto/local-key-provider.ts';
import { openEmbedded } from '../../src/server/platform/db/database.ts';
import { migrate } from '../../src/server/platform/db/migrate.ts';

const dataDir = process.env.TMA_DATA_DIR ?? '';
const database = await openEmbedded({ dataDir });
await migrate(database.db);
const keys = new KeyRing(LocalKeyProvider.open(process.env.TMA_SECRETS_DIR ?? ''), database.db);
const ownerKey = await keys.createKey('case', process.env.CASE_ID ?? '');
const store = new LocalBlobStore({ directory: path.join(dataDir, 'documents') });

let sent = 0;
async function* endless(): AsyncGenerator<Uint8Array> {
  const line = Buffer.from(`${'Zeile eines langen Protokolls '.repeat(30)}\n`);
  for (;;) {
    yield line;
    sent += line.length;
    if (sent > 2 * 1024 * 1024 && sent - line.length <= 2 * 1024 * 1024) process.stdout.write('uploading\n');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

await storeUpload(
  { db: database.db, store, scanner: undefined, limitBytes: Number.MAX_SAFE_INTEGER, now: () => new Date() },
  { fileName: 'protokoll.txt', source: endless(), strip: false, ownerKey, versionId: crypto.randomUUID() },
);
