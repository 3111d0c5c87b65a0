import { expect, type Page } from '@playwright/test';

/** Language switch buttons are named in their own language, whatever the page's language. */
export async function switchLanguage(page: Page, language: 'Deutsch' | 'English'): Promise<void> {
  const button = page.getByRole('button', { name: language });
  await button.click();
  await expect(button).toHaveAttribute('aria-pressed', 'true');
}

export async function expectHtmlLang(page: Page, lang: 'de' | 'en'): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('lang', lang);
}
