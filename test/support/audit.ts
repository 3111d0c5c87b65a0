import { chainRepository } from '../../src/server/audit/chain.repository.ts';
import { chainAll } from '../../src/server/audit/chainer.ts';
import type { Database } from '../../src/server/platform/db/database.ts';

/**
 * Chains until nothing is left unchained: a chainer run leaves the events of transactions still
 * open for the next run, so a test that needs exact positions waits here.
 */
export async function chainEverything(database: Database, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await chainAll(database);
    if ((await chainRepository.unchained(database.db)).count === 0) return;
    if (Date.now() > deadline) throw new Error('audit events stayed unchained');
    await new Promise((r) => setTimeout(r, 50));
  }
}
