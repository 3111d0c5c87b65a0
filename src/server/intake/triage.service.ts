import type { Kysely } from 'kysely';
import { caseReference } from '../../contract/cases.ts';
import type { TriageDetail, TriageFilter, TriageList, TriageSummary } from '../../contract/reports.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { userRefs } from '../cases/cases.repository.ts';
import { need } from '../cases/context.ts';
import { meets, reachOf } from '../cases/reach.ts';
import { readableCases } from '../cases/readable.ts';
import type { DB } from '../platform/db/schema.ts';
import { NotFoundError } from '../platform/http/errors.ts';
import { excludedFrom } from './conflicts.ts';
import { openContent, openOriginalReporter, reportPlace, reportReference, withoutIdentities } from './content.ts';
import { type IntakeContext, type Origin, todayOf } from './context.ts';
import { daysBetween } from './deadlines.ts';
import { knownPersonHints } from './hints.ts';
import { openMessages } from './reporter.service.ts';
import { type ReportRow, reportsRepository } from './reports.repository.ts';
import { deadlinesFor } from './submit.service.ts';

/**
 * The triage inbox and a report's page (docs/intake.md, "Triage"), for threat managers and team
 * leads (the route policy). A report that joined a case follows that case's membership from then
 * on: its page needs the case's timeline section, and in the list its case is named only to those
 * who reach the case.
 */

export const byTeam = (actor: Actor, origin: Origin, reportId: string, caseId?: string | null) => ({
  outcome: 'allowed' as const,
  actorUserId: actor.userId,
  object: { type: 'report' as const, id: reportId },
  ...(caseId == null ? {} : { caseId }),
  ip: origin.ip,
  userAgent: origin.userAgent,
});

/** The reporter can read messages only on the web channels; a caller's report is answered outside TMA. */
export const canMessage = (row: Pick<ReportRow, 'channel'>): boolean =>
  row.channel === 'anonymous' || row.channel === 'employee';

async function summaryOf(
  ctx: IntakeContext,
  actor: Actor,
  row: ReportRow,
  today: string,
  cases: Map<string, { year: number; number: number }>,
): Promise<TriageSummary> {
  const d = deadlinesFor(ctx, row);
  let inCase: TriageSummary['case'] = null;
  if (row.case_id !== null) {
    const ref = cases.get(row.case_id);
    const reach = await reachOf(ctx.database.db, actor, row.case_id, ctx.clock.now());
    if (ref !== undefined && reach !== undefined && reach.kind !== 'list') {
      inCase = { id: row.case_id, reference: caseReference(ref.year, ref.number) };
    }
  }
  return {
    id: row.id,
    reference: reportReference(row.reference),
    channel: row.channel,
    urgency: row.urgency,
    status: row.status,
    outcome: row.outcome,
    receivedOn: row.received_on,
    ageDays: Math.max(0, daysBetween(row.received_on, today)),
    deadlines: {
      acknowledgeBy: d.acknowledgeBy,
      acknowledgedOn: row.acknowledged_on,
      feedbackBy: d.feedbackBy,
      feedbackOn: row.feedback_on,
    },
    awaitingReply: row.awaiting_reply,
    case: inCase,
  };
}

export async function listTriage(
  ctx: IntakeContext,
  actor: Actor,
  filter: TriageFilter,
  origin: Origin,
): Promise<TriageList> {
  const db = ctx.database.db;
  // A report in a case follows that case: listed only to those who read the case's timeline.
  const inCases = await readableCases(db, actor, ctx.clock.now(), 'timeline');
  const { rows, total } = await reportsRepository.triage(db, filter, inCases, actor.userId);
  const cases = await reportsRepository.caseRefs(
    db,
    rows.flatMap((r) => (r.case_id === null ? [] : [r.case_id])),
  );
  const today = todayOf(ctx);
  const reports = [];
  for (const row of rows) reports.push(await summaryOf(ctx, actor, row, today, cases));
  await recordAudit(db, ctx.clock.now(), {
    action: 'report.listed',
    outcome: 'allowed',
    actorUserId: actor.userId,
    ip: origin.ip,
    userAgent: origin.userAgent,
    detail: { reports: reports.length },
  });
  return { reports, total };
}

