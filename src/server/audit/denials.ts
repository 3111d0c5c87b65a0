import type { FastifyRequest } from 'fastify';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/db/database.ts';
import { recordAudit } from './record.ts';

const WINDOW_MS = 60_000;
const MAX_KEYS = 10_000;

/**
 * Lets a key through at most once a minute (on this instance): refusals are recorded this way, so
 * that a loop against something refused cannot fill the trail, and the first refusal of each
 * minute is still there to see. At most 10,000 keys are remembered; past that it starts afresh.
 */
export class OncePerWindow {
  readonly #recent = new Map<string, number>();

  take(key: string, now: Date): boolean {
    const last = this.#recent.get(key);
    if (last !== undefined && now.getTime() - last < WINDOW_MS) return false;
    if (this.#recent.size >= MAX_KEYS) this.#recent.clear();
    this.#recent.set(key, now.getTime());
    return true;
  }
}

/** Records a signed-in user's request that a policy refused (access.denied), once a minute per user, method and route. */
export function denialRecorder(database: Database, clock: Clock): (request: FastifyRequest) => Promise<void> {
  const recent = new OncePerWindow();
  return async (request) => {
    const now = clock.now();
    const route = (request.routeOptions.url ?? 'unmatched').slice(0, 200);
    const method = request.method.slice(0, 10);
    if (!recent.take(`${request.actor?.userId ?? ''} ${method} ${route}`, now)) return;
    const ua = request.headers['user-agent'];
    await recordAudit(database.db, now, {
      action: 'access.denied',
      outcome: 'denied',
      actorUserId: request.actor?.userId,
      ip: request.ip,
      userAgent: typeof ua === 'string' ? ua : undefined,
      detail: { method, route },
    });
  };
}
