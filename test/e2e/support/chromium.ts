import { existsSync } from 'node:fs';
import { test } from '@playwright/test';

/** The browser the e2e tests drive: Debian's Chromium, never one Playwright downloads. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM_PATH);
export const CHROMIUM_MISSING = 'chromium not installed: apt-get install chromium';

/**
 * Call at the top of every spec file: without the browser its tests are skipped, visibly and with the reason
 * (a developer machine); under CI=true the config refuses to run instead (playwright.config.ts).
 */
export function skipWithoutChromium(): void {
  // The project's rule for a missing system tool: skipped visibly, with the tool named in the summary, on a
  // developer's machine without Chromium; under CI=true the config refuses to run instead, so CI never skips.
  // why: skipped only when Chromium, a system tool, is missing; .ci/run installs it and fails on any skip.
  test.skip(!HAVE_CHROMIUM, `${CHROMIUM_MISSING} (looked for ${CHROMIUM_PATH})`); // why: Chromium, a system tool, is missing here; CI installs it
}
