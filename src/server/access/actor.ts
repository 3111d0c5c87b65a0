import type { Role } from '../../contract/accounts.ts';

export interface ActorIdentity {
  readonly email: string;
  readonly displayName: string;
}

/** Who is making a request: resolved from the session cookie on every request, never cached. */
export interface Actor {
  readonly userId: string;
  readonly role: Role;
  /**
   * The account's address and name in the clear, opened when first asked for: a handful of
   * requests need them (the session, passkeys, an authenticator app, a password change), and
   * opening both for every request cost two ciphers each time and held a person's data in memory
   * for nothing. Ask outside a transaction: opening may read a key on a connection of its own.
   */
  readonly identity: () => Promise<ActorIdentity>;
  readonly expertise: string | null;
  readonly sessionId: string;
  readonly csrfToken: string;
  readonly stepUpAt: Date | null;
  readonly idleExpiresAt: Date;
  readonly absoluteExpiresAt: Date;
  /**
   * The second factor: `challenge` until the code is given, `enrol` while an account whose role
   * requires one has none (both confine the session to the MFA endpoints), `done` once given in
   * this session, `none` for an account without one whose role does not require it (reporters).
   */
  readonly mfa: 'challenge' | 'enrol' | 'done' | 'none';
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | undefined;
    /** Set when the request carried a session cookie whose session has timed out. */
    sessionExpired: boolean;
  }
}
