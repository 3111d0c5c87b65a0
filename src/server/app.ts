import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import { installAuthentication } from './access/authenticate.ts';
import { installCsrfCheck } from './access/csrf.ts';
import { RelyingParty } from './access/sso/relying-party.ts';
import { ipPrefix } from './access/throttle.ts';
import { PinnedModels } from './assessments/models.ts';
import { chainRepository } from './audit/chain.repository.ts';
import { type CheckpointSigner, loadSigner } from './audit/checkpoints.ts';
import { denialRecorder, OncePerWindow } from './audit/denials.ts';
import type { CasesContext } from './cases/context.ts';
import { caseDocuments } from './cases/document-owner.ts';
import type { Config } from './config.ts';
import type { BlobStore } from './documents/blobs/blob-store.ts';
import type { DocumentsContext } from './documents/documents.service.ts';
import type { DocumentOwners } from './documents/owners.ts';
import type { Scanner } from './documents/scan/scanner.ts';
import { openBlobStore, openScanner } from './documents/setup.ts';
import { openApiRoutes } from './features/api-docs/openapi.routes.ts';
import { approvalRoutes } from './features/approvals/approvals.routes.ts';
import { assessmentsRoutes } from './features/assessments/assessments.routes.ts';
import { assessmentExportRoutes } from './features/assessments/export.routes.ts';
import { auditRoutes } from './features/audit/audit.routes.ts';
import { caseRoutes } from './features/cases/cases.routes.ts';
import { linkRoutes } from './features/cases/links.routes.ts';
import { memberRoutes } from './features/cases/members.routes.ts';
import { personRoutes } from './features/cases/persons.routes.ts';
import { dashboardRoutes } from './features/dashboard/dashboard.routes.ts';
import { documentRoutes } from './features/documents/documents.routes.ts';
import { healthRoutes } from './features/health/health.routes.ts';
import { anonymousRoutes } from './features/intake/anonymous.routes.ts';
import { anonymousDocumentRoutes } from './features/intake/anonymous-documents.routes.ts';
import { reportRoutes } from './features/intake/reports.routes.ts';
import { triageRoutes } from './features/intake/triage.routes.ts';
import { invitationRoutes } from './features/invitations/invitations.routes.ts';
import { mfaRoutes } from './features/mfa/mfa.routes.ts';
import { passkeyRoutes } from './features/mfa/passkeys.routes.ts';
import { modelRoutes } from './features/models/models.routes.ts';
import { notificationRoutes } from './features/notifications/notifications.routes.ts';
import type { AccountsContext } from './features/session/context.ts';
import { sessionRoutes } from './features/session/session.routes.ts';
import { setupRoutes } from './features/setup/setup.routes.ts';
import { ssoRoutes, ssoStatusRoute } from './features/sso/sso.routes.ts';
import { timelineRoutes } from './features/timeline/timeline.routes.ts';
import { userRoutes } from './features/users/users.routes.ts';
import { webRoutes } from './features/web/web.routes.ts';
import { AnonymousThrottle } from './intake/anonymous-throttle.ts';
import type { IntakeContext } from './intake/context.ts';
import { reportDocuments } from './intake/document-owner.ts';
import { FloodChallenge } from './intake/flood-challenge.ts';
import { QuietLog } from './intake/quiet-log.ts';
import { WorkGate } from './intake/work-gate.ts';
import { openKeyProvider } from './keys/provider.ts';
import { NotificationHub } from './notifications/live.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import { KeyRing } from './platform/crypto/key-ring.ts';
import type { Database } from './platform/db/database.ts';
import { createMetrics } from './platform/http/metrics.ts';
import { errorHandler } from './platform/http/problem.ts';
import { defineRoute, installPolicyCheck } from './platform/http/routes.ts';
import { installSecurityHeaders } from './platform/http/security-headers.ts';
import type { Lifecycle } from './platform/lifecycle.ts';
import { PersonIndex } from './search/persons.ts';
import { SearchIndex } from './search/search-index.ts';
import { ChartCache } from './timeline/chart-cache.ts';

