import type { Kysely } from 'kysely';
import type {
  MyReports,
  ReporterAttachment,
  ReporterStatus,
  ReporterView,
  ReportMessage,
} from '../../contract/reports.ts';
import type { Actor } from '../access/actor.ts';
import { recordAnonymousAudit, recordAudit } from '../audit/record.ts';
import { uploadAnonymously } from '../documents/anonymous-upload.ts';
import { documentsRepository } from '../documents/documents.repository.ts';
import type { DocumentsContext, IncomingFile } from '../documents/documents.service.ts';
import { openFieldText, sealField } from '../platform/crypto/sealed-field.ts';
import type { DB } from '../platform/db/schema.ts';
import { AppError, ConflictError, NotFoundError, TooManyRequestsError } from '../platform/http/errors.ts';
import { messagePlace, openContent, reportReference } from './content.ts';
import { companyMidnight, type IntakeContext, type Origin, todayOf } from './context.ts';
import { dayIn } from './deadlines.ts';
import { checkReceipt } from './receipts.ts';
import { type MessageRow, type ReportRow, reportsRepository } from './reports.repository.ts';

/**
 * The reporter's side of a report (docs/intake.md, "The two-way channel"): the anonymous reporter
 * with their receipt, the signed-in employee under "My reports". They see a coarse status, the
 * messages, and what they wrote; nothing of the team's work beyond that.
 */

/** Received until the team answers or acts; closed when the report or its case is closed. */
export function reporterStatus(row: ReportRow, caseClosed: boolean, teamWrote: boolean): ReporterStatus {
  if (row.status === 'closed' || caseClosed) return 'closed';
  if (row.status === 'case' || row.acknowledged_on !== null || teamWrote) return 'in_review';
  return 'received';
}

export async function openMessages(ctx: IntakeContext, reportId: string, rows: readonly MessageRow[]) {
  if (rows.length === 0) return [];
  const key = await ctx.keys.keyFor('report', reportId);
  return rows.map(
    (m): ReportMessage => ({
      number: m.number,
      from: m.author,
      kind: m.kind,
      body: openFieldText(key, m.body_sealed, messagePlace(reportId, m.number)),
      sentOn: m.sent_on,
    }),
  );
}

async function caseClosed(db: Kysely<DB>, row: ReportRow): Promise<boolean> {
  if (row.case_id === null) return false;
  const found = await db.selectFrom('cases').select('status').where('id', '=', row.case_id).executeTakeFirst();
  return found?.status === 'closed';
}

/** The files the reporter added: anonymous ones have no uploader, a signed-in reporter's are theirs. */
async function attachmentsOf(ctx: IntakeContext, row: ReportRow): Promise<ReporterAttachment[]> {
  const db = ctx.database.db;
  const documents = await db
    .selectFrom('documents')
    .select(['id', 'current_version'])
    .where('owner_type', '=', 'report')
    .where('owner_id', '=', row.id)
    .where('deleted_at', 'is', null)
    .where((eb) => (row.reporter_id === null ? eb('created_by', 'is', null) : eb('created_by', '=', row.reporter_id)))
    .execute();
  const current = new Map(documents.map((d) => [d.id, d.current_version]));
  const versions = await documentsRepository.versions(db, ctx.keys, [...current.keys()]);
  return versions
    .filter((v) => current.get(v.documentId) === v.version)
    .map((v) => ({
      name: v.name,
      kind: v.kind,
      bytes: v.plaintextBytes,
      // An anonymous file is dated by the company day's midnight already; a signed-in one by its moment.
      addedOn:
        v.uploadedBy === null ? v.uploadedAt.toISOString().slice(0, 10) : dayIn(v.uploadedAt, ctx.intake.timeZone),
    }))
    .sort((a, b) => a.addedOn.localeCompare(b.addedOn) || a.name.localeCompare(b.name));
}

async function viewOf(ctx: IntakeContext, row: ReportRow): Promise<ReporterView> {
  const db = ctx.database.db;
  const messages = await openMessages(ctx, row.id, await reportsRepository.messages(db, row.id));
  const teamWrote = messages.some((m) => m.from === 'team');
  return {
    reference: reportReference(row.reference),
    status: reporterStatus(row, await caseClosed(db, row), teamWrote),
    receivedOn: row.received_on,
    messages,
    content: await openContent(ctx.keys, row.id, row.content_sealed),
    attachments: await attachmentsOf(ctx, row),
  };
}

/** An attachment from the anonymous reporter, once the receipt opened the report; refused once it is closed. */
export async function attachByReceipt(
  ctx: IntakeContext,
  documents: DocumentsContext,
  typed: string,
  file: IncomingFile,
): Promise<ReporterView> {
  // Only the receipt's check is bounded work: a slow upload must not hold a place others need.
  const row = await ctx.gate.run(() => byReceipt(ctx, typed));
  if (row.status === 'closed') throw closedReport();
  await uploadAnonymously(documents, row.id, file, companyMidnight(ctx), async (tx) => {
    const now = await tx.selectFrom('reports').select('status').where('id', '=', row.id).forShare().executeTakeFirst();
    return now !== undefined && now.status !== 'closed';
  });
  return viewOf(ctx, (await reportsRepository.find(ctx.database.db, row.id)) as ReportRow);
}

/** A signed-in account's reports (and those it records) per hour: past the limit, 429 with when to try again. */
export function limitedPerAccount(ctx: IntakeContext, userId: string): void {
  const waitMs = ctx.reportsPerAccount.take(userId, ctx.clock.now().getTime());
  if (waitMs > 0) throw new TooManyRequestsError(Math.ceil(waitMs / 1000));
}

