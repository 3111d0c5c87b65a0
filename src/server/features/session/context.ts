import type { Clock } from '../../platform/clock.ts';
import type { KeyRing } from '../../platform/crypto/key-ring.ts';
import type { Database } from '../../platform/db/database.ts';

/** What the account services need: the database, the clock, and the settings they read. */
export interface AccountsContext {
  readonly database: Database;
  readonly clock: Clock;
  /** The data keys: the system key seals the TOTP secrets. */
  readonly keys: KeyRing;
  readonly publicOrigin: string;
  readonly sessionIdleSeconds: number;
  readonly sessionAbsoluteSeconds: number;
  /**
   * Single sign-on with a role claim configured: an account linked to the provider, in any role but reporter,
   * signs in only through it, so that the provider's word on the role is asked at every sign-in.
   */
  readonly ssoOnlyWhenLinked: boolean;
}

/** Where a request came from, for throttling and security events. */
export interface RequestOrigin {
  readonly ip: string;
  readonly userAgent: string | undefined;
}
