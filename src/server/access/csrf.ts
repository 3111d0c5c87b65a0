import type { FastifyInstance } from 'fastify';
import { AppError } from '../platform/http/errors.ts';
import { safeEqual } from './sessions/tokens.ts';

export class CsrfError extends AppError {
  readonly status = 403;
  readonly code = 'csrf_failed';
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every state-changing request must come from our own pages: its Origin must be the public
 * origin (or, without Origin, Sec-Fetch-Site must say same-origin), and a signed-in request must
 * carry the session's synchronizer token in X-CSRF-Token. GET never changes state (sign-out is
 * a DELETE).
 */
export function installCsrfCheck(app: FastifyInstance, publicOrigin: string): void {
  app.addHook('onRequest', (request, _reply, done) => {
    if (SAFE.has(request.method)) return done();
    const origin = request.headers.origin;
    const site = request.headers['sec-fetch-site'];
    const sameOrigin = origin !== undefined ? origin === publicOrigin : site === 'same-origin';
    if (!sameOrigin) return done(new CsrfError('The request did not come from this application.'));
    if (request.actor !== undefined) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !safeEqual(sent, request.actor.csrfToken)) {
        return done(new CsrfError('The request is missing its security token; reload the page.'));
      }
    }
    done();
  });
}
