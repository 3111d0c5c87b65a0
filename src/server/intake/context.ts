import type { CasesContext } from '../cases/context.ts';
import type { IntakeConfig } from '../config-intake.ts';
import type { AnonymousThrottle } from './anonymous-throttle.ts';
import { type DeadlinePolicy, dayIn } from './deadlines.ts';
import type { FloodChallenge } from './flood-challenge.ts';
import type { WorkGate } from './work-gate.ts';

/** What the intake services need (app.ts): the cases' context (a report opens or joins a case) and the intake settings. */
export interface IntakeContext extends CasesContext {
  readonly intake: IntakeConfig;
  /** Counts the anonymous channel's requests per client address, in memory, under a keyed hash. */
  readonly throttle: AnonymousThrottle;
  /**
   * The same per IPv6 site (/48), at eight times the limit: a site holds 65,536 /64 networks, each
   * of which the first counter would give a share of its own.
   */
  readonly sites: AnonymousThrottle;
  /** The proof of work anonymous reports must bring under a flood. */
  readonly flood: FloodChallenge;
  /** The bound on the anonymous channel's argon2id work in flight. */
  readonly gate: WorkGate;
  /** Reports per signed-in account per hour: an urgent one rings every triage role's bell. */
  readonly reportsPerAccount: AnonymousThrottle;
}

export const policyOf = (ctx: IntakeContext): DeadlinePolicy => ({
  acknowledgeDays: ctx.intake.acknowledgeDays,
  feedbackMonths: ctx.intake.feedbackMonths,
});

/** Today in the company's time zone. */
export const todayOf = (ctx: Pick<IntakeContext, 'clock' | 'intake'>): string =>
  dayIn(ctx.clock.now(), ctx.intake.timeZone);

/**
 * Today as a moment, where a column needs one (an audit event, a notification, a key): midnight
 * UTC of the company's day, the same day as every day column of the report.
 */
export const companyMidnight = (ctx: Pick<IntakeContext, 'clock' | 'intake'>): Date =>
  new Date(`${todayOf(ctx)}T00:00:00.000Z`);

/** Who is asking, as the audit trail records it (the anonymous channel has no such thing). */
export interface Origin {
  readonly ip: string;
  readonly userAgent: string | undefined;
}
