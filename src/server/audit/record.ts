import { CompiledQuery, type Kysely } from 'kysely';
import { notifyOfAudit } from '../notifications/from-audit.ts';
import { preparedOf, statementName } from '../platform/db/prepared.ts';
import type { DB } from '../platform/db/schema.ts';
import { recordOnTimeline } from '../timeline/recorded.ts';
import { type AnonymousAuditEvent, AUDIT_DETAILS, type AuditEvent } from './events.ts';

const MAX_USER_AGENT = 300;

/**
 * An event's row, as Kysely would write it, written out once: nearly every request records one,
 * and building the insert each time cost as much as sending it (bench/assessments.ts). The
 * benchmarks' floors send the same text. `purpose` stays null: the purpose is sealed.
 */
export const INSERT_EVENT =
  'insert into "audit_events" ("at", "actor_user_id", "action", "object_type", "object_id", "case_id", "outcome", "ip", "user_agent", "purpose", "purpose_sealed", "detail") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)';

/** The insert's name as a prepared statement (from its text, as every prepared statement's). */
export const INSERT_EVENT_NAME = statementName('tma_audit_insert', INSERT_EVENT);

/** A detail that does not match its action's schema is a programming error, never stored. */
export class AuditEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditEventError';
  }
}

function detailOf(event: { action: keyof typeof AUDIT_DETAILS; detail?: unknown }): string {
  const parsed = AUDIT_DETAILS[event.action].safeParse(event.detail ?? {});
  if (!parsed.success) throw new AuditEventError(`audit detail of ${event.action} does not match its schema`);
  return JSON.stringify(parsed.data);
}

/**
 * Records an audit event. Pass the transaction of the change it describes, so the event commits
 * with it or not at all. For events that must outlive a rollback (failed sign-ins, denials),
 * call it after the rollback on the database handle: never through a second transaction held
 * open beside the first (the embedded engine has one connection, and that would deadlock).
 * The event is chained after commit by the chainer (chainer.ts).
 */
export async function recordAudit(executor: Kysely<DB>, at: Date, event: AuditEvent): Promise<void> {
  const values = [
    at,
    event.actorUserId ?? null,
    event.action,
    event.object?.type ?? null,
    event.object?.id ?? null,
    event.caseId ?? null,
    event.outcome,
    event.ip ?? null,
    event.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
    null,
    event.purpose ?? null,
    detailOf(event),
  ];
  // A read's event, outside any transaction, as a named prepared statement: PostgreSQL planned
  // the unnamed insert anew for every request (pg_stat_statements, bench/assessments.ts).
  const prepared = preparedOf(executor);
  if (prepared === undefined) await executor.executeQuery(CompiledQuery.raw(INSERT_EVENT, values));
  else await prepared(INSERT_EVENT_NAME, INSERT_EVENT, values);
  // What follows from the event commits with it: its timeline entry, the bell of whom it concerns.
  await recordOnTimeline(executor, at, event);
  await notifyOfAudit(executor, at, event);
}

/**
 * The audit API of the anonymous channel: no actor, no IP address, no user agent, and for the
 * time only the day (SECURITY.md item 29), as midnight (UTC) of the company's day, which the
 * caller gives: the UTC day of the moment would differ from it for an hour or two each night and
 * so tell those hours. The event type has no field for any of the rest.
 */
export async function recordAnonymousAudit(executor: Kysely<DB>, day: Date, event: AnonymousAuditEvent): Promise<void> {
  if (day.getTime() % 86_400_000 !== 0)
    throw new AuditEventError('an anonymous event is dated by a midnight, never a time');
  await executor
    .insertInto('audit_events')
    .values({
      at: day,
      actor_user_id: null,
      action: event.action,
      object_type: event.object?.type ?? null,
      object_id: event.object?.id ?? null,
      case_id: event.caseId ?? null,
      outcome: event.outcome,
      ip: null,
      user_agent: null,
      purpose: null,
      detail: detailOf(event),
      anonymous: true,
    })
    .execute();
}
