import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from '@playwright/test';

/**
 * The servers a run starts (see playwright.config.ts), each with its own data and secrets directory under the
 * run's temporary directory, which the config exports as TMA_E2E_TMP to every worker.
 *  - main: a password confirmation (step-up) counts for 3 seconds instead of 5 minutes, so the journey meets the
 *    real prompt; every spec but the session timeout one runs here.
 *  - timeout: sessions time out after 4 idle seconds.
 *  - auditor: like main (short step-up), for test/e2e/audit.spec.ts, which sets up its own accounts (setup runs
 *    once per server, and the accounts journey on main may run at the same time in another worker).
 *  - mfa: like main (short step-up), for test/e2e/mfa-app.spec.ts: its administrator sets up two-factor
 *    authentication, which no other journey's accounts may meet.
 *  - mfaReset: like main (short step-up), for test/e2e/mfa-reset.spec.ts: the team lead's required set-up and
 *    the approved reset of an auditor's app, with a setup and people of its own.
 *  - passkeys: like main (short step-up), for test/e2e/passkeys.spec.ts: its threat manager signs in with
 *    passkeys held by Chromium's virtual authenticators (WebAuthn accepts http://localhost as a secure context;
 *    the relying party id is "localhost").
 *  - sso: like main (short step-up), for test/e2e/sso.spec.ts, with single sign-on through the test identity
 *    provider that the run starts beside it (test/e2e/support/idp-server.ts).
 *  - documents: like main (short step-up), for test/e2e/documents.spec.ts, started by
 *    test/e2e/support/documents-server.ts with a stand-in owner rule for one case's documents.
 *  - cases: like main (short step-up), for test/e2e/cases.spec.ts, started by test/e2e/support/cases-server.ts
 *    with its team made at start.
 *  - intake: like main (short step-up), for test/e2e/intake.spec.ts, started by
 *    test/e2e/support/intake-server.ts with its people made at start and the team's phone set.
 *  - timeline: like main (short step-up), for test/e2e/timeline.spec.ts and
 *    test/e2e/notifications.spec.ts, started by test/e2e/support/timeline-server.ts with its team
 *    made at start.
 *  - dashboard: like cases, for test/e2e/dashboard.spec.ts, whose counts must be its own journey's:
 *    the cases journey's team (test/e2e/support/cases-server.ts) in a data directory of its own.
 *  - documentsRestricted: like cases, for test/e2e/documents-restricted.spec.ts, which adds cases and
 *    memberships the cases journey must not meet, with a small upload limit for a file over it.
 *  - assessments: like main (short step-up), for test/e2e/assessments.spec.ts, started by
 *    test/e2e/support/assessments-server.ts with its team and the models it rates with made at start.
 */
export const MAIN_PORT = Number(process.env.TMA_E2E_PORT ?? 3917);

export const SERVERS = {
  main: { port: MAIN_PORT, dir: '.', stepUpSeconds: 3 },
  timeout: { port: MAIN_PORT + 1, dir: 'timeout', idleSeconds: 4 },
  auditor: { port: MAIN_PORT + 2, dir: 'auditor', stepUpSeconds: 3 },
  mfa: { port: MAIN_PORT + 3, dir: 'mfa', stepUpSeconds: 3 },
  passkeys: { port: MAIN_PORT + 4, dir: 'passkeys', stepUpSeconds: 3 },
  sso: { port: MAIN_PORT + 5, dir: 'sso', stepUpSeconds: 3 },
  mfaReset: { port: MAIN_PORT + 6, dir: 'mfa-reset', stepUpSeconds: 3 },
  documents: { port: MAIN_PORT + 7, dir: 'documents', stepUpSeconds: 3 },
  cases: { port: MAIN_PORT + 8, dir: 'cases', stepUpSeconds: 3 },
  intake: { port: MAIN_PORT + 9, dir: 'intake', stepUpSeconds: 3 },
  timeline: { port: MAIN_PORT + 10, dir: 'timeline', stepUpSeconds: 3 },
  dashboard: { port: MAIN_PORT + 11, dir: 'dashboard', stepUpSeconds: 3 },
  documentsRestricted: {
    port: MAIN_PORT + 12,
    dir: 'documents-restricted',
    stepUpSeconds: 3,
    uploadLimitBytes: 64 * 1024,
  },
  assessments: { port: MAIN_PORT + 13, dir: 'assessments', stepUpSeconds: 3 },
} as const;
export type ServerName = keyof typeof SERVERS;

export const baseUrlOf = (server: ServerName) => `http://localhost:${SERVERS[server].port}`;

/** The run's temporary directory, made by the config; every worker inherits its path. */
export function runDirectory(): string {
  const dir = process.env.TMA_E2E_TMP;
  if (dir === undefined) throw new Error('TMA_E2E_TMP is not set: run the e2e tests with npm run test:e2e');
  return dir;
}

export const dataDirOf = (server: ServerName, tmp = runDirectory()) => path.join(tmp, SERVERS[server].dir, 'data');
export const secretsDirOf = (server: ServerName, tmp = runDirectory()) =>
  path.join(tmp, SERVERS[server].dir, 'secrets');
export const auditDirOf = (server: ServerName, tmp = runDirectory()) => path.join(tmp, SERVERS[server].dir, 'audit');

/**
 * The setup link the server wrote to <secrets>/setup-link.txt at start (stdout is no terminal under the
 * runner). Waits briefly: the file is written before the server reports ready, but be patient anyway.
 */
export async function readSetupLink(server: ServerName): Promise<string> {
  const file = path.join(secretsDirOf(server), 'setup-link.txt');
  let link = '';
  await expect
    .poll(
      () => {
        try {
          link = readFileSync(file, 'utf8').trim();
        } catch {
          link = '';
        }
        return link;
      },
      { message: `setup link in ${file}`, timeout: 10_000 },
    )
    .toMatch(/\/setup#[A-Za-z0-9_-]{43}$/);
  return link;
}
