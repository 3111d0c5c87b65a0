import { assertNotHoldingConnection } from '../../platform/db/connection-guard.ts';
import type { Database } from '../../platform/db/database.ts';
import { type SessionWithUser, sessionsRepository } from './sessions.repository.ts';
import { tokenHash } from './tokens.ts';

export type SessionLookup = (token: string) => Promise<SessionWithUser | undefined>;

/** More hashes than this go out as a further query rather than waiting. */
const MAX_BATCH = 128;

interface Waiter {
  resolve(row: SessionWithUser | undefined): void;
  reject(error: unknown): void;
}

/**
 * Looks sessions up in the database, coalescing the lookups of requests that arrive in the same
 * turn of the event loop into one query (`token_hash = any($1)`). Under load that is one round
 * trip for dozens of requests instead of one each; alone, a request waits for nothing but the
 * end of the current I/O phase (setImmediate).
 *
 * This is not a cache: every lookup is answered by a query sent after its request arrived, so a
 * session revoked, or an account locked, before a request arrives is refused for that request,
 * on every instance (SECURITY.md item 5). Nothing is kept once the query has answered.
 */
export function coalescedSessionLookup(database: Database): SessionLookup {
  let waiting = new Map<string, Waiter[]>();
  let scheduled = false;

  const flush = (): void => {
    if (waiting.size === 0) return;
    const batch = waiting;
    waiting = new Map();
    sessionsRepository.findByTokenHashes(database, [...batch.keys()]).then(
      (rows) => {
        const byHash = new Map(rows.map((row) => [row.token_hash, row]));
        for (const [hash, waiters] of batch) for (const w of waiters) w.resolve(byHash.get(hash));
      },
      (error: unknown) => {
        for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
      },
    );
  };

  return (token) => {
    // The rule of the connection guard, checked where the lookup is asked for: the query itself
    // runs later, in the context of whichever request opened the batch.
    assertNotHoldingConnection();
    const hash = tokenHash(token);
    return new Promise((resolve, reject) => {
      const waiters = waiting.get(hash);
      if (waiters === undefined) waiting.set(hash, [{ resolve, reject }]);
      else waiters.push({ resolve, reject });
      if (waiting.size >= MAX_BATCH) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          flush();
        });
      }
    });
  };
}
