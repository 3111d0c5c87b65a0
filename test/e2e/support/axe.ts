import { AxeBuilder } from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Fails with a readable list (rule, impact, offending elements) if axe finds any WCAG 2.1 A/AA violation.
 * Legacy mode runs axe in the page itself: the app has no frames, and the default mode, made to combine the
 * results of frames from other origins, opens a blank page for every scan, which took half of each scan's time
 * (measured on 9 scans of the dashboard and home specs: 20.0 s against 10.1 s).
 */
export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).setLegacyMode(true).analyze();
  const report = violations.map(
    (v) =>
      `${v.id} (${v.impact ?? 'unknown'}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
  );
  expect(report, `axe violations on ${label}:\n${report.join('\n')}`).toEqual([]);
}
