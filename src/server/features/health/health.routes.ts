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

/**
 * An answer of the key provider counts for a while (good: 15 s, bad: 5 s), and one check runs at a
 * time: probes every few seconds, during an outage too, should not each cost or wait for a KMS call.
 */
const KEYS_OK_MS = 15_000;
const KEYS_FAILED_MS = 5_000;

/** Readiness waits at most this long for the database: a health check must answer quickly. */
const PING_TIMEOUT_MS = 2_000;

export function healthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  let keys: { answer: 'ok' | 'failed'; until: number } = { answer: 'failed', until: 0 };
  let checking: Promise<'ok' | 'failed'> | undefined;
  const keysCheck = (): Promise<'ok' | 'failed'> => {
    if (Date.now() < keys.until) return Promise.resolve(keys.answer);
    checking ??= withTimeout(deps.keys(), PING_TIMEOUT_MS)
      .then(
        () => 'ok' as const,
        () => 'failed' as const,
      )
      .then((answer) => {
        keys = { answer, until: Date.now() + (answer === 'ok' ? KEYS_OK_MS : KEYS_FAILED_MS) };
        return answer;
      })
      .finally(() => {
        checking = undefined;
      });
    return checking;
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
      const [database, keyProvider] = await Promise.all([databaseCheck(), keysCheck()]);
      const checks = { database, keys: keyProvider };
      if (database === 'ok' && keyProvider === 'ok') return { status: 'ready', checks };
      reply.code(503);
      return { status: 'unavailable', checks };
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
