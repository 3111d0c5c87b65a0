import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { sealIdentity } from '../../src/server/access/identity.ts';
import { sessionsRepository } from '../../src/server/access/sessions/sessions.repository.ts';
import { csrfTokenFor } from '../../src/server/access/sessions/tokens.ts';
import { buildApp } from '../../src/server/app.ts';
import { loadConfig } from '../../src/server/config.ts';
import { openBlobStore } from '../../src/server/documents/setup.ts';
import { openKeyProvider } from '../../src/server/keys/provider.ts';
import { KeyRing } from '../../src/server/platform/crypto/key-ring.ts';
import { openDatabase } from '../../src/server/platform/db/open.ts';
import { createLifecycle } from '../../src/server/platform/lifecycle.ts';

/**
 * The server of the documents benchmark (bench/documents.ts), in a process of its own so that its
 * memory can be watched: the real app from the environment's configuration, with one rule the
 * cases issue will replace (every signed-in user reaches the bench case's documents), one account
 * and its session. Prints one JSON line: where it listens and the session to use.
 */
const config = loadConfig();
const log = pino({ level: 'warn' }, pino.destination(2));
const database = await openDatabase(config, log);
const keys = new KeyRing(openKeyProvider(config.keys, config.secretsDir), database.db);
const caseId = randomUUID();
const everyone = { canRead: async () => true, canWrite: async () => true };
const blobStore = openBlobStore(config.documents);
await blobStore.check();
const app = await buildApp({
  config,
  database,
  log,
  lifecycle: createLifecycle(),
  keys,
  blobStore,
  documentOwners: { case: everyone },
});
await keys.createKey('case', caseId);
const userId = randomUUID();
await database.db
  .insertInto('users')
  .values({
    id: userId,
    role: 'threat_manager',
    status: 'active',
    email: null,
    display_name: null,
    ...(await sealIdentity(keys, userId, { email: 'bench@example.org', displayName: 'Bench' })),
    expertise: null,
    password_hash: null,
    password_changed_at: null,
    activated_at: new Date(),
  })
  .execute();
const now = new Date();
const session = await sessionsRepository.create(database.db, userId, now, 3600, 'bench');
await sessionsRepository.completeMfa(database.db, session.id, now);
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url, caseId, cookie: session.token, csrf: csrfTokenFor(session.token) })}\n`);
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => database.close())
    .then(() => process.exit(0));
});
