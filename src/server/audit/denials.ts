import type { FastifyRequest } from 'fastify';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/db/database.ts';
import { recordAudit } from './record.ts';

const WINDOW_MS = 60_000;
const MAX_KEYS = 10_000;

/**
 * Records a signed-in user's request that a policy refused (access.denied), at most once a minute
 * per user, method and route on this instance: a loop against a refused route cannot fill the
 * trail, and the first refusal of each minute is still there to see.
 */
export function denialRecorder(database: Database, clock: Clock): (request: FastifyRequest) => Promise<void> {
  const recent = new Map<string, number>();
  return async (request) => {
    const now = clock.now();
    const route = (request.routeOptions.url ?? 'unmatched').slice(0, 200);
    const method = request.method.slice(0, 10);
    const key = `${request.actor?.userId ?? ''} ${method} ${route}`;
    const last = recent.get(key);
    if (last !== undefined && now.getTime() - last < WINDOW_MS) return;
    if (recent.size >= MAX_KEYS) recent.clear();
    recent.set(key, now.getTime());
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
