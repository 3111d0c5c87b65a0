import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Expertise, Role } from '../../../src/contract/accounts.ts';
import { sealTotpSecret } from '../../../src/server/access/mfa/totp-secrets.ts';
import { hashPassword } from '../../../src/server/access/passwords/password-hashing.ts';
import { loadConfig } from '../../../src/server/config.ts';
import { usersRepository } from '../../../src/server/features/users/users.repository.ts';
import { openKeyProvider } from '../../../src/server/keys/provider.ts';
import { KeyRing } from '../../../src/server/platform/crypto/key-ring.ts';
import { createLogger } from '../../../src/server/platform/http/logging.ts';
import { startServer } from '../../../src/server/server.ts';

export interface TeamMember {
  readonly email: string;
  readonly name: string;
  readonly password: string;
  readonly role: Role;
  readonly expertise?: Expertise | null;
  /** The authenticator app's secret, for those who have one set up. */
  readonly secret?: string;
}

/**
 * The real server (startServer, as main.ts runs it, with no stand-ins) with a journey's people
 * made at start: each account active with its password, and its authenticator app where it has a
 * secret. The journey waits for e2e-team-ready.txt: the server answers /readyz before they exist.
 */
export async function startWithTeam<T extends Readonly<Record<string, TeamMember>>>(
  team: T,
  /** What the journey needs besides its people (models in the registry), made before it is ready. */
  prepare?: (
    server: Awaited<ReturnType<typeof startServer>>,
    keys: KeyRing,
    ids: Record<keyof T, string>,
  ) => Promise<void>,
): Promise<void> {
  const config = loadConfig();
  const server = await startServer(config, createLogger(config.logLevel));
  const db = server.database.db;
  const keys = new KeyRing(openKeyProvider(config.keys, config.secretsDir), db);
  const now = new Date();
  const ids = {} as Record<keyof T, string>;
  for (const [name, person] of Object.entries(team) as [keyof T, TeamMember][]) {
    const id = randomUUID();
    ids[name] = id;
    await usersRepository.insert(
      db,
      keys,
      {
        id,
        email: person.email,
        displayName: person.name,
        role: person.role,
        expertise: person.expertise ?? null,
        status: 'active',
        passwordHash: await hashPassword(person.password),
      },
      now,
    );
    if (person.secret !== undefined)
      await db
        .insertInto('mfa_totp')
        .values({
          user_id: id,
          secret_sealed: await sealTotpSecret(keys, id, 'secret', person.secret),
          confirmed_at: now,
        })
        .execute();
  }
  await prepare?.(server, keys, ids);
  writeFileSync(path.join(config.secretsDir, 'e2e-team-ready.txt'), 'ready', { mode: 0o600 });
  process.on('SIGTERM', () => {
    void server.shutdown().then(() => process.exit(0));
  });
}
