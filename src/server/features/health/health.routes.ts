import type { FastifyInstance } from 'fastify';
import { Liveness, Readiness } from '../../../contract/health.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import type { Lifecycle } from '../../platform/lifecycle.ts';

export interface HealthDeps {
  readonly lifecycle: Lifecycle;
  readonly ping: () => Promise<void>;
}

/** Readiness waits at most this long for the database: a health check must answer quickly. */
const PING_TIMEOUT_MS = 2_000;

export function healthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  defineRoute(app, {
    method: 'GET',
    url: '/livez',
    policy: 'public',
    summary: 'Liveness: the process is up (never touches the database)',
    tags: ['health'],
    responses: { 200: Liveness },
    handler: (): Liveness => ({ status: 'ok' }),
  });

  defineRoute(app, {
    method: 'GET',
    url: '/readyz',
    policy: 'public',
    summary: 'Readiness: the database is reachable and the instance is not draining',
    tags: ['health'],
    responses: { 200: Readiness, 503: Readiness },
    handler: async (_input, _request, reply): Promise<Readiness> => {
      if (deps.lifecycle.draining) {
        reply.code(503);
        return { status: 'draining', checks: { database: 'skipped' } };
      }
      try {
        await withTimeout(deps.ping(), PING_TIMEOUT_MS);
        return { status: 'ready', checks: { database: 'ok' } };
      } catch {
        reply.code(503);
        return { status: 'unavailable', checks: { database: 'failed' } };
      }
    },
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
