import type { Kysely } from 'kysely';
import type { Actor } from '../access/actor.ts';
import type { OncePerWindow } from '../audit/denials.ts';
import { recordAudit } from '../audit/record.ts';
import type { Clock } from '../platform/clock.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { Database } from '../platform/db/database.ts';
import type { DB } from '../platform/db/schema.ts';
import { NotFoundError } from '../platform/http/errors.ts';
import type { PersonIndex } from '../search/persons.ts';
import type { SearchIndex } from '../search/search-index.ts';
import { meets, type Need, type Reach, reachOf } from './reach.ts';

/** What the case services need (app.ts). */
export interface CasesContext {
  readonly database: Database;
  readonly keys: KeyRing;
  readonly clock: Clock;
  readonly search: SearchIndex;
  /** Refusals recorded at most once a minute per user, access and case (as access.denied is). */
  readonly denials: OncePerWindow;
  /** Person identifiers in the blind index: recognising the same person elsewhere, and conflicts. */
  readonly persons: PersonIndex;
  /** The longest an expert's membership may run (TMA_EXPERT_MEMBERSHIP_MAX_DAYS). */
  readonly expertMaxDays: number;
}

export interface Origin {
  readonly ip: string;
  readonly userAgent: string | undefined;
}

/** Who, from where, about which case: what every audit event of a case carries. */
export const aboutCase = (actor: Actor, origin: Origin, caseId: string) => ({
  outcome: 'allowed' as const,
  actorUserId: actor.userId,
  object: { type: 'case' as const, id: caseId },
  caseId,
  ip: origin.ip,
  userAgent: origin.userAgent,
});

const writes = (need: Need): boolean =>
  need.kind === 'edit' ||
  need.kind === 'manage' ||
  need.kind === 'break_glass' ||
  need.kind === 'merge' ||
  (need.kind === 'section' && need.write);

/**
 * The actor's reach into the case when it meets the need; otherwise the refusal is recorded (at
 * most once a minute per user, access and case) and answered 404, the same answer as for a case
 * that does not exist. Never called inside a transaction: the refusal's event must stay.
 */
export async function need(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  what: Need,
  origin: Origin,
): Promise<Reach> {
  const now = ctx.clock.now();
  const reach = await reachOf(ctx.database.db, actor, caseId, now, { database: ctx.database });
  if (reach !== undefined && meets(reach, what)) return reach;
  await refused(ctx, actor, caseId, writes(what) ? 'write' : 'read', origin);
  throw new NotFoundError();
}

/** A refusal found inside a write's transaction: recorded by `guarded` after the rollback, on the case it names. */
export class RefusedInTransaction extends NotFoundError {
  readonly caseId: string;
  constructor(caseId: string) {
    super();
    this.caseId = caseId;
  }
}

/**
 * The same check again inside a write's transaction, holding the case row shared until commit: a
 * revocation or expiry that came in since the first check refuses the write.
 */
export async function recheck(
  ctx: CasesContext,
  tx: Kysely<DB>,
  actor: Actor,
  caseId: string,
  what: Need,
): Promise<Reach> {
  const reach = await reachOf(tx, actor, caseId, ctx.clock.now(), { hold: true });
  if (reach === undefined || !meets(reach, what)) throw new RefusedInTransaction(caseId);
  return reach;
}

/**
 * Records a refusal (case.denied), at most once a minute per user, access and case. Call it outside
 * any transaction, after a rollback: the event must stay.
 */
export async function refused(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  access: 'read' | 'write',
  origin: Origin,
): Promise<void> {
  const now = ctx.clock.now();
  if (!ctx.denials.take(`${actor.userId} ${access} case:${caseId}`, now)) return;
  await recordAudit(ctx.database.db, now, {
    action: 'case.denied',
    ...aboutCase(actor, origin, caseId),
    outcome: 'denied',
    detail: { access },
  });
}

/** Runs a write whose transaction may refuse the actor after all (or find nothing): records that after the rollback. */
export async function guarded<T>(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  origin: Origin,
  write: () => Promise<T>,
  access: 'read' | 'write' = 'write',
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    // A write that spans two cases (a link, a merge) is refused on the case that refused it.
    if (error instanceof NotFoundError)
      await refused(ctx, actor, error instanceof RefusedInTransaction ? error.caseId : caseId, access, origin);
    throw error;
  }
}
