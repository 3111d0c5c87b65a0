import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Logger, pino } from 'pino';
import { buildApp } from '../../src/server/app.ts';
import { type Config, loadConfig } from '../../src/server/config.ts';
import type { BlobStore } from '../../src/server/documents/blobs/blob-store.ts';
import type { DocumentOwners } from '../../src/server/documents/owners.ts';
import type { Scanner } from '../../src/server/documents/scan/scanner.ts';
import { openKeyProvider } from '../../src/server/keys/provider.ts';
import type { Clock } from '../../src/server/platform/clock.ts';
import type { KeyProvider } from '../../src/server/platform/crypto/key-provider.ts';
import { KeyRing } from '../../src/server/platform/crypto/key-ring.ts';
import type { Database } from '../../src/server/platform/db/database.ts';
import { createLifecycle, type Lifecycle } from '../../src/server/platform/lifecycle.ts';
import { openTestDatabase, type TestEngine } from './db.ts';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly config: Config;
  readonly database: Database;
  readonly lifecycle: Lifecycle;
  /** The app's data keys (its key provider: the local one of the test's secrets directory, unless configured). */
  readonly keys: KeyRing;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  log?: Logger;
  /** Add fixture routes before the app is sealed. */
  extend?: (app: FastifyInstance) => void;
  webDir?: string;
  clock?: Clock;
  /** Another key provider than the configured one (e.g. AWS KMS against the fake). */
  keyProvider?: KeyProvider;
  /** Owner rules for documents (the cases and intake features register theirs). */
  documentOwners?: DocumentOwners;
  /** A virus scanner (a clamd the test started); none by default. */
  scanner?: Scanner;
  /** Another blob store than the configured local one (S3 against the fake). */
  blobStore?: BlobStore;
  /** How often an open notification stream checks its session. */
  notificationBeatMs?: number;
}

/** The configuration of a test app: data, secrets and audit directories of its own under root. */
export function testConfig(root: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    TMA_DATA_DIR: path.join(root, 'data'),
    TMA_SECRETS_DIR: path.join(root, 'secrets'),
    TMA_AUDIT_DIR: path.join(root, 'audit'),
    TMA_PORT: '0',
    ...env,
  });
}

/** The real app on a fresh database of the given engine, for app.inject() or listen(). */
export async function buildTestApp(engine: TestEngine, options: TestAppOptions = {}): Promise<TestApp> {
  const config = testConfig(mkdtempSync(path.join(tmpdir(), 'tma-test-')), options.env);
  const t = await openTestDatabase(engine);
  const lifecycle = createLifecycle();
  const keys = new KeyRing(options.keyProvider ?? openKeyProvider(config.keys, config.secretsDir), t.database.db);
  const app = await buildApp({
    config,
    keys,
    database: t.database,
    log: options.log ?? pino({ level: process.env.TEST_LOG ?? 'silent' }),
    lifecycle,
    ...(options.webDir !== undefined ? { webDir: options.webDir } : {}),
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
    ...(options.documentOwners !== undefined ? { documentOwners: options.documentOwners } : {}),
    scanner: options.scanner ?? null,
    ...(options.blobStore !== undefined ? { blobStore: options.blobStore } : {}),
    ...(options.notificationBeatMs !== undefined ? { notificationBeatMs: options.notificationBeatMs } : {}),
  });
  options.extend?.(app);
  await app.ready();
  return {
    app,
    config,
    database: t.database,
    lifecycle,
    keys,
    close: async () => {
      await app.close();
      await t.close();
    },
  };
}
