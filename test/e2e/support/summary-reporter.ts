import type { FullResult, Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/**
 * Ends the run with one plain line, "e2e: N passed, N failed, N skipped", and names the reason of every
 * skip, so that a run which tested nothing cannot pass for a green one.
 */
export default class SummaryReporter implements Reporter {
  private passed = 0;
  private failed = 0;
  private skipped = 0;
  private readonly skipReasons = new Map<string, number>();

  onTestEnd(test: TestCase, result: TestResult): void {
    if (test.results.length > 0 && result.retry < test.retries && result.status !== 'passed') return;
    if (result.status === 'skipped') {
      this.skipped += 1;
      const reason = test.annotations.find((a) => a.type === 'skip')?.description ?? 'no reason given';
      this.skipReasons.set(reason, (this.skipReasons.get(reason) ?? 0) + 1);
    } else if (test.outcome() === 'expected' || test.outcome() === 'flaky') {
      this.passed += 1;
    } else {
      this.failed += 1;
    }
  }

  onEnd(result: FullResult): void {
    for (const [reason, count] of this.skipReasons) process.stdout.write(`e2e: skipped ${count}: ${reason}\n`);
    const seconds = (result.duration / 1000).toFixed(1);
    process.stdout.write(`e2e (${result.status}, ${seconds} s):\n`);
    process.stdout.write(`e2e: ${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped\n`);
  }

  printsToStdio(): boolean {
    return true;
  }
}
