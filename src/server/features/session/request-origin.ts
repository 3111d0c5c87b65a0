import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../access/actor.ts';
import type { RequestOrigin } from './context.ts';

export function originOf(request: FastifyRequest): RequestOrigin {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' ? ua : undefined };
}

/** For routes whose policy requires a signed-in user: the policy check has run before the handler. */
export function actorOf(request: FastifyRequest): Actor {
  if (request.actor === undefined) throw new Error('route without a signed-in policy asked for the actor');
  return request.actor;
}
