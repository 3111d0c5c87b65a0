import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type {
  OnBehalfChannel,
  OriginalReporter,
  RecordReport,
  ReportContent,
  ReportReceipt,
  SubmitReport,
  SubmittedReport,
} from '../../contract/reports.ts';
import type { Actor } from '../access/actor.ts';
import { recordAnonymousAudit, recordAudit } from '../audit/record.ts';
import { identifiersOf } from '../cases/persons.service.ts';
import { notify } from '../notifications/notifications.service.ts';
import type { DB } from '../platform/db/schema.ts';
import { ConflictError, ValidationError } from '../platform/http/errors.ts';
import { recogniseTriageConflicts } from './conflicts.ts';
import {
  idempotencyOf,
  openContent,
  randomCode,
  receiptSecretOf,
  reportPlace,
  reportReference,
  sealJson,
} from './content.ts';
import { companyMidnight, type IntakeContext, type Origin, policyOf, todayOf } from './context.ts';
import { addDays, deadlinesOf } from './deadlines.ts';
import { hashReceiptSecret, receiptOf } from './receipts.ts';
import { type ReportRow, reportsRepository } from './reports.repository.ts';

/**
 * Taking a report in (docs/intake.md): from the anonymous web form, from a signed-in employee, or
 * recorded by the team for a caller. Each report gets a data key of its own, under which its
 * content is sealed, and its persons go into the blind index so that triage recognises them
 * elsewhere. A submission names an idempotency key: the same key stores one report.
 */

type Content = ReportContent;
type Submitter =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'employee'; readonly actor: Actor; readonly origin: Origin }
  | {
      readonly kind: 'on_behalf';
      readonly actor: Actor;
      readonly origin: Origin;
      readonly channel: OnBehalfChannel;
      readonly receivedOn: string;
      readonly reporter: OriginalReporter | null;
    };

/** A day in the future is refused; a birth date that makes someone a child or very old is only flagged (in triage). */
function checkDays(content: Content, today: string, receivedOn?: string): void {
  const problems: { path: string; message: string }[] = [];
  if (content.incidentDate !== '' && content.incidentDate > today) {
    problems.push({ path: 'body.incidentDate', message: 'must not be in the future' });
  }
  content.persons.forEach((person, i) => {
    if (person.dateOfBirth !== '' && person.dateOfBirth > today) {
      problems.push({ path: `body.persons.${i}.dateOfBirth`, message: 'must not be in the future' });
    }
  });
  if (receivedOn !== undefined && receivedOn > today) {
    problems.push({ path: 'body.receivedOn', message: 'must not be in the future' });
  }
  if (content.incidentDate !== '' && receivedOn !== undefined && content.incidentDate > receivedOn) {
    problems.push({ path: 'body.incidentDate', message: 'must not be after the day the report came in' });
  }
  if (problems.length > 0) throw new ValidationError(problems);
}

const contentOf = (input: Content): Content => ({
  urgency: input.urgency,
  whatHappened: input.whatHappened,
  incidentDate: input.incidentDate,
  whenDetail: input.whenDetail,
  location: input.location,
  persons: input.persons,
  behaviours: input.behaviours,
});

/** JSON with its keys sorted: two equal contents compare equal whatever order their keys came in. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );

/**
 * Whether the stored report is this submission sent again. A signed-in employee's or a team
 * member's retry is theirs; an anonymous one has nobody to match, so it must come the same day
 * with the very same content: the idempotency key alone would otherwise be a second receipt,
 * good for ever (a client that reuses a fixed key would hand its receipts to anyone trying it).
 */
async function isRetry(ctx: IntakeContext, row: ReportRow, who: Submitter, content: Content): Promise<boolean> {
  if (who.kind === 'employee') return row.channel === 'employee' && row.reporter_id === who.actor.userId;
  if (who.kind === 'on_behalf') return row.recorded_by === who.actor.userId;
  if (row.channel !== 'anonymous' || row.received_on !== todayOf(ctx)) return false;
  return canonical(await openContent(ctx.keys, row.id, row.content_sealed)) === canonical(content);
}

/** The report an earlier submission with this key stored, if this is its retry; 409 if the key is someone else's. */
async function retryOf(ctx: IntakeContext, idempotency: string, who: Submitter, content: Content) {
  const earlier = await reportsRepository.byIdempotency(ctx.database.db, idempotency);
  if (earlier === undefined) return undefined;
  if (!(await isRetry(ctx, earlier, who, content))) throw reused();
  return earlier;
}

