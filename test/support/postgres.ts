import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * PostgreSQL for tests: the global setup migrates one template database; each test file then
 * gets its own copy (CREATE DATABASE … TEMPLATE, a file copy on the server) and drops it after.
 * DATABASE_URL names the application role, TMA_MIGRATION_DATABASE_URL the schema owner (which
 * needs CREATEDB); both point at any existing database of the cluster.
 */
export function postgresUrls(): { app: string; owner: string } | undefined {
  const app = process.env.DATABASE_URL;
  if (app === undefined || app === '') return undefined;
  return { app, owner: process.env.TMA_MIGRATION_DATABASE_URL || app };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/**
 * Drops a test database. A backend of the application role may still be exiting after its pool
 * closed; the owner may not terminate it (it is not a member of that role), so wait for it.
 */
export async function dropDatabase(ownerUrl: string, name: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await adminQuery(ownerUrl, `drop database if exists ${name} with (force)`);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= 50 || (code !== '42501' && code !== '55006')) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
