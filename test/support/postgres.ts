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
