import { CHROMIUM_MISSING, CHROMIUM_PATH, HAVE_CHROMIUM } from './chromium.ts';

/** Says once, up front, why every test will be skipped. (Under CI=true the config already refused to run.) */
export default function globalSetup(): void {
  if (!HAVE_CHROMIUM) process.stderr.write(`e2e: ${CHROMIUM_MISSING} (no ${CHROMIUM_PATH}); skipping every test\n`);
}
