import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';
import { CHROMIUM_MISSING, CHROMIUM_PATH, HAVE_CHROMIUM } from './test/e2e/support/chromium.ts';
import { INTAKE_TEAM_PHONE } from './test/e2e/support/intake-team.ts';
import type { LaunchSpec } from './test/e2e/support/launch.ts';
import {
  auditDirOf,
  baseUrlOf,
  dataDirOf,
  MAIN_PORT,
  SERVERS,
  type ServerName,
  secretsDirOf,
} from './test/e2e/support/servers.ts';
import { IDP, ssoServerEnv } from './test/e2e/support/sso.ts';

/**
 * Browser end-to-end tests against the REAL server (node src/server/main.ts, built SPA, embedded database
 * in a fresh temporary directory), driven by the system Chromium. Run with `npm run test:e2e`.
 */

if (!HAVE_CHROMIUM && process.env.CI === 'true') {
  throw new Error(`e2e: ${CHROMIUM_MISSING} (no ${CHROMIUM_PATH}); CI must run the browser tests, not skip them`);
}

const baseURL = baseUrlOf('main');

// The servers and the workers load the same modules: V8's code cache spares each start a part (see
// test/support/global-setup.ts). Set before the servers are launched, which inherit it.
process.env.NODE_COMPILE_CACHE ??= path.resolve('.cache', 'node-compile');

/**
 * One fresh data and secrets directory per server and run (see test/e2e/support/servers.ts; the specs read the
 * setup link from there). The config is loaded again in every worker; they inherit TMA_E2E_TMP and so neither
 * create nor remove another one. The runner removes it when it exits, after the servers have been stopped.
 */