/** The anonymous channel's flood protection: in memory, per keyed hash of the address. */
export function throttled(ctx: IntakeContext, ip: string): void {
  const now = ctx.clock.now().getTime();
  const waitMs = Math.max(ctx.throttle.take(ip, now), ctx.sites.take(ip, now));
  if (waitMs > 0) throw new TooManyRequestsError(Math.ceil(waitMs / 1000));
}

/** One answer for a code that is malformed, unknown or wrong. */
class UnknownReceiptError extends AppError {
  readonly status = 404;
  readonly code = 'receipt_unknown';
}
const unknownReceipt = () => new UnknownReceiptError('This code does not open a report.');

async function byReceipt(ctx: IntakeContext, typed: string): Promise<ReportRow> {
  const db = ctx.database.db;
  const id = await checkReceipt(typed, (publicId) => reportsRepository.receipt(db, publicId));
  const row = id === undefined ? undefined : await reportsRepository.find(db, id);
  if (row === undefined) throw unknownReceipt();
  return row;
}

/** The report a receipt opens; the same answer for a code that is malformed, unknown or wrong. */
export async function viewByReceipt(ctx: IntakeContext, typed: string): Promise<ReporterView> {
  const row = await byReceipt(ctx, typed);
  await recordAnonymousAudit(ctx.database.db, companyMidnight(ctx), {
    action: 'anonymous.report_viewed',
    outcome: 'allowed',
    object: { type: 'report', id: row.id },
    caseId: row.case_id ?? undefined,
  });
  return viewOf(ctx, row);
}

const closedReport = () => new ConflictError('This report is closed; it takes nothing more.', 'report_closed');

/** One message from the reporter, in the report's transaction; the inbox then shows a reply is due. */
async function addReporterMessage(
  ctx: IntakeContext,
  reportId: string,
  body: string,
  authorId: string | null,
  audit: (tx: Kysely<DB>, now: Date) => Promise<void>,
): Promise<ReportRow> {
  const now = ctx.clock.now();
  return ctx.database.transaction(async (tx) => {
    const row = await reportsRepository.hold(tx, reportId);
    if (row === undefined) throw new NotFoundError();
    if (row.status === 'closed') throw closedReport();
    const key = await ctx.keys.keyFor('report', reportId, tx);
    const number = await reportsRepository.nextMessageNumber(tx, reportId);
    await tx
      .insertInto('report_messages')
      .values({
        report_id: reportId,
        number,
        author: 'reporter',
        author_id: authorId,
        kind: 'message',
        body_sealed: sealField(key, body, messagePlace(reportId, number)),
        sent_on: todayOf(ctx),
      })
      .execute();
    await tx
      .updateTable('reports')
      .set({ awaiting_reply: true, reporter_seen: number })
      .where('id', '=', reportId)
      .execute();
    await audit(tx, now);
    return row;
  });
}

export async function messageByReceipt(ctx: IntakeContext, typed: string, body: string): Promise<ReporterView> {
  const row = await byReceipt(ctx, typed);
  await addReporterMessage(ctx, row.id, body, null, (tx) =>
    recordAnonymousAudit(tx, companyMidnight(ctx), {
      action: 'anonymous.message_sent',
      outcome: 'allowed',
      object: { type: 'report', id: row.id },
      caseId: row.case_id ?? undefined,
    }),
  );
  return viewOf(ctx, (await reportsRepository.find(ctx.database.db, row.id)) as ReportRow);
}

/** The signed-in employee's own reports, newest first; a team message they have not opened marks one. */
export async function myReports(ctx: IntakeContext, actor: Actor): Promise<MyReports> {
  const db = ctx.database.db;
  const rows = await reportsRepository.mine(db, actor.userId);
  const reports = [];
  for (const row of rows) {
    const messages = await reportsRepository.messages(db, row.id);
    const team = messages.filter((m) => m.author === 'team');
    reports.push({
      id: row.id,
      reference: reportReference(row.reference),
      status: reporterStatus(row, await caseClosed(db, row), team.length > 0),
      receivedOn: row.received_on,
      unread: team.some((m) => m.number > row.reporter_seen),
    });
  }
  return { reports };
}

/** Their own report only: anyone else's id is 404, as if it did not exist. */
async function mine(ctx: IntakeContext, actor: Actor, id: string): Promise<ReportRow> {
  const row = await reportsRepository.find(ctx.database.db, id);
  if (row === undefined || row.reporter_id !== actor.userId) throw new NotFoundError();
  return row;
}

const asReporter = (actor: Actor, origin: Origin, reportId: string) => ({
  outcome: 'allowed' as const,
  actorUserId: actor.userId,
  object: { type: 'report' as const, id: reportId },
  ip: origin.ip,
  userAgent: origin.userAgent,
});

export async function myReport(ctx: IntakeContext, actor: Actor, id: string, origin: Origin): Promise<ReporterView> {
  const row = await mine(ctx, actor, id);
  const view = await viewOf(ctx, row);
  await ctx.database.transaction(async (tx) => {
    await tx
      .updateTable('reports')
      .set({ reporter_seen: view.messages.at(-1)?.number ?? 0 })
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, ctx.clock.now(), {
      action: 'report.viewed',
      ...asReporter(actor, origin, id),
      detail: { as: 'reporter' },
    });
  });
  return view;
}

export async function myMessage(
  ctx: IntakeContext,
  actor: Actor,
  id: string,
  body: string,
  origin: Origin,
): Promise<ReporterView> {
  await mine(ctx, actor, id);
  await addReporterMessage(ctx, id, body, actor.userId, (tx, now) =>
    recordAudit(tx, now, {
      action: 'report.message_sent',
      ...asReporter(actor, origin, id),
      detail: { from: 'reporter', kind: 'message' },
    }),
  );
  return viewOf(ctx, await mine(ctx, actor, id));
}
