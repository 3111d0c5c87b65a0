import { createHash } from 'node:crypto';
import { expect, type Page, type Route, test } from '@playwright/test';
import { leadingZeroBits } from '../../../src/web/features/intake/proof-of-work.ts';
import { anonymous, signedIn } from './intake-sessions.ts';
import { INTAKE_TEAM } from './intake-team.ts';

/**
 * The anonymous channel under a flood, for the browser: the server asks for a proof only past its threshold
 * of reports a minute, which a journey does not reach, so the first answer to a report stands in for that
 * refusal (403 challenge_required, as src/server/features/intake/anonymous.routes.ts answers it).
 */
async function refuseFirstReportForFlood(page: Page): Promise<void> {
  await page.route(
    '**/api/anonymous/reports',
    (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'about:blank',
          title: 'Forbidden',
          status: 403,
          code: 'challenge_required',
          detail: 'Many reports are arriving right now: solve the challenge and send again.',
          correlationId: 'e2e-flood',
        }),
      }),
    { times: 1 },
  );
}

/**
 * Holds the real challenge's answer back until `meanwhile` has looked at the page (the form's state while it
 * waits), and hands on what `meanwhile` found (or its failure), the challenge's difficulty, and when the
 * browser got it.
 */
async function holdChallenge(
  page: Page,
  meanwhile: () => Promise<void>,
): Promise<{ difficulty: number; seen: unknown; releasedAt: number }> {
  const result = { difficulty: 0, seen: 'the challenge was not asked' as unknown, releasedAt: 0 };
  await page.route(
    '**/api/anonymous/challenge',
    async (route: Route) => {
      const response = await route.fetch();
      result.difficulty = ((await response.json()) as { difficulty: number }).difficulty;
      try {
        await meanwhile();
        result.seen = true;
      } catch (error) {
        result.seen = error;
      }
      await route.fulfill({ response });
      result.releasedAt = Date.now();
    },
    { times: 1 },
  );
  return result;
}

/**
 * The flood challenge of the anonymous form, a test of the intake journey (test/e2e/intake.spec.ts), which
 * calls this where it belongs in its order: the journey counts the reports in the triage inbox. Against the
 * real challenge (not required at the time, but a valid seed and difficulty), the form solves it, sends the
 * same report again with the proof, and the server stores it once.
 */
export function floodChallengeTest(): void {
  test('under a flood the form solves the challenge, sends the same report once, and shows the receipt', async ({
    browser,
  }) => {
    const page = await anonymous(browser);
    await page.goto('/report');
    await page.getByLabel('Not urgent, but worrying').check();
    const what = 'Someone keeps leaving notes about the reorganisation.';
    await page.getByLabel('What happened?', { exact: true }).fill(what);
    await page.getByLabel('I have read this notice and want to send the report.').check();

    const posts: { idempotencyKey: string; proof?: { seed: string; nonce: string } }[] = [];
    let sentAt = 0;
    page.on('request', (request) => {
      if (request.method() !== 'POST' || !request.url().endsWith('/api/anonymous/reports')) return;
      posts.push(request.postDataJSON());
      sentAt = Date.now();
    });
    await refuseFirstReportForFlood(page);
    const challenge = await holdChallenge(page, async () => {
      await expect(page.getByRole('status').filter({ hasText: 'your browser is doing a short check' })).toBeVisible();
      await expect(page.getByLabel('What happened?', { exact: true })).toHaveValue(what);
    });
    await page.getByRole('button', { name: 'Send report' }).click();
    await expect(page.getByRole('heading', { level: 1, name: /keep your receipt code/ })).toBeFocused({
      timeout: 60_000,
    });
    const { difficulty, seen, releasedAt } = challenge;
    // How long the browser searched, as the run's report shows it: a few seconds at most is the promise.
    const searched = `${difficulty} bits in ${sentAt - releasedAt} ms`;
    test.info().annotations.push({ type: 'flood check', description: searched });
    expect(seen).toBe(true);

    expect(posts).toHaveLength(2);
    const [first, second] = posts;
    expect(first?.proof).toBeUndefined();
    expect(second?.idempotencyKey).toBe(first?.idempotencyKey);
    const proof = second?.proof ?? { seed: '', nonce: '' };
    expect(proof.nonce).toMatch(/^\d+$/);
    expect(difficulty).toBeGreaterThanOrEqual(8);
    const digest = createHash('sha256').update(`${proof.seed}:${proof.nonce}`).digest();
    expect(leadingZeroBits(digest)).toBeGreaterThanOrEqual(difficulty);

    const team = await signedIn(browser, INTAKE_TEAM.manager);
    const inbox = await (await team.request.get('/api/triage/reports?status=new&channel=anonymous')).json();
    expect(inbox.total).toBe(1);
  });
}
