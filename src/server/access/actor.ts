import type { Role } from '../../contract/accounts.ts';

/** Who is making a request: resolved from the session cookie on every request, never cached. */
export interface Actor {
  readonly userId: string;
  readonly role: Role;
  readonly email: string;
  readonly displayName: string;
  readonly expertise: string | null;
  readonly sessionId: string;
  readonly csrfToken: string;
  readonly stepUpAt: Date | null;
  readonly idleExpiresAt: Date;
  readonly absoluteExpiresAt: Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | undefined;
    /** Set when the request carried a session cookie whose session has timed out. */
    sessionExpired: boolean;
  }
}
