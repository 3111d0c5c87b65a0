import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { scheduleIdentitySealing, sealLegacyIdentitiesJob } from './access/identity-legacy.job.ts';
import { scheduleLegacySealing, sealLegacyTotpJob } from './access/mfa/seal-legacy.job.ts';
import { accountsCleanupJob, scheduleAccountsCleanup } from './access/sessions/sessions.cleanup.ts';
import { buildApp } from './app.ts';
import { reviewRemindersJob, scheduleReviewReminders } from './assessments/reminders.job.ts';
import { AuditChainer } from './audit/chainer.ts';
import { loadSigner } from './audit/checkpoints.ts';
import { auditRetentionJob, scheduleAuditRetention } from './audit/retention.job.ts';
import { casePersonSource, caseTextSource } from './cases/search-source.ts';
import type { Config } from './config.ts';
import type { DocumentOwners } from './documents/owners.ts';
import { documentNameSource } from './documents/search-source.ts';
import { checkScanner, openBlobStore, openScanner } from './documents/setup.ts';
import { scheduleOrphanSweep, sweepOrphansJob } from './documents/sweeper.job.ts';
import { settingsRepository } from './features/settings/settings.repository.ts';
import { prepareSetup } from './features/setup/setup-token.ts';
import { usersRepository } from './features/users/users.repository.ts';
import { remindersJob, scheduleReminders } from './intake/reminders.job.ts';
import { reportPersonSource } from './intake/search-source.ts';
import { destroyEpochsJob, scheduleEpochDestruction } from './keys/epochs.job.ts';
import { openKeyProvider } from './keys/provider.ts';
import { systemClock } from './platform/clock.ts';
import { KeyRing } from './platform/crypto/key-ring.ts';
import { LocalKeyProvider } from './platform/crypto/local-key-provider.ts';
import type { Database } from './platform/db/database.ts';
import { openDatabase } from './platform/db/open.ts';
import { jobCleanupJob, scheduleMaintenance } from './platform/jobs/maintenance.ts';
import { JobWorker } from './platform/jobs/queue.ts';
import { createLifecycle } from './platform/lifecycle.ts';
import { reindexSearchJob, scheduleSearchReindex } from './search/reindex.job.ts';
import type { SearchSources } from './search/sources.ts';
import { timelineTextSource } from './timeline/search-source.ts';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly url: string;
  /** Readiness 503 at once, stop accepting, finish in-flight requests and jobs, close the database. */
  shutdown(): Promise<void>;
}

export interface StartOptions {
  /** Adds routes before the app is sealed: fixture routes in tests, plugins later. */
  readonly beforeListen?: (app: FastifyInstance) => void;
  /**
   * Owner rules for documents that replace the product's own (cases bring theirs, cases/document-owner.ts;
   * reports will bring theirs with the intake issue). Only the browser tests' documents server stands one in
   * (test/e2e/support/documents-server.ts): anything passed here decides access to documents, so main.ts
   * passes nothing.
   */
  readonly documentOwners?: DocumentOwners;
}

