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
  // Skipped on purpose: Chromium, a system tool, is missing on this developer's machine (named in the summary).
  test.skip(!HAVE_CHROMIUM, `${CHROMIUM_MISSING} (looked for ${CHROMIUM_PATH})`); // why: no Chromium here; CI=true never skips
}
