import { expect, test } from '@playwright/test';
import { expectHtmlLang, switchLanguage } from './support/app.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { skipWithoutChromium } from './support/chromium.ts';

skipWithoutChromium();

// The browser asks for English; German must then be chosen with the switch.
test.use({ locale: 'en-GB' });

test('home page in English shows the product, its purpose and a ready server', async ({ page }) => {
  await page.goto('/');
  await expectHtmlLang(page, 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Case management for threat management teams');
  await expect(page.getByRole('banner')).toContainText('TMA');
  await expect(page.getByRole('banner')).toContainText('Threat Management Assistant');
  await expect(page.getByText(/supports workplace threat management teams/)).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main navigation' })).toBeVisible();
  const status = page.getByRole('status');
  await expect(status).toContainText('Ready');
  await expect(status).toContainText('The server and its database are working.');
  await expect(page).toHaveTitle('Overview · TMA');
  await expectNoAxeViolations(page, 'home (en)');
});

test('the language switch turns the page German, and the choice survives a reload', async ({ page }) => {
  await page.goto('/');
  await expectHtmlLang(page, 'en');
  await switchLanguage(page, 'Deutsch');

  await expectHtmlLang(page, 'de');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Fallmanagement für Teams im Bedrohungsmanagement');
  await expect(page.getByRole('status')).toContainText('Bereit');
  await expect(page.getByRole('navigation', { name: 'Hauptnavigation' })).toBeVisible();
  await expect(page).toHaveTitle('Übersicht · TMA');
  await expectNoAxeViolations(page, 'home (de)');

  await page.reload();
  await expectHtmlLang(page, 'de');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Fallmanagement für Teams im Bedrohungsmanagement');
  await expect(page.getByRole('button', { name: 'Deutsch' })).toHaveAttribute('aria-pressed', 'true');

  await switchLanguage(page, 'English');
  await expectHtmlLang(page, 'en');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Case management for threat management teams');
});

test('a German browser gets German without choosing', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'de-DE' });
  const page = await context.newPage();
  await page.goto('/');
  await expectHtmlLang(page, 'de');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Fallmanagement für Teams im Bedrohungsmanagement');
  await context.close();
});

test('an unknown client route shows the not-found page, in both languages', async ({ page }) => {
  const response = await page.goto('/no-such-page/here');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await expect(page.getByText('/no-such-page/here')).toBeVisible();
  await expectNoAxeViolations(page, 'not found (en)');

  await switchLanguage(page, 'Deutsch');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Seite nicht gefunden');
  await expectNoAxeViolations(page, 'not found (de)');

  await page.getByRole('link', { name: 'Zurück zur Übersicht' }).click();
  await expect(page).toHaveURL('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Fallmanagement für Teams im Bedrohungsmanagement');
});

test('the skip link is the first stop and moves focus to the main content', async ({ page }) => {
  await page.goto('/');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  // The app renders after the page's load: a Tab before that leaves the focus on the page.
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
});
