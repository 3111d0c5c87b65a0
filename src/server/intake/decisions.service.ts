import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { caseReference } from '../../contract/cases.ts';
import type { TeamMessage, TriageDetail } from '../../contract/reports.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { insertCase } from '../cases/cases.service.ts';
import { guarded, need, recheck } from '../cases/context.ts';
import { caseByReference } from '../cases/links.service.ts';
import { sealField } from '../platform/crypto/sealed-field.ts';
import type { DB } from '../platform/db/schema.ts';
import { ConflictError, NotFoundError, ValidationError } from '../platform/http/errors.ts';
import { excludedFrom } from './conflicts.ts';
import { messagePlace, reportPlace } from './content.ts';
import { type IntakeContext, type Origin, todayOf } from './context.ts';
import { type ReportRow, reportsRepository, staleReport } from './reports.repository.ts';
import { byTeam, canMessage, getTriage, reportInReach } from './triage.service.ts';

/**
 * What the team decides on a report (docs/intake.md, "Triage"): answer the reporter, acknowledge
 * a caller's report, open a case from it, attach it to a case, or close it. Each names the version
 * it saw; the report is held for the transaction, and checked again there.
 */

interface Decided {
  readonly id: string;
  readonly status: ReportRow['status'];
  readonly case: { readonly id: string; readonly reference: string } | null;
}

/** The report held, at the version the actor saw, still within their reach. */
async function held(
  ctx: IntakeContext,
  tx: Kysely<DB>,
  actor: Actor,
  id: string,
  expectedVersion: number,
): Promise<ReportRow> {
  const row = await reportsRepository.hold(tx, id);
  if (row === undefined || (await excludedFrom(tx, id, actor.userId))) throw new NotFoundError();
  if (row.case_id !== null)
    await recheck(ctx, tx, actor, row.case_id, { kind: 'section', section: 'timeline', write: true });
  if (row.version !== expectedVersion) throw staleReport();
  return row;
}

const untriaged = (row: ReportRow) => {
  if (row.status !== 'new') {
    throw new ConflictError('This report was triaged already; reload it.', 'already_triaged');
  }
};

async function bump(tx: Kysely<DB>, row: ReportRow, set: Partial<Omit<ReportRow, 'id' | 'version'>>): Promise<void> {
  await tx
    .updateTable('reports')
    .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
    .where('id', '=', row.id)
    .execute();
}

/** Writes under the report's rule: a refusal by its case is recorded on that case, after the rollback. */
async function deciding<T>(
  ctx: IntakeContext,
  actor: Actor,
  id: string,
  origin: Origin,
  write: () => Promise<T>,
): Promise<T> {
  const row = await reportInReach(ctx, actor, id, origin, true);
  return row.case_id === null ? write() : guarded(ctx, actor, row.case_id, origin, write);
}

/** A message to the reporter: always this explicit act. An acknowledgement or feedback also meets its deadline. */
export async function messageReporter(
  ctx: IntakeContext,
  actor: Actor,
  id: string,
  input: Required<TeamMessage>,
  origin: Origin,
): Promise<TriageDetail> {
  await deciding(ctx, actor, id, origin, () =>
    ctx.database.transaction(async (tx) => {
      const row = await held(ctx, tx, actor, id, input.expectedVersion);
      if (!canMessage(row)) {
        throw new ConflictError(
          'This reporter cannot read messages in TMA; record how you acknowledged the report instead.',
          'no_channel',
        );
      }
      const today = todayOf(ctx);
      const key = await ctx.keys.keyFor('report', id, tx);
      const number = await reportsRepository.nextMessageNumber(tx, id);
      await tx
        .insertInto('report_messages')
        .values({
          report_id: id,
          number,
          author: 'team',
          author_id: actor.userId,
          kind: input.kind,
          body_sealed: sealField(key, input.body, messagePlace(id, number)),
          sent_on: today,
        })
        .execute();
      const acknowledges = input.kind !== 'message' && row.acknowledged_on === null;
      await bump(tx, row, {
        awaiting_reply: false,
        ...(acknowledges ? { acknowledged_on: today } : {}),
        ...(input.kind === 'feedback' && row.feedback_on === null ? { feedback_on: today } : {}),
      });
      const now = ctx.clock.now();
      await recordAudit(tx, now, {
        action: 'report.message_sent',
        ...byTeam(actor, origin, id, row.case_id),
        detail: { from: 'team', kind: input.kind },
      });
      if (acknowledges)
        await recordAudit(tx, now, { action: 'report.acknowledged', ...byTeam(actor, origin, id, row.case_id) });
    }),
  );
  // The answer shows the report again: read, and audited, as its page is.
  return getTriage(ctx, actor, id, origin);
}

