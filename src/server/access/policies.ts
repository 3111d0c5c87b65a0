import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/**
 * Every route names one of these policies in its definition; a route without one is refused at
 * start (routes.ts) and by the route-table test. A policy answers allow or deny; deny is a 404,
 * so that a refused request learns nothing about what exists. The accounts and cases issues add
 * policies here (signed-in, role, case membership and scope), one rule per action.
 */
export interface PolicyContext {
  readonly request: FastifyRequest;
  readonly metricsToken: string | undefined;
}

export type Policy = (context: PolicyContext) => boolean | Promise<boolean>;

export const policies = {
  /** Anyone, signed in or not: health, the SPA shell and its assets, the API description. */
  public: () => true,
  /** Prometheus scrapers that present the metrics token; without a configured token, nobody. */
  metrics: ({ request, metricsToken }) => metricsToken !== undefined && bearerMatches(request, metricsToken),
} satisfies Record<string, Policy>;

export type PolicyName = keyof typeof policies;

export function isPolicyName(name: unknown): name is PolicyName {
  return typeof name === 'string' && Object.hasOwn(policies, name);
}

/** Constant-time comparison of digests, so neither timing nor length gives the token away. */
function bearerMatches(request: FastifyRequest, expected: string): boolean {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(header.slice(7)), digest(expected));
}
