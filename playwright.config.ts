import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';
import { CHROMIUM_MISSING, CHROMIUM_PATH, HAVE_CHROMIUM } from './test/e2e/support/chromium.ts';

/**
 * Browser end-to-end tests against the REAL server (node src/server/main.ts, built SPA, embedded database
 * in a fresh temporary directory), driven by the system Chromium. Run with `npm run test:e2e`.
 */

if (!HAVE_CHROMIUM && process.env.CI === 'true') {
  throw new Error(`e2e: ${CHROMIUM_MISSING} (no ${CHROMIUM_PATH}); CI must run the browser tests, not skip them`);
}

const port = Number(process.env.TMA_E2E_PORT ?? 3917);
const baseURL = `http://localhost:${port}`;

/**
 * One fresh data and secrets directory per run. The config is loaded again in every worker; they inherit
 * TMA_E2E_TMP and so neither create nor remove another one. The runner removes it when it exits, after the
 * server has been stopped.
 */
function runDirectory(): string {
  const existing = process.env.TMA_E2E_TMP;
  if (existing !== undefined) return existing;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tma-e2e-'));
  mkdirSync(path.join(dir, 'data'), { mode: 0o700 });
  mkdirSync(path.join(dir, 'secrets'), { mode: 0o700 });
  process.env.TMA_E2E_TMP = dir;
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Playwright hands its own environment on to the server, so a DATABASE_URL meant for the integration tests would
 * leak in: the server gets a database URL only from TMA_E2E_DATABASE_URL, otherwise it uses the embedded engine.
 */
function realServer(): NonNullable<PlaywrightTestConfig['webServer']> {
  const tmp = runDirectory();
  const databaseUrl = process.env.TMA_E2E_DATABASE_URL;
  const unset = ['DATABASE_URL_FILE', 'TMA_MIGRATION_DATABASE_URL', 'TMA_MIGRATION_DATABASE_URL_FILE'];
  if (!databaseUrl) unset.push('DATABASE_URL');
  return {
    // `node` as npm run resolves it (Node 24), named by path so that no other node on PATH can stand in.
    command: `env ${unset.map((name) => `-u ${name}`).join(' ')} "${process.execPath}" src/server/main.ts`,
    env: {
      TMA_HOST: '127.0.0.1',
      TMA_PORT: String(port),
      TMA_DATA_DIR: path.join(tmp, 'data'),
      TMA_SECRETS_DIR: path.join(tmp, 'secrets'),
      TMA_PUBLIC_URL: baseURL,
      TMA_LOG_LEVEL: 'warn',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    url: `${baseURL}/readyz`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
  };
}

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 2,
  retries: 0,
  forbidOnly: process.env.CI === 'true',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['./test/e2e/support/summary-reporter.ts']],
  globalSetup: './test/e2e/support/global-setup.ts',
  outputDir: 'test-results/e2e',
  use: {
    baseURL,
    headless: true,
    trace: 'retain-on-failure',
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
  ...(HAVE_CHROMIUM ? { webServer: realServer() } : {}),
});
