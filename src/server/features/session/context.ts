import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';

/** What the account services need: the database, the clock, and the settings they read. */
export interface AccountsContext {
  readonly database: Database;
  readonly clock: Clock;
  readonly publicOrigin: string;
  readonly sessionIdleSeconds: number;
  readonly sessionAbsoluteSeconds: number;
}

/** Where a request came from, for throttling and security events. */
export interface RequestOrigin {
  readonly ip: string;
  readonly userAgent: string | undefined;
}