/** A caller's report acknowledged outside TMA (by phone, by letter), on the day it was. */
export async function acknowledge(
  ctx: IntakeContext,
  actor: Actor,
  id: string,
  input: { readonly expectedVersion: number; readonly on: string },
  origin: Origin,
): Promise<TriageDetail> {
  await deciding(ctx, actor, id, origin, () =>
    ctx.database.transaction(async (tx) => {
      const row = await held(ctx, tx, actor, id, input.expectedVersion);
      if (canMessage(row)) {
        throw new ConflictError('Acknowledge this report with a message to the reporter.', 'use_message');
      }
      if (row.acknowledged_on !== null)
        throw new ConflictError('This report was acknowledged already.', 'acknowledged');
      if (input.on < row.received_on || input.on > todayOf(ctx)) {
        throw new ValidationError([{ path: 'body.on', message: 'between the day it came in and today' }]);
      }
      await bump(tx, row, { acknowledged_on: input.on });
      await recordAudit(tx, ctx.clock.now(), {
        action: 'report.acknowledged',
        ...byTeam(actor, origin, id, row.case_id),
      });
    }),
  );
  // The answer shows the report again: read, and audited, as its page is.
  return getTriage(ctx, actor, id, origin);
}

/** The report joins a case: its key is wrapped for the case, and it follows the case's membership. */
async function join(ctx: IntakeContext, tx: Kysely<DB>, actor: Actor, row: ReportRow, caseId: string): Promise<void> {
  await ctx.keys.joinCase(tx, row.id, caseId);
  await bump(tx, row, { status: 'case', case_id: caseId, triaged_by: actor.userId, triaged_on: todayOf(ctx) });
}

/** A new case from the report, led by the actor. */
export async function openCase(
  ctx: IntakeContext,
  actor: Actor,
  id: string,
  input: { readonly expectedVersion: number; readonly title: string },
  origin: Origin,
): Promise<Decided> {
  const caseId = randomUUID();
  const made = await ctx.database.transaction(async (tx) => {
    const row = await held(ctx, tx, actor, id, input.expectedVersion);
    untriaged(row);
    const created = await insertCase(ctx, tx, actor, caseId, { title: input.title, summary: '', tags: [] }, origin);
    await join(ctx, tx, actor, row, caseId);
    await recordAudit(tx, ctx.clock.now(), { action: 'report.case_opened', ...byTeam(actor, origin, id, caseId) });
    return created;
  });
  return { id, status: 'case', case: { id: caseId, reference: caseReference(made.year, made.number) } };
}

/** The report attached to an existing case, which the actor may add to (its timeline section); other cases are 404. */
export async function attach(
  ctx: IntakeContext,
  actor: Actor,
  id: string,
  input: { readonly expectedVersion: number; readonly reference: string },
  origin: Origin,
): Promise<Decided> {
  await reportInReach(ctx, actor, id, origin, true);
  const caseId = await caseByReference(ctx.database.db, input.reference);
  if (caseId === undefined) throw new NotFoundError();
  // The case first: a case out of reach answers 404 before anything about the report (a stale
  // version, a report triaged already) could tell that the reference exists.
  await need(ctx, actor, caseId, { kind: 'section', section: 'timeline', write: true }, origin);
  return guarded(ctx, actor, caseId, origin, async () => {
    const reference = await ctx.database.transaction(async (tx) => {
      const row = await held(ctx, tx, actor, id, input.expectedVersion);
      untriaged(row);
      const reach = await recheck(ctx, tx, actor, caseId, { kind: 'section', section: 'timeline', write: true });
      const target = await tx.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
      if (reach.merged || target.status === 'closed') {
        throw new ConflictError('That case is closed; reopen it or choose another.', 'case_closed');
      }
      await join(ctx, tx, actor, row, caseId);
      await recordAudit(tx, ctx.clock.now(), { action: 'report.attached', ...byTeam(actor, origin, id, caseId) });
      return caseReference(target.year, target.number);
    });
    return { id, status: 'case' as const, case: { id: caseId, reference } };
  });
}

/** Closed without a case: no concern, or malicious or mistaken (kept for fairness statistics); the reporter sees "closed". */
export async function closeReport(
  ctx: IntakeContext,
  actor: Actor,
  id: string,
  input: {
    readonly expectedVersion: number;
    readonly outcome: 'no_concern' | 'malicious' | 'mistaken';
    readonly reason: string;
  },
  origin: Origin,
): Promise<Decided> {
  await deciding(ctx, actor, id, origin, () =>
    ctx.database.transaction(async (tx) => {
      const row = await held(ctx, tx, actor, id, input.expectedVersion);
      untriaged(row);
      const key = await ctx.keys.keyFor('report', id, tx);
      await bump(tx, row, {
        status: 'closed',
        outcome: input.outcome,
        outcome_reason_sealed: sealField(key, input.reason, reportPlace(id, 'outcome_reason')),
        triaged_by: actor.userId,
        triaged_on: todayOf(ctx),
      });
      await recordAudit(tx, ctx.clock.now(), {
        action: 'report.closed',
        ...byTeam(actor, origin, id),
        detail: { outcome: input.outcome },
      });
    }),
  );
  return { id, status: 'closed', case: null };
}