export interface AppDeps {
  readonly config: Config;
  readonly database: Database;
  readonly log: Logger;
  readonly lifecycle: Lifecycle;
  /** Where the built SPA lives; tests point it at a fixture. */
  readonly webDir?: string;
  /** Time for sessions, links and throttles; tests move it. */
  readonly clock?: Clock;
  /** The checkpoint signer (server.ts shares it with the chainer); loaded from config.audit otherwise. */
  readonly auditSigner?: CheckpointSigner;
  /** The data keys (server.ts shares them with the jobs); the local key provider of the secrets directory otherwise. */
  readonly keys?: KeyRing;
  /** Who may reach the documents of a report (the intake issue's rule); cases bring their own rule (cases/document-owner.ts). */
  readonly documentOwners?: DocumentOwners;
  /** The blob store and virus scanner of the configuration, unless given (tests). */
  readonly blobStore?: BlobStore;
  readonly scanner?: Scanner | null;
  /** How often an open notification stream checks its session (25 s); tests shorten it. */
  readonly notificationBeatMs?: number;
}

/** A request of the anonymous reporting channel (policies.ts, 'anonymous'). */
const isAnonymousChannel = (request: FastifyRequest): boolean => request.routeOptions.config?.policy === 'anonymous';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The whole HTTP application, without listening: main.ts listens, tests use inject(). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config, database, log } = deps;
  const app = Fastify({
    loggerInstance: log,
    // Fastify's own request lines would carry the raw URL; the onResponse hook below logs instead.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    // Fastify accepts a hop count here too; its https overload's type omits it.
    trustProxy: config.trustProxy === false ? false : (config.trustProxy as unknown as string[]),
    bodyLimit: config.bodyLimitBytes,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 200 },
    ...(config.tls
      ? { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } }
      : {}),
  }) as unknown as FastifyInstance;

  // The anonymous channel's failures are counted, not logged as they happen (intake/quiet-log.ts).
  const quiet = new QuietLog(log);
  app.addHook('onClose', (_instance, done) => {
    quiet.close();
    done();
  });
  app.setErrorHandler(errorHandler(log, { applies: isAnonymousChannel, log: quiet }));
  const clock = deps.clock ?? systemClock;
  // onRequest hooks run in this order: headers, who is asking, CSRF, then the route's policy.
  // HSTS whenever users reach TMA over https: served directly, or behind a TLS-terminating proxy.
  installSecurityHeaders(app, config.tls !== undefined || config.publicUrl.protocol === 'https:');
  const keys = deps.keys ?? new KeyRing(openKeyProvider(config.keys, config.secretsDir), database.db);
  // Made here, outside any transaction: requests then only ever read them.
  await keys.ensureSingletons();
  const search = new SearchIndex(keys);
  const renewed = await search.prepare(database.db);
  if (renewed !== undefined) {
    log.info(
      { generation: renewed.generation },
      'this release makes search tokens another way: a new search key generation is re-indexed in the background',
    );
  }
  installAuthentication(app, database, keys, clock, {
    idleSeconds: config.sessionIdleSeconds,
    absoluteSeconds: config.sessionAbsoluteSeconds,
  });
  installCsrfCheck(app, config.publicUrl.origin);
  installPolicyCheck(app, {
    metricsToken: config.metricsToken,
    clock,
    stepUpMs: config.stepUpSeconds * 1000,
    onDenied: denialRecorder(database, clock),
  });
  const metrics = createMetrics(
    () => database.poolStats(),
    () => chainRepository.tail(database.db),
  );
  // One synchronous hook per request for metrics and the request log: this runs on every request.
  app.addHook('onResponse', (request, reply, done) => {
    // The anonymous channel leaves no dated line and no counter that a scrape would date.
    if (isAnonymousChannel(request)) return done();
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime);
    log.info(
      { reqId: request.id, method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
    done();
  });

  openApiRoutes(app, VERSION);
  healthRoutes(app, { lifecycle: deps.lifecycle, ping: () => database.ping(), keys: () => keys.provider.check() });
  defineRoute(app, {
    method: 'GET',
    url: '/metrics',
    policy: 'metrics',
    summary: 'Prometheus metrics (needs the metrics token as a bearer token)',
    tags: ['meta'],
    responses: { 200: { description: 'Prometheus text format' } },
    handler: async (_input, _request, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  });
  // One index of person identifiers: cases write it; an account given a case role is compared with it.
  const persons = new PersonIndex(keys);
  const accounts: AccountsContext = {
    database,
    clock,
    keys,
    publicOrigin: config.publicUrl.origin,
    sessionIdleSeconds: config.sessionIdleSeconds,
    sessionAbsoluteSeconds: config.sessionAbsoluteSeconds,
    ssoOnlyWhenLinked: config.oidc?.roleClaim !== undefined,
  };
  const rp =
    config.oidc === undefined
      ? undefined
      : new RelyingParty(config.oidc, {
          redirectUri: `${config.publicUrl.origin}/api/sso/callback`,
          postLogoutRedirectUri: `${config.publicUrl.origin}/sign-in`,
        });
  const sso = rp === undefined ? undefined : { ...accounts, rp };
  setupRoutes(app, accounts, config.secretsDir);
  sessionRoutes(app, accounts, rp === undefined ? undefined : () => rp.endSessionUrl());
  ssoStatusRoute(app, config.oidc, sso);
  if (sso !== undefined) ssoRoutes(app, sso);
  mfaRoutes(app, accounts);
  passkeyRoutes(app, accounts);
  invitationRoutes(app, accounts);
  userRoutes(app, accounts);
  approvalRoutes(app, { ...accounts, persons });
  auditRoutes(app, {
    database,
    keys,
    clock,
    log,
    auditDir: config.audit.dir,
    signer: deps.auditSigner ?? loadSigner(config.audit.signingKeyFile, config.audit.dir),
  });
  const documents: DocumentsContext = {
    database,
    keys,
    clock,
    store: deps.blobStore ?? openBlobStore(config.documents),
    scanner: deps.scanner === null ? undefined : (deps.scanner ?? openScanner(config.documents)),
    uploadLimitBytes: config.documents.uploadLimitBytes,
    owners: { case: caseDocuments(clock), report: reportDocuments(clock), ...deps.documentOwners },
    search,
    denials: new OncePerWindow(),
  };
  await documentRoutes(app, documents);
  const cases: CasesContext = {
    database,
    keys,
    clock,
    search,
    persons,
    denials: new OncePerWindow(),
    expertMaxDays: config.expertMaxDays,
  };
  caseRoutes(app, cases);
  memberRoutes(app, cases);
  personRoutes(app, cases);
  linkRoutes(app, cases);
  timelineRoutes(app, { ...cases, timeZone: config.intake.timeZone, charts: new ChartCache() });
  const assessing = { ...cases, timeZone: config.intake.timeZone, models: new PinnedModels() };
  assessmentsRoutes(app, assessing);
  assessmentExportRoutes(app, assessing);
  const intake: IntakeContext = {
    ...cases,
    intake: config.intake,
    throttle: new AnonymousThrottle({ limit: config.intake.anonymousRequestsPer10Min, windowMs: 10 * 60_000 }),
    sites: new AnonymousThrottle({
      limit: config.intake.anonymousRequestsPer10Min * 8,
      windowMs: 10 * 60_000,
      keyOf: (address) => ipPrefix(address, 48),
    }),
    flood: new FloodChallenge({ threshold: config.intake.floodPerMinute, difficulty: config.intake.floodDifficulty }),
    // A short queue of argon2 work, never a long one (intake/work-gate.ts).
    gate: new WorkGate(config.intake.anonymousWorkInFlight),
    reportsPerAccount: new AnonymousThrottle({
      limit: config.intake.reportsPerAccountPerHour,
      windowMs: 3600_000,
      keyOf: (userId) => userId,
    }),
  };
  anonymousRoutes(app, intake, documents.uploadLimitBytes);
  await anonymousDocumentRoutes(app, intake, documents);
  reportRoutes(app, intake);
  triageRoutes(app, intake);
  dashboardRoutes(app, intake);
  modelRoutes(app, { database, clock, keys });
  const hub = new NotificationHub();
  await hub.start(database);
  notificationRoutes(app, {
    database,
    keys,
    clock,
    deadlines: { acknowledgeDays: config.intake.acknowledgeDays, feedbackMonths: config.intake.feedbackMonths },
    hub,
    idleSeconds: config.sessionIdleSeconds,
    beatMs: deps.notificationBeatMs ?? 25_000,
  });
  await webRoutes(app, deps.webDir);
  return app;
}
