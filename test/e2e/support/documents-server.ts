import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../../src/server/config.ts';
import type { OwnerAccess } from '../../../src/server/documents/owners.ts';
import { openKeyProvider } from '../../../src/server/keys/provider.ts';
import { KeyRing } from '../../../src/server/platform/crypto/key-ring.ts';
import { createLogger } from '../../../src/server/platform/http/logging.ts';
import { startServer } from '../../../src/server/server.ts';

/**
 * The real server (startServer, as main.ts runs it) for the documents journey, with the one thing
 * the product does not have yet: an owner rule for documents, which the cases issue will register
 * (membership and the documents scope). Standing in here: team leads reach the documents of one
 * case, whose id and data key this makes at start and writes where the journey reads it; every
 * other user, and every other case, reaches nothing (404), as without any rule.
 */
const caseId = randomUUID();
const teamLeads: OwnerAccess = {
  canRead: async (_db, actor, ownerId) => actor.role === 'team_lead' && ownerId === caseId,
  canWrite: async (_db, actor, ownerId) => actor.role === 'team_lead' && ownerId === caseId,
};

const config = loadConfig();
const log = createLogger(config.logLevel);
const server = await startServer(config, log, { documentOwners: { case: teamLeads } });
await new KeyRing(openKeyProvider(config.keys, config.secretsDir), server.database.db).createKey('case', caseId);
writeFileSync(path.join(config.secretsDir, 'e2e-case-id.txt'), caseId, { mode: 0o600 });

process.on('SIGTERM', () => {
  void server.shutdown().then(() => process.exit(0));
});
