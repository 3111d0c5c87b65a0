import type { FastifyRequest } from 'fastify';
import { NotFoundError } from './errors.ts';

/**
 * Fastify answers HEAD with a GET route's handler: for an audited read (a case, a document) that
 * would open, decrypt and record a read whose answer nobody gets. Such routes refuse HEAD instead.
 */
export function refuseHead(request: FastifyRequest): void {
  if (request.method === 'HEAD') throw new NotFoundError();
}