/** Thrown to roll back a transaction whose insert stored nothing (see store). */
class NotStored extends Error {}

const reused = () =>
  new ConflictError('This submission key was used for another report; reload the form.', 'idempotency_conflict');

/**
 * The report stored once per idempotency key (its HMAC): this submission's, or, when another with
 * the same key got in first, that one's if this is its retry.
 */
async function store(
  ctx: IntakeContext,
  content: Content,
  idempotency: string,
  who: Submitter,
  /** The argon2id hash of an anonymous report's receipt secret; its public id is drawn here, per attempt. */
  receiptHash?: string,
): Promise<ReportRow> {
  const now = ctx.clock.now();
  const today = todayOf(ctx);
  // A random reference or receipt id already taken (one in 2^40 per report) is drawn again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const id = randomUUID();
    const stored = await ctx.database
      .transaction(async (tx) => {
        const key = await ctx.keys.createKey('report', id, tx, { at: companyMidnight(ctx) });
        const personIds = content.persons.map(() => randomUUID());
        const row = await tx
          .insertInto('reports')
          .values({
            id,
            reference: randomCode(),
            channel: who.kind === 'anonymous' ? 'anonymous' : who.kind === 'employee' ? 'employee' : who.channel,
            urgency: content.urgency,
            reporter_id: who.kind === 'employee' ? who.actor.userId : null,
            recorded_by: who.kind === 'on_behalf' ? who.actor.userId : null,
            receipt_id: receiptHash === undefined ? null : randomCode(),
            receipt_hash: receiptHash ?? null,
            idempotency,
            content_sealed: sealJson(key, content, reportPlace(id, 'content')),
            original_reporter_sealed:
              who.kind === 'on_behalf' && who.reporter !== null
                ? sealJson(key, who.reporter, reportPlace(id, 'original_reporter'))
                : null,
            person_ids: personIds,
            received_on: who.kind === 'on_behalf' ? who.receivedOn : today,
            acknowledged_on: null,
            feedback_on: null,
            status: 'new',
            outcome: null,
            outcome_reason_sealed: null,
            case_id: null,
            triaged_by: null,
            triaged_on: null,
          })
          // Another submission with the same key, or a random code taken: nothing is stored, and this
          // transaction (with the key it made) rolls back below.
          .onConflict((oc) => oc.doNothing())
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) throw new NotStored();
        await indexPersons(ctx, tx, id, content, personIds);
        await recogniseTriageConflicts(tx, ctx.keys, id, content.persons);
        await audit(tx, { now, day: companyMidnight(ctx) }, id, who, content);
        if (content.urgency !== 'normal') await alertTeam(tx, { now, day: companyMidnight(ctx) }, id, who);
        return row;
      })
      .catch((error: unknown) => {
        if (error instanceof NotStored) return undefined;
        throw error;
      });
    if (stored !== undefined) return stored;
    const first = await retryOf(ctx, idempotency, who, content);
    if (first !== undefined) return first;
  }
  throw new Error('three random report codes in a row were taken');
}

async function indexPersons(
  ctx: IntakeContext,
  tx: Kysely<DB>,
  reportId: string,
  content: Content,
  personIds: readonly string[],
): Promise<void> {
  for (const [i, person] of content.persons.entries()) {
    await ctx.persons.index(tx, {
      objectType: 'report_person',
      objectId: personIds[i] as string,
      scope: { type: 'report', id: reportId },
      identifiers: identifiersOf({ ...person, location: '' }),
    });
  }
}

/** `now` for the signed-in channels, `day` (the company's midnight) for the anonymous one. */
interface When {
  readonly now: Date;
  readonly day: Date;
}

async function audit(tx: Kysely<DB>, { now, day }: When, id: string, who: Submitter, content: Content): Promise<void> {
  const object = { type: 'report' as const, id };
  if (who.kind === 'anonymous') {
    await recordAnonymousAudit(tx, day, { action: 'anonymous.report_submitted', outcome: 'allowed', object });
    return;
  }
  const base = {
    outcome: 'allowed' as const,
    actorUserId: who.actor.userId,
    object,
    ip: who.origin.ip,
    userAgent: who.origin.userAgent,
  };
  if (who.kind === 'employee') {
    await recordAudit(tx, now, {
      action: 'report.submitted',
      ...base,
      detail: { channel: 'employee', urgency: content.urgency },
    });
  } else {
    await recordAudit(tx, now, {
      action: 'report.recorded',
      ...base,
      detail: { channel: who.channel, urgency: content.urgency },
    });
  }
}