/**
 * The report, if the actor may work on it: any report in triage or closed; one in a case only
 * with the case's timeline section (refused as the case refuses: 404, recorded on the case).
 */
export async function reportInReach(
  ctx: IntakeContext,
  actor: Actor,
  id: string,
  origin: Origin,
  write: boolean,
  executor: Kysely<DB> = ctx.database.db,
): Promise<ReportRow> {
  const row = await reportsRepository.find(executor, id);
  // A report that names the actor is not theirs to see (conflicts.ts): as if it did not exist.
  if (row === undefined || (await excludedFrom(executor, id, actor.userId))) throw new NotFoundError();
  if (row.case_id !== null) {
    await need(ctx, actor, row.case_id, { kind: 'section', section: 'timeline', write }, origin);
  }
  return row;
}

/** Whether the actor may see who a report names and who made it: always in triage; in a case, with its identities section. */
async function seesIdentities(ctx: IntakeContext, actor: Actor, row: ReportRow): Promise<boolean> {
  if (row.case_id === null) return true;
  const reach = await reachOf(ctx.database.db, actor, row.case_id, ctx.clock.now());
  return reach !== undefined && meets(reach, { kind: 'section', section: 'identities', write: false });
}

async function presentTriage(
  ctx: IntakeContext,
  actor: Actor,
  row: ReportRow,
): Promise<{ detail: TriageDetail; disclosed: readonly string[] }> {
  const db = ctx.database.db;
  const identities = await seesIdentities(ctx, actor, row);
  const opened = await openContent(ctx.keys, row.id, row.content_sealed);
  const content = identities ? opened : withoutIdentities(opened);
  const { hints, disclosed } = identities
    ? await knownPersonHints(ctx, actor, row.id, content)
    : { hints: [], disclosed: [] };
  const cases = await reportsRepository.caseRefs(db, row.case_id === null ? [] : [row.case_id]);
  const refs = await userRefs(db, ctx.keys, [row.reporter_id, row.recorded_by]);
  const outcomeReason =
    row.outcome_reason_sealed === null
      ? null
      : await ctx.keys.openText(row.outcome_reason_sealed, reportPlace(row.id, 'outcome_reason'));
  const detail: TriageDetail = {
    ...(await summaryOf(ctx, actor, row, todayOf(ctx), cases)),
    version: row.version,
    content,
    originalReporter: identities ? await openOriginalReporter(ctx.keys, row.id, row.original_reporter_sealed) : null,
    reporter: !identities || row.reporter_id === null ? null : (refs.get(row.reporter_id) ?? null),
    recordedBy: row.recorded_by === null ? null : (refs.get(row.recorded_by) ?? null),
    outcomeReason,
    identitiesHidden: !identities,
    messages: await openMessages(ctx, row.id, await reportsRepository.messages(db, row.id)),
    canMessage: canMessage(row),
    hints,
  };
  return { detail, disclosed };
}

/** A report's page: its content, messages, deadlines and known-person hints; the read and the hints are audited. */
export async function getTriage(ctx: IntakeContext, actor: Actor, id: string, origin: Origin): Promise<TriageDetail> {
  const row = await reportInReach(ctx, actor, id, origin, false);
  const { detail, disclosed } = await presentTriage(ctx, actor, row);
  await ctx.database.transaction(async (tx) => {
    const now = ctx.clock.now();
    await recordAudit(tx, now, {
      action: 'report.viewed',
      ...byTeam(actor, origin, id, row.case_id),
      detail: { as: row.case_id === null ? 'triage' : 'case_member' },
    });
    if (detail.hints.length > 0) {
      await recordAudit(tx, now, {
        action: 'report.hints_viewed',
        ...byTeam(actor, origin, id, row.case_id),
        detail: { matches: detail.hints.length },
      });
    }
    // Each case a hint told of hears of it: its trail shows who learned of it, from which report.
    for (const caseId of disclosed) {
      await recordAudit(tx, now, { action: 'report.hint_shown', ...byTeam(actor, origin, id, caseId) });
    }
  });
  return detail;
}
