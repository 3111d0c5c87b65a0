import type { FastifyInstance } from 'fastify';
import { Liveness, Readiness } from '../../../contract/health.ts';
import { defineRoute } from '../../platform/http/routes.ts';
import type { Lifecycle } from '../../platform/lifecycle.ts';

export interface HealthDeps {
  readonly lifecycle: Lifecycle;
  readonly ping: () => Promise<void>;
  /** The key provider's own check (KeyProvider.check). */
  readonly keys: () => Promise<void>;
}

/** A good answer of the key provider counts for this long: probes every few seconds should not each cost a KMS call. */
const KEYS_OK_MS = 15_000;

/** Readiness waits at most this long for the database: a health check must answer quickly. */
const PING_TIMEOUT_MS = 2_000;

export function healthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  let keysOkUntil = 0;
  const keysCheck = async (): Promise<'ok' | 'failed'> => {
    if (Date.now() < keysOkUntil) return 'ok';
    try {
      await withTimeout(deps.keys(), PING_TIMEOUT_MS);
      keysOkUntil = Date.now() + KEYS_OK_MS;
      return 'ok';
    } catch {
      return 'failed';
    }
  };
  const databaseCheck = async (): Promise<'ok' | 'failed'> => {
    try {
      await withTimeout(deps.ping(), PING_TIMEOUT_MS);
      return 'ok';
    } catch {
      return 'failed';
    }
  };
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
    summary: 'Readiness: the database and the key provider answer, and the instance is not draining',
    tags: ['health'],
    responses: { 200: Readiness, 503: Readiness },
    handler: async (_input, _request, reply): Promise<Readiness> => {
      if (deps.lifecycle.draining) {
        reply.code(503);
        return { status: 'draining', checks: { database: 'skipped', keys: 'skipped' } };
      }
      const [database, keys] = await Promise.all([databaseCheck(), keysCheck()]);
      if (database === 'ok' && keys === 'ok') return { status: 'ready', checks: { database, keys } };
      reply.code(503);
      return { status: 'unavailable', checks: { database, keys } };
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
