import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { newToken, safeEqual, tokenHash } from '../../access/sessions/tokens.ts';
import type { DB } from '../../platform/db/schema.ts';
import { settingsRepository } from '../settings/settings.repository.ts';

const KEY = 'setup.token';
const TTL_MS = 24 * 3600_000;
export const SETUP_LINK_FILE = 'setup-link.txt';

interface StoredToken {
  hash: string;
  expiresAt: string;
}

/**
 * First run: no default credentials. While the database has no user, every start makes a new
 * one-time setup token (the old one stops working) and hands its link to whoever runs the
 * server: on the terminal when standard output is one, otherwise in a file only the server's
 * user can read. Never in the log.
 */
export async function prepareSetup(
  db: Kysely<DB>,
  now: Date,
  publicOrigin: string,
  secretsDir: string,
  log: Logger,
  terminal = process.stdout.isTTY === true,
): Promise<void> {
  const token = newToken();
  const value: StoredToken = { hash: tokenHash(token), expiresAt: new Date(now.getTime() + TTL_MS).toISOString() };
  const current = await settingsRepository.getOrCreate<StoredToken>(db, KEY, value);
  if (current.value.hash !== value.hash) await settingsRepository.update(db, KEY, value, current.version);
  const link = `${publicOrigin}/setup#${token}`;
  const file = path.join(secretsDir, SETUP_LINK_FILE);
  if (terminal) {
    process.stdout.write(
      `\n  TMA needs to be set up. Open this link within 24 hours (it works once):\n\n    ${link}\n\n`,
    );
    rmSync(file, { force: true });
    log.info('setup required: the setup link is shown on the terminal');
  } else {
    writeFileSync(file, `${link}\n`, { mode: 0o600 });
    log.info({ file }, 'setup required: the setup link is in this file, readable only by the server user');
  }
}

/** Whether the token is the current, unexpired one (without using it up). */
export async function setupTokenValid(db: Kysely<DB>, token: string, now: Date): Promise<boolean> {
  const stored = await settingsRepository.get<StoredToken>(db, KEY);
  return (
    stored !== undefined &&
    Date.parse(stored.value.expiresAt) > now.getTime() &&
    safeEqual(stored.value.hash, tokenHash(token))
  );
}

/** Checks the token and deletes it in the caller's transaction; false for a wrong or expired one. */
export async function consumeSetupToken(db: Kysely<DB>, token: string, now: Date): Promise<boolean> {
  const stored = await db
    .selectFrom('settings')
    .select(['value'])
    .where('key', '=', KEY)
    .forUpdate()
    .executeTakeFirst();
  const value = stored?.value as StoredToken | undefined;
  if (value === undefined || Date.parse(value.expiresAt) <= now.getTime()) return false;
  if (!safeEqual(value.hash, tokenHash(token))) return false;
  await db.deleteFrom('settings').where('key', '=', KEY).execute();
  return true;
}

export function removeSetupLinkFile(secretsDir: string): void {
  rmSync(path.join(secretsDir, SETUP_LINK_FILE), { force: true });
}
