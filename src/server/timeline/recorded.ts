import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EntryKind } from '../../contract/timeline.ts';
import type { AuditEvent } from '../audit/events.ts';
import type { DB } from '../platform/db/schema.ts';

/**
 * What happens to a case goes on its timeline by itself: every audit event of these actions that
 * was allowed and names a case adds a recorded entry, in the transaction of the event, so one is
 * never without the other and no write path can forget it. The entry holds codes and ids, as the
 * event does (never a reason or a purpose: those stay with the change, sealed).
 */
interface Recorded {
  readonly kind: EntryKind;
  readonly subject: string | null;
  readonly detail: Record<string, unknown> | null;
}

function recordedOf(event: AuditEvent): Recorded | undefined {
  const object = event.object?.id ?? null;
  switch (event.action) {
    case 'case.created':
      return { kind: 'opened', subject: null, detail: null };
    case 'case.status_changed':
      return { kind: 'status', subject: null, detail: { from: event.detail.from, to: event.detail.to } };
    case 'case.priority_changed': {
      // The change's row, where its reason is sealed, and the assessment that set it: ids, never the reason.
      const { from, to, change, assessment } = event.detail;
      return { kind: 'priority', subject: null, detail: { from, to, change, assessment } };
    }
    case 'case.member_granted':
      return { kind: 'grant', subject: event.detail.user, detail: { role: event.detail.role } };
    case 'case.member_revoked':
      return { kind: 'revoke', subject: event.detail.user, detail: null };
    case 'case.lead_transferred':
      return { kind: 'lead', subject: event.detail.to, detail: { from: event.detail.from } };
    case 'case.break_glass_started':
      return { kind: 'break_glass', subject: null, detail: { minutes: event.detail.minutes } };
    case 'report.case_opened':
    case 'report.attached':
      return object === null ? undefined : { kind: 'report', subject: object, detail: null };
    case 'document.uploaded':
      return object === null
        ? undefined
        : { kind: 'document_uploaded', subject: object, detail: { version: event.detail.version } };
    case 'document.downloaded':
      // A preview is a look, as reading the timeline is; a download takes the file away.
      return object === null || event.detail.inline
        ? undefined
        : { kind: 'document_downloaded', subject: object, detail: { version: event.detail.version } };
    case 'document.deleted':
      return object === null ? undefined : { kind: 'document_deleted', subject: object, detail: null };
    default:
      return undefined;
  }
}

/** Called by recordAudit for every event it stores. */
export async function recordOnTimeline(executor: Kysely<DB>, at: Date, event: AuditEvent): Promise<void> {
  if (event.outcome !== 'allowed' || event.caseId === undefined || event.caseId === null) return;
  const recorded = recordedOf(event);
  if (recorded === undefined) return;
  // Into the case's timeline if the case exists: an owner rule standing in for cases in tests names ids of no case.
  await executor
    .insertInto('timeline_entries')
    .columns([
      'id',
      'case_id',
      'kind',
      'occurred_at',
      'precision',
      'author_id',
      'subject_id',
      'detail',
      'recorded_at',
      'written',
    ])
    .expression((eb) =>
      eb
        .selectFrom('cases')
        .select([
          eb.val(randomUUID()).as('id'),
          'cases.id as case_id',
          eb.val(recorded.kind).as('kind'),
          eb.val(at).as('occurred_at'),
          eb.val('minute').as('precision'),
          eb.val(event.actorUserId ?? null).as('author_id'),
          eb.val(recorded.subject).as('subject_id'),
          eb.val(recorded.detail === null ? null : JSON.stringify(recorded.detail)).as('detail'),
          eb.val(at).as('recorded_at'),
          eb.val(false).as('written'),
        ])
        .where('cases.id', '=', event.caseId as string),
    )
    .execute();
}
