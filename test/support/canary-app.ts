import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, openAsBlob, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import { type Logger, pino } from 'pino';
import { ROLES, type Role } from '../../src/contract/accounts.ts';
import type { Actor } from '../../src/server/access/actor.ts';
import { isPolicyName, type Policy, policies } from '../../src/server/access/policies.ts';
import { buildApp } from '../../src/server/app.ts';
import { type CheckpointSigner, loadSigner } from '../../src/server/audit/checkpoints.ts';
import type { Config } from '../../src/server/config.ts';
import { prepareSetup, SETUP_LINK_FILE } from '../../src/server/features/setup/setup-token.ts';
import { openKeyProvider } from '../../src/server/keys/provider.ts';
import { KeyRing } from '../../src/server/platform/crypto/key-ring.ts';
import { openEmbedded } from '../../src/server/platform/db/database.ts';
import { createLifecycle } from '../../src/server/platform/lifecycle.ts';
import { ORIGIN, tokenOf } from './accounts.ts';
import { type TestApp, testConfig } from './app.ts';
import { Markers } from './canary-search.ts';
import { openTestDatabase, type TestDatabase, type TestEngine } from './db.ts';
import { memberOwners } from './documents.ts';
import type { TestIdp } from './oidc-idp.ts';

/** The canary test's app: everything on, on disk, with a trace log kept; and who the app's policies let in. */
/** The app with everything on (single sign-on; a trace-level log kept; PGlite on disk), and the setup link. */
export interface CanaryApp extends TestApp {
  readonly engine: TestEngine;
  readonly root: string;
  /** Outside root, so that the temp directory's search must find the control there. */
  readonly controlDir: string;
  readonly logs: string[];
  readonly testDb: TestDatabase;
  readonly markers: Markers;
  readonly setupToken: string;
  readonly signer: CheckpointSigner;
  readonly log: Logger;
  /** A case whose documents its members reach (the rule the cases issue will register), with its key. */
  readonly caseId: string;
  admit(userId: string): void;
}

/** Its own temp directory (data, secrets, audit), PGlite on disk there or a fresh PostgreSQL database. */
export async function openCanaryApp(engine: TestEngine, idp: TestIdp): Promise<CanaryApp> {
  const root = mkdtempSync(path.join(tmpdir(), 'tma-canary-'));
  const config = testConfig(root, {
    TMA_OIDC_ISSUER: idp.issuer,
    TMA_OIDC_CLIENT_ID: idp.clientId,
    TMA_OIDC_CLIENT_SECRET: idp.clientSecret,
    TMA_OIDC_CA_FILE: await idp.writeCaFile(root),
  });
  mkdirSync(config.secretsDir, { recursive: true, mode: 0o700 });
  let testDb: TestDatabase;
  if (engine === 'pglite') {
    const template = process.env.TMA_TEST_PGLITE_TEMPLATE;
    if (template === undefined) throw new Error('run the tests through npm test (global setup makes the template)');
    const database = await openEmbedded({ dataDir: config.dataDir, loadDataDir: await openAsBlob(template) });
    testDb = { database, close: () => database.close() };
  } else {
    testDb = await openTestDatabase('postgres');
  }
  try {
    return await wire(engine, root, config, testDb);
  } catch (error) {
    await testDb.close();
    throw error;
  }
}

async function wire(engine: TestEngine, root: string, config: Config, testDb: TestDatabase): Promise<CanaryApp> {
  const logs: string[] = [];
  const log = pino({ level: 'trace' }, { write: (line: string) => logs.push(line) });
  const lifecycle = createLifecycle();
  const auditSigner = loadSigner(config.audit.signingKeyFile, config.audit.dir);
  const keys = new KeyRing(openKeyProvider(config.keys, config.secretsDir), testDb.database.db);
  const { owners, admit } = memberOwners();
  const caseId = randomUUID();
  const app = await buildApp({
    config,
    database: testDb.database,
    log,
    lifecycle,
    auditSigner,
    keys,
    documentOwners: owners,
    scanner: null,
  });
  await keys.createKey('case', caseId);
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      await testDb.close();
    })());
  await app.ready();
  await prepareSetup(testDb.database.db, new Date(), ORIGIN, config.secretsDir, log, false);
  const setupToken = tokenOf(readFileSync(path.join(config.secretsDir, SETUP_LINK_FILE), 'utf8').trim());
  return {
    engine,
    root,
    controlDir: mkdtempSync(path.join(tmpdir(), 'tma-canary-control-')),
    logs,
    testDb,
    markers: new Markers(),
    setupToken,
    signer: auditSigner,
    log,
    app,
    config,
    database: testDb.database,
    lifecycle,
    keys,
    close,
    caseId,
    admit: (userId) => admit(caseId, userId),
  };
}

const fakeActor = (role: Role, mfa: Actor['mfa']): Actor => ({
  userId: randomUUID(),
  role,
  identity: async () => ({ email: 'fake@example.org', displayName: 'Fake' }),
  expertise: null,
  sessionId: randomUUID(),
  csrfToken: 'fake',
  stepUpAt: new Date(),
  idleExpiresAt: new Date(Date.now() + 60_000),
  absoluteExpiresAt: new Date(Date.now() + 60_000),
  mfa,
});

async function admits(policy: string, actor: Actor | undefined): Promise<boolean> {
  if (!isPolicyName(policy)) return false;
  try {
    const request = { headers: {} } as FastifyRequest;
    return (await (policies[policy] as Policy)({ request, actor, metricsToken: undefined })) === true;
  } catch {
    return false;
  }
}

/** Who the app's own policy function lets in: anyone, the first role it admits, or a session whose code is due. */
export async function whoPasses(policy: string): Promise<'anonymous' | Role | 'code due' | undefined> {
  if (await admits(policy, undefined)) return 'anonymous';
  for (const role of ROLES) if (await admits(policy, fakeActor(role, 'done'))) return role;
  if (await admits(policy, fakeActor('threat_manager', 'challenge'))) return 'code due';
  return undefined;
}
