import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { sealTotpSecret } from '../../../src/server/access/mfa/totp-secrets.ts';
import { hashPassword } from '../../../src/server/access/passwords/password-hashing.ts';
import { loadConfig } from '../../../src/server/config.ts';
import { usersRepository } from '../../../src/server/features/users/users.repository.ts';
import { openKeyProvider } from '../../../src/server/keys/provider.ts';
import { KeyRing } from '../../../src/server/platform/crypto/key-ring.ts';
import { createLogger } from '../../../src/server/platform/http/logging.ts';
import { startServer } from '../../../src/server/server.ts';
import { CASE_TEAM } from './case-team.ts';

/**
 * The real server (startServer, as main.ts runs it, with no stand-ins) for the cases journey, with
 * its team made at start: each account active, with its password and its authenticator app set up.
 */
const config = loadConfig();
const log = createLogger(config.logLevel);
const server = await startServer(config, log);
const db = server.database.db;
const keys = new KeyRing(openKeyProvider(config.keys, config.secretsDir), db);
const now = new Date();
for (const person of Object.values(CASE_TEAM)) {
  const id = randomUUID();
  await usersRepository.insert(
    db,
    keys,
    {
      id,
      email: person.email,
      displayName: person.name,
      role: person.role,
      expertise: person.expertise,
      status: 'active',
      passwordHash: await hashPassword(person.password),
    },
    now,
  );
  await db
    .insertInto('mfa_totp')
    .values({ user_id: id, secret_sealed: await sealTotpSecret(keys, id, 'secret', person.secret), confirmed_at: now })
    .execute();
}

// The journey waits for this file: the server answers /readyz before its team is made.
writeFileSync(path.join(config.secretsDir, 'e2e-team-ready.txt'), 'ready', { mode: 0o600 });

process.on('SIGTERM', () => {
  void server.shutdown().then(() => process.exit(0));
});
