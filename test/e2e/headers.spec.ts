import { type ConsoleMessage, expect, test } from '@playwright/test';
import { skipWithoutChromium } from './support/chromium.ts';

skipWithoutChromium();

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

test('the document carries the strict CSP and refuses framing', async ({ page }) => {
  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  const headers = response?.headers() ?? {};
  expect(headers['content-security-policy']).toBe(CSP);
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['content-type']).toMatch(/^text\/html/);
});

/**
 * Signed out, GET /api/session answers 401 by contract, and Chromium logs every non-2xx load as a console error.
 * That one expected answer is no error of the page; anything else is.
 */
const isSignedOutSessionProbe = (message: ConsoleMessage) =>
  new URL(message.location().url, 'http://x').pathname === '/api/session' && message.text().includes('status of 401');

for (const path of ['/', '/some/unknown/route', '/sign-in', '/setup']) {
  test(`loading ${path} logs no error and no CSP violation`, async ({ page }) => {
    const errors: string[] = [];
    const violations: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !isSignedOutSessionProbe(message)) errors.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    // Chromium reports every blocked load or inline script/style as a securitypolicyviolation event as well.
    await page.exposeFunction('reportCspViolation', (text: string) => violations.push(text));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
        void report(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`);
      });
    });

    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await page.waitForLoadState('networkidle');

    expect(violations, 'CSP violations').toEqual([]);
    expect(errors, 'console errors').toEqual([]);
  });
}
