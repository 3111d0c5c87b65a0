import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../access/actor.ts';
import type { RequestOrigin } from './context.ts';

export function userAgentOf(request: FastifyRequest): string | undefined {
  const ua = request.headers['user-agent'];
  return typeof ua === 'string' ? ua : undefined;
}

export function originOf(request: FastifyRequest): RequestOrigin {
  return { ip: request.ip, userAgent: userAgentOf(request) };
}

/** For routes whose policy requires a signed-in user: the policy check has run before the handler. */
export function actorOf(request: FastifyRequest): Actor {
  if (request.actor === undefined) throw new Error('route without a signed-in policy asked for the actor');
  return request.actor;
}