/** config → data directories → database (migrated) → app → jobs → listen. */
export async function startServer(config: Config, log: Logger, options: StartOptions = {}): Promise<RunningServer> {
  mkdirSync(config.secretsDir, { recursive: true, mode: 0o700 });
  const database = await openDatabase(config, log);
  const lifecycle = createLifecycle();
  let app: FastifyInstance | undefined;
  let worker: JobWorker | undefined;
  let chainer: AuditChainer | undefined;
  try {
    const instance = await settingsRepository.getOrCreate(database.db, 'instance.id', randomUUID());
    if ((await usersRepository.count(database.db)) === 0) {
      await prepareSetup(database.db, new Date(), config.publicUrl.origin, config.secretsDir, log);
    }
    const auditSigner = loadSigner(config.audit.signingKeyFile, config.audit.dir);
    const keys = new KeyRing(openKeyProvider(config.keys, config.secretsDir), database.db);
    if (
      keys.provider instanceof LocalKeyProvider &&
      !keys.provider.escrowedVersions().includes(keys.provider.currentVersion())
    ) {
      // Losing the master key file loses every sealed value: an escrow export is the way back.
      log.warn(
        { masterVersion: keys.provider.currentVersion() },
        'no escrow export holds the current master key version: run npm run keys:escrow -- --out FILE and store it offline',
      );
    }
    // Where the re-indexing after a search-key rotation reads each indexed object type's plaintext.
    const searchSources: SearchSources = {
      texts: [documentNameSource(keys), caseTextSource(keys), timelineTextSource(keys)],
      persons: [casePersonSource(keys), reportPersonSource(keys)],
    };
    const blobStore = openBlobStore(config.documents);
    // Makes the local store's directory, or finds the S3 bucket: a store that is not there stops the start.
    await blobStore.check();
    const scanner = openScanner(config.documents);
    if (scanner !== undefined) await checkScanner(scanner, config.documents.uploadLimitBytes, log);
    app = await buildApp({
      config,
      database,
      log,
      lifecycle,
      auditSigner,
      keys,
      blobStore,
      scanner: scanner ?? null,
      ...(options.documentOwners === undefined ? {} : { documentOwners: options.documentOwners }),
    });
    options.beforeListen?.(app);
    await scheduleMaintenance(database.db);
    await scheduleAccountsCleanup(database.db);
    await scheduleLegacySealing(database.db, keys);
    await scheduleIdentitySealing(database.db, keys, log);
    await scheduleOrphanSweep(database.db, blobStore, log);
    await scheduleEpochDestruction(database.db, keys.provider, config.keys.epochRetentionDays, log);
    await scheduleSearchReindex(database.db, keys, searchSources, log);
    const reminders = {
      clock: systemClock,
      timeZone: config.intake.timeZone,
      policy: { acknowledgeDays: config.intake.acknowledgeDays, feedbackMonths: config.intake.feedbackMonths },
    };
    await scheduleReminders(database.db, reminders);
    const reviewReminders = { clock: systemClock, timeZone: config.intake.timeZone };
    await scheduleReviewReminders(database.db, reviewReminders);
    const retention = {
      database,
      // Only the schema owner may delete audit rows; on the embedded engine there are no roles.
      ownerUrl: config.databaseUrl === undefined ? undefined : config.migrationDatabaseUrl,
      signer: auditSigner,
      auditDir: config.audit.dir,
      clock: systemClock,
      log,
    };
    await scheduleAuditRetention(database.db, retention, config.audit.retentionDays);
    worker = new JobWorker(
      database.db,
      [
        jobCleanupJob(database.db),
        accountsCleanupJob(database.db),
        auditRetentionJob(retention),
        sealLegacyTotpJob(database.db, keys),
        sealLegacyIdentitiesJob(database.db, keys, log),
        sweepOrphansJob(database.db, blobStore, log),
        destroyEpochsJob(database.db, keys.provider, config.keys.epochRetentionDays, log),
        reindexSearchJob(database.db, keys, searchSources, log),
        remindersJob(database.db, reminders),
        reviewRemindersJob(database.db, reviewReminders),
      ],
      log,
    );
    worker.start();
    chainer = new AuditChainer(database, log, {
      intervalMs: config.audit.chainIntervalMs,
      checkpointMs: config.audit.checkpointMinutes * 60_000,
      auditDir: config.audit.dir,
      signer: auditSigner,
      clock: systemClock,
    });
    chainer.start();
    const address = await app.listen({ host: config.host, port: config.port });
    log.info({ instance: instance.value, address, publicUrl: config.publicUrl.origin }, 'TMA is listening');
    const running = app;
    const jobs = worker;
    const audit = chainer;
    let closing: Promise<void> | undefined;
    return {
      app: running,
      database,
      url: address,
      shutdown: () => {
        closing ??= (async () => {
          lifecycle.startDraining();
          // close() stops accepting and closes idle keep-alive connections once; a connection whose
          // last request finishes later would stay open until its keep-alive timeout.
          const sweep = setInterval(() => running.server.closeIdleConnections(), 100);
          try {
            await running.close();
          } finally {
            clearInterval(sweep);
          }
          await jobs.stop();
          // Chains what the last requests recorded and signs the head, so a stopped server leaves
          // no unchained tail behind.
          await audit.stop();
          await database.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await worker?.stop();
    await chainer?.stop();
    await app?.close();
    await database.close();
    throw error;
  }
}