function runDirectory(): string {
  const existing = process.env.TMA_E2E_TMP;
  if (existing !== undefined) return existing;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tma-e2e-'));
  for (const server of Object.keys(SERVERS) as ServerName[]) {
    mkdirSync(dataDirOf(server, dir), { recursive: true, mode: 0o700 });
    mkdirSync(secretsDirOf(server, dir), { recursive: true, mode: 0o700 });
  }
  process.env.TMA_E2E_TMP = dir;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Playwright hands its own environment on to the server, so a DATABASE_URL meant for the integration tests would
 * leak in: the server gets a database URL only from TMA_E2E_DATABASE_URL, otherwise it uses the embedded engine.
 */
type WebServer = Extract<NonNullable<PlaywrightTestConfig['webServer']>, { command: string }>;

function realServer(
  server: ServerName,
  extraEnv: Record<string, string> = {},
  entry = 'src/server/main.ts',
  migrated = true,
): LaunchSpec {
  const tmp = runDirectory();
  const url = baseUrlOf(server);
  // Only the main server may use PostgreSQL; the other has its own embedded database.
  const databaseUrl = server === 'main' ? process.env.TMA_E2E_DATABASE_URL : undefined;
  const unset = ['DATABASE_URL_FILE', 'TMA_MIGRATION_DATABASE_URL', 'TMA_MIGRATION_DATABASE_URL_FILE'];
  if (!databaseUrl) unset.push('DATABASE_URL');
  return {
    name: server,
    entry,
    unset,
    env: {
      TMA_HOST: '127.0.0.1',
      TMA_PORT: String(SERVERS[server].port),
      TMA_DATA_DIR: dataDirOf(server, tmp),
      TMA_SECRETS_DIR: secretsDirOf(server, tmp),
      TMA_AUDIT_DIR: auditDirOf(server, tmp),
      TMA_PUBLIC_URL: url,
      TMA_LOG_LEVEL: 'warn',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      ...extraEnv,
    },
    url: `${url}/readyz`,
    // PostgreSQL's database is migrated by the server itself; so is main's embedded one (launch.ts).
    migrated: migrated && !databaseUrl,
  };
}

/**
 * The identity provider of the single-sign-on journey: a real oidc-provider over HTTPS (test/e2e/support/
 * idp-server.ts). It writes its CA where the TMA server 'sso' reads it at its first sign-in through it.
 */
function testIdp(caFile: string): LaunchSpec {
  return {
    name: 'identity provider',
    entry: 'test/e2e/support/idp-server.ts',
    unset: [],
    env: { TMA_E2E_SSO_RP: baseUrlOf('sso'), TMA_E2E_SSO_CA_FILE: caFile },
    url: `${IDP.issuer}/.well-known/openid-configuration`,
    // Only the readiness probe: TMA itself verifies the provider against its CA.
    insecure: true,
  };
}

/**
 * Every server at once (test/e2e/support/launch.ts): Playwright would start its list one after
 * the other. `node` as npm run resolves it (Node 24), named by path so that no other node on PATH
 * can stand in.
 */
function allServers(specs: readonly LaunchSpec[]): WebServer {
  const port = MAIN_PORT + 40;
  return {
    command: `"${process.execPath}" test/e2e/support/launch.ts`,
    env: {
      TMA_E2E_LAUNCH: JSON.stringify(specs),
      TMA_E2E_LAUNCH_PORT: String(port),
      TMA_E2E_MIGRATED_DIR: path.join(runDirectory(), 'migrated'),
    },
    url: `http://127.0.0.1:${port}/`,
    timeout: 150_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
  };
}
const idpCaFile = path.join(runDirectory(), 'test-idp-ca.pem');

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  // Two at a time: with four, the browsers and fourteen servers overload the two cores and journeys time out.
  workers: 2,
  retries: 0,
  forbidOnly: process.env.CI === 'true',
  // Journeys of several sign-ins with two-factor set-ups (a code may wait for the next 30-second step), on a
  // 2-core machine that also runs fourteen servers.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['./test/e2e/support/summary-reporter.ts']],
  globalSetup: './test/e2e/support/global-setup.ts',
  outputDir: 'test-results/e2e',
  use: {
    baseURL,
    headless: true,
    // No trace: recording one took a third of every test's time (measured on the timeline, dashboard and home
    // specs: 86.9 s of tests with 'retain-on-failure', 60.3 s without), and CI keeps no files; a failure still prints
    // its call log, a screenshot and the page's accessibility tree. Record one with --trace=on.
    trace: 'off',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  // Without the browser every test is skipped (or, under CI, the run was refused above): no server is needed.
  // The second server has short idle sessions, for test/e2e/session-timeout.spec.ts; the third is the audit
  // journey's own (test/e2e/audit.spec.ts), the fourth and fifth the two-factor journeys' (test/e2e/mfa-app.spec.ts,
  // test/e2e/mfa-reset.spec.ts), the sixth the passkey journey's (test/e2e/passkeys.spec.ts), the seventh the
  // single-sign-on journey's (test/e2e/sso.spec.ts), after its identity provider, then the documents
  // journey's (test/e2e/documents.spec.ts), with a stand-in owner rule (test/e2e/support/documents-server.ts),
  // then the cases journey's, with its team made at start (test/e2e/support/cases-server.ts), and the last the
  // intake journey's, with its people made at start and the team's phone the report form shows
  // (test/e2e/support/intake-server.ts), then the timeline and live-bell journeys', with their teams made at
  // start (test/e2e/support/timeline-server.ts), and the dashboard journey's, with the cases team in a
  // directory of its own, so that its counts are its own, and the restricted documents' journey's, alike;
  // last the assessments journey's, with its team and models made at start.
  ...(HAVE_CHROMIUM
    ? {
        webServer: allServers([
          realServer('main', { TMA_STEP_UP_SECONDS: String(SERVERS.main.stepUpSeconds) }, undefined, false),
          realServer('timeout', { TMA_SESSION_IDLE_SECONDS: String(SERVERS.timeout.idleSeconds) }),
          realServer('auditor', { TMA_STEP_UP_SECONDS: String(SERVERS.auditor.stepUpSeconds) }),
          realServer('mfa', { TMA_STEP_UP_SECONDS: String(SERVERS.mfa.stepUpSeconds) }),
          realServer('mfaReset', { TMA_STEP_UP_SECONDS: String(SERVERS.mfaReset.stepUpSeconds) }),
          realServer('passkeys', { TMA_STEP_UP_SECONDS: String(SERVERS.passkeys.stepUpSeconds) }),
          testIdp(idpCaFile),
          realServer('sso', { TMA_STEP_UP_SECONDS: String(SERVERS.sso.stepUpSeconds), ...ssoServerEnv(idpCaFile) }),
          realServer(
            'documents',
            { TMA_STEP_UP_SECONDS: String(SERVERS.documents.stepUpSeconds) },
            'test/e2e/support/documents-server.ts',
          ),
          realServer(
            'cases',
            { TMA_STEP_UP_SECONDS: String(SERVERS.cases.stepUpSeconds) },
            'test/e2e/support/cases-server.ts',
          ),
          realServer(
            'intake',
            { TMA_STEP_UP_SECONDS: String(SERVERS.intake.stepUpSeconds), TMA_TEAM_PHONE: INTAKE_TEAM_PHONE },
            'test/e2e/support/intake-server.ts',
          ),
          realServer(
            'timeline',
            { TMA_STEP_UP_SECONDS: String(SERVERS.timeline.stepUpSeconds) },
            'test/e2e/support/timeline-server.ts',
          ),
          realServer(
            'dashboard',
            { TMA_STEP_UP_SECONDS: String(SERVERS.dashboard.stepUpSeconds) },
            'test/e2e/support/cases-server.ts',
          ),
          realServer(
            'documentsRestricted',
            {
              TMA_STEP_UP_SECONDS: String(SERVERS.documentsRestricted.stepUpSeconds),
              TMA_UPLOAD_LIMIT_BYTES: String(SERVERS.documentsRestricted.uploadLimitBytes),
            },
            'test/e2e/support/cases-server.ts',
          ),
          realServer(
            'assessments',
            { TMA_STEP_UP_SECONDS: String(SERVERS.assessments.stepUpSeconds) },
            'test/e2e/support/assessments-server.ts',
          ),
        ]),
      }
    : {}),
});