/** Urgent reports alert every threat manager and team lead at once; of the anonymous channel, dated to the day. */
async function alertTeam(tx: Kysely<DB>, { now, day }: When, reportId: string, who: Submitter): Promise<void> {
  const team = await tx
    .selectFrom('users')
    .select('id')
    .where('role', 'in', ['threat_manager', 'team_lead'])
    .where('status', '=', 'active')
    // Nobody the report names hears of it (conflicts.ts).
    .where('id', 'not in', (eb) =>
      eb.selectFrom('report_conflicts').select('user_id').where('report_id', '=', reportId),
    )
    .execute();
  for (const { id } of team) {
    await notify(tx, {
      user_id: id,
      kind: 'urgent_report',
      case_id: null,
      report_id: reportId,
      actor_user_id: null,
      created_at: who.kind === 'anonymous' ? day : now,
      until_at: null,
    });
  }
}

/** An anonymous report: its receipt, shown once. A retry with the same idempotency key gets the same receipt. */
export async function submitAnonymous(ctx: IntakeContext, input: SubmitReport & Content): Promise<ReportReceipt> {
  checkDays(input, todayOf(ctx));
  const db = ctx.database.db;
  const content = contentOf(input);
  const who: Submitter = { kind: 'anonymous' };
  const idempotency = await idempotencyOf(ctx.keys, db, input.idempotencyKey);
  const secret = await receiptSecretOf(ctx.keys, db, input.idempotencyKey);
  // A retry is answered without hashing again: only a new report costs the argon2id hash.
  const row =
    (await retryOf(ctx, idempotency, who, content)) ??
    (await store(ctx, content, idempotency, who, await hashReceiptSecret(secret)));
  return {
    receipt: receiptOf(row.receipt_id as string, secret).code,
    acknowledgeBy: addDays(row.received_on, policyOf(ctx).acknowledgeDays),
  };
}

/** The signed-in channels: the earlier report if this is its retry, else a new one. */
async function storeOnce(ctx: IntakeContext, content: Content, idempotencyKey: string, who: Submitter) {
  const idempotency = await idempotencyOf(ctx.keys, ctx.database.db, idempotencyKey);
  return (await retryOf(ctx, idempotency, who, content)) ?? (await store(ctx, content, idempotency, who));
}

const submitted = (ctx: IntakeContext, row: ReportRow): SubmittedReport => ({
  id: row.id,
  reference: reportReference(row.reference),
  receivedOn: row.received_on,
  acknowledgeBy: deadlinesFor(ctx, row).acknowledgeBy,
});

/** A signed-in employee's report: it appears under their "My reports". */
export async function submitReport(
  ctx: IntakeContext,
  actor: Actor,
  input: SubmitReport & Content,
  origin: Origin,
): Promise<SubmittedReport> {
  checkDays(input, todayOf(ctx));
  return submitted(
    ctx,
    await storeOnce(ctx, contentOf(input), input.idempotencyKey, { kind: 'employee', actor, origin }),
  );
}

/** A report the team received by phone, e-mail, letter or in person, recorded on the reporter's behalf. */
export async function recordReport(
  ctx: IntakeContext,
  actor: Actor,
  input: RecordReport & Content & { receivedOn: string; reporter: OriginalReporter | null },
  origin: Origin,
): Promise<SubmittedReport> {
  checkDays(input, todayOf(ctx), input.receivedOn);
  const who: Submitter = {
    kind: 'on_behalf',
    actor,
    origin,
    channel: input.channel,
    receivedOn: input.receivedOn,
    reporter: input.reporter,
  };
  return submitted(ctx, await storeOnce(ctx, contentOf(input), input.idempotencyKey, who));
}

/** The deadlines of a stored report, with the configured policy. */
export const deadlinesFor = (ctx: IntakeContext, row: Pick<ReportRow, 'received_on' | 'acknowledged_on'>) =>
  deadlinesOf(row.received_on, row.acknowledged_on, policyOf(ctx));
