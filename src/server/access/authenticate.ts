import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Role } from '../../contract/accounts.ts';
import type { Clock } from '../platform/clock.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { Database } from '../platform/db/database.ts';
import type { Actor, ActorIdentity } from './actor.ts';
import { openIdentity } from './identity.ts';
import { mfaState } from './mfa/mandate.ts';
import { readSessionCookie } from './sessions/cookie.ts';
import { coalescedSessionLookup } from './sessions/session-lookup.ts';
import { sessionsRepository } from './sessions/sessions.repository.ts';
import { csrfTokenFor } from './sessions/tokens.ts';

export interface SessionSettings {
  readonly idleSeconds: number;
  readonly absoluteSeconds: number;
}

/**
 * last_seen_at is written at most once a minute per active session, not once per request (or a
 * quarter of the idle timeout, when that is shorter than four minutes, so that short test
 * timeouts still measure idleness).
 */
const touchIntervalMs = (idleSeconds: number) => Math.min(60_000, (idleSeconds * 1000) / 4);

const TIMEOUTS = new Set(['idle_timeout', 'absolute_timeout']);

/** Marks a request the client made without the user (a poll): it does not count as activity. */
export const PASSIVE_HEADER = 'x-tma-passive';

/**
 * Resolves the session cookie to an actor on every request, from the database: a revoked
 * session, a locked account or a changed role takes effect on the very next request, on every
 * instance. Timed-out sessions are ended here and marked, so the client can say why.
 */
export function installAuthentication(
  app: FastifyInstance,
  database: Database,
  keys: KeyRing,
  clock: Clock,
  settings: SessionSettings,
): void {
  app.decorateRequest('actor', undefined);
  app.decorateRequest('sessionExpired', false);
  const lookup = coalescedSessionLookup(database);
  const resolve = async (request: FastifyRequest, token: string): Promise<void> => {
    const now = clock.now();
    const s = await lookup(token);
    if (s === undefined || s.status !== 'active') return;
    if (s.ended_at !== null) {
      // A session that timed out keeps saying so, whichever request first noticed it.
      request.sessionExpired = TIMEOUTS.has(s.end_reason ?? '');
      return;
    }
    const idleEnds = s.last_seen_at.getTime() + settings.idleSeconds * 1000;
    if (now.getTime() >= s.expires_at.getTime() || now.getTime() >= idleEnds) {
      const reason = now.getTime() >= s.expires_at.getTime() ? 'absolute_timeout' : 'idle_timeout';
      await sessionsRepository.end(database.db, s.id, reason, now);
      request.sessionExpired = true;
      return;
    }
    let lastSeen = s.last_seen_at;
    // A request the app makes on its own (the bell asking for news) is no sign of the person: it
    // must not keep an unattended session open past its idle timeout.
    const passive = request.headers[PASSIVE_HEADER] === '1' || request.routeOptions.config.passive === true;
    if (!passive && now.getTime() - lastSeen.getTime() >= touchIntervalMs(settings.idleSeconds)) {
      await sessionsRepository.touch(database.db, s.id, now);
      lastSeen = now;
    }
    let identity: Promise<ActorIdentity> | undefined;
    const sealed = { ...s, id: s.user_id };
    const actor: Actor = {
      userId: s.user_id,
      role: s.role as Role,
      identity: () => {
        identity ??= openIdentity(keys, sealed).then((i) => ({
          email: i.email ?? '',
          displayName: i.displayName ?? '',
        }));
        return identity;
      },
      expertise: s.expertise,
      sessionId: s.id,
      csrfToken: csrfTokenFor(token),
      stepUpAt: s.step_up_at,
      idleExpiresAt: new Date(Math.min(lastSeen.getTime() + settings.idleSeconds * 1000, s.expires_at.getTime())),
      absoluteExpiresAt: s.expires_at,
      mfa: mfaState(s.role as Role, s.has_second_factor, s.mfa_at),
    };
    request.actor = actor;
  };
  // Synchronous when there is no cookie: most anonymous requests (health checks) never wait.
  app.addHook('onRequest', (request, _reply, done) => {
    // Only the API acts for a user: the SPA shell, its assets and health checks need no session
    // (the browser sends the cookie with every request; looking it up each time would be waste).
    if (request.routeOptions.url?.startsWith('/api/') !== true) return done();
    // The anonymous channel must not know, or date, whoever is signed in on this browser.
    if (request.routeOptions.config.policy === 'anonymous') return done();
    const token = readSessionCookie(request);
    if (token === undefined) return done();
    resolve(request, token).then(() => done(), done);
  });
}
