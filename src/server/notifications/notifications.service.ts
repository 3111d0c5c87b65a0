import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import { caseReference } from '../../contract/cases.ts';
import type { DEADLINE_STAGES, Notification, NotificationList } from '../../contract/notifications.ts';
import { TRIAGE_ROLES } from '../../contract/reports.ts';
import type { Actor } from '../access/actor.ts';
import { userRefs } from '../cases/cases.repository.ts';
import { meets, reachOf } from '../cases/reach.ts';
import { excludedFrom } from '../intake/conflicts.ts';
import { reportReference } from '../intake/content.ts';
import { type DeadlinePolicy, deadlinesOf } from '../intake/deadlines.ts';
import type { Clock } from '../platform/clock.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { Database } from '../platform/db/database.ts';
import type { DB, NotificationTable } from '../platform/db/schema.ts';

export interface NotificationsContext {
  readonly database: Database;
  readonly keys: KeyRing;
  readonly clock: Clock;
  /** The deadlines of reports, to name the day a reminder is about. */
  readonly deadlines: DeadlinePolicy;
}

/** How many of the newest a user is shown; older ones stay, unlisted. */
const SHOWN = 30;

/** A notification, in the transaction of what it tells of: both happen, or neither. */
export async function notify(
  tx: Kysely<DB>,
  n: Pick<NotificationTable, 'user_id' | 'kind' | 'case_id' | 'actor_user_id' | 'created_at' | 'until_at'> & {
    readonly report_id?: string;
  },
): Promise<void> {
  await tx
    .insertInto('notifications')
    .values({ id: randomUUID(), ...n, read_at: null })
    .execute();
}

/**
 * A reminder a job writes at most once: a unique index says once of what (a report's deadline
 * stage, a standing assessment's reason to review), so the job may run again, after a crash too,
 * without repeating itself. Whether this one was new.
 */
export async function notifyOnce(
  db: Kysely<DB>,
  n: Omit<Insertable<NotificationTable>, 'id' | 'read_at'>,
): Promise<boolean> {
  const inserted = await db
    .insertInto('notifications')
    .values({ id: randomUUID(), ...n, read_at: null })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return (inserted.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

/**
 * The caller's newest notifications. Each is made readable when it is read, not when it was
 * written: one about a case the caller no longer reaches (a revoked membership, a recusal) is not
 * shown at all, not even its reference.
 */
export async function listNotifications(ctx: NotificationsContext, actor: Actor): Promise<NotificationList> {
  const db = ctx.database.db;
  const now = ctx.clock.now();
  const rows = await db
    .selectFrom('notifications as n')
    .leftJoin('cases as c', 'c.id', 'n.case_id')
    .leftJoin('reports as r', 'r.id', 'n.report_id')
    .select([
      'n.id',
      'n.kind',
      'n.case_id',
      'n.report_id',
      'n.deadline',
      'n.review',
      'n.actor_user_id',
      'n.created_at',
      'n.until_at',
      'n.read_at',
    ])
    .leftJoin('assessments as a', 'a.id', 'n.assessment_id')
    .select(['c.year', 'c.number', 'r.reference', 'r.case_id as report_case', 'r.received_on', 'r.acknowledged_on'])
    .select('a.review_due')
    .where('n.user_id', '=', actor.userId)
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id')
    .limit(SHOWN)
    .execute();
  const refs = await userRefs(
    db,
    ctx.keys,
    rows.map((r) => r.actor_user_id),
  );
  const notifications: Notification[] = [];
  for (const row of rows) {
    if (row.kind === 'urgent_report' || row.kind === 'deadline') {
      const about = await reportNotice(ctx, actor, row);
      if (about !== undefined) notifications.push(about);
      continue;
    }
    if (row.case_id === null || row.year === null || row.number === null) continue;
    const reach = await reachOf(db, actor, row.case_id, now);
    // Who broke the glass is the access log's to tell: only for those who may still read it. A
    // grant is shown while it holds; a revocation names the case only to one who still reaches it.
    const named =
      reach !== undefined &&
      (row.kind === 'break_glass'
        ? meets(reach, { kind: 'manage' })
        : row.kind === 'review'
          ? meets(reach, { kind: 'section', section: 'assessments', write: false })
          : reach.kind !== 'list');
    if (!named && row.kind !== 'revoke') continue;
    // That an incident asks for a re-assessment is the timeline's to tell.
    if (
      row.kind === 'review' &&
      row.review === 'incident' &&
      (reach === undefined || !meets(reach, { kind: 'section', section: 'timeline', write: false }))
    )
      continue;
    notifications.push({
      id: row.id,
      kind: row.kind,
      case: named ? { id: row.case_id, reference: caseReference(row.year, row.number) } : null,
      report: null,
      deadline: null,
      review: row.kind === 'review' && row.review !== null ? { reason: row.review, due: row.review_due } : null,
      // A revocation of a case out of reach names nobody either: only that a membership ended.
      actor: row.actor_user_id === null || !named ? null : (refs.get(row.actor_user_id) ?? null),
      at: row.created_at.toISOString(),
      until: row.until_at?.toISOString() ?? null,
      read: row.read_at !== null,
    });
  }
  return { notifications, unread: notifications.filter((n) => !n.read).length };
}

type ListedRow = {
  readonly id: string;
  readonly kind: 'break_glass' | 'urgent_report' | 'deadline' | 'grant' | 'revoke' | 'review';
  readonly report_id: string | null;
  readonly deadline: (typeof DEADLINE_STAGES)[number] | null;
  readonly reference: string | null;
  readonly report_case: string | null;
  readonly received_on: string | null;
  readonly acknowledged_on: string | null;
  readonly created_at: Date;
  readonly read_at: Date | null;
};

/**
 * A notification about a report, for whoever may still work on it: the triage roles while it is
 * in triage (or closed), the members who read its case's timeline once it joined a case.
 */
async function reportNotice(
  ctx: NotificationsContext,
  actor: Actor,
  row: ListedRow,
): Promise<Notification | undefined> {
  if (row.report_id === null || row.reference === null || row.received_on === null) return undefined;
  if (await excludedFrom(ctx.database.db, row.report_id, actor.userId)) return undefined;
  if (row.report_case === null) {
    if (!TRIAGE_ROLES.includes(actor.role)) return undefined;
  } else {
    const reach = await reachOf(ctx.database.db, actor, row.report_case, ctx.clock.now());
    if (reach === undefined || !meets(reach, { kind: 'section', section: 'timeline', write: false })) return undefined;
  }
  let deadline: Notification['deadline'] = null;
  if (row.kind === 'deadline' && row.deadline != null) {
    const d = deadlinesOf(row.received_on, row.acknowledged_on, ctx.deadlines);
    deadline = { stage: row.deadline, by: row.deadline.startsWith('acknowledge') ? d.acknowledgeBy : d.feedbackBy };
  }
  return {
    id: row.id,
    kind: row.kind,
    case: null,
    report: { id: row.report_id, reference: reportReference(row.reference) },
    deadline,
    review: null,
    actor: null,
    at: row.created_at.toISOString(),
    until: null,
    read: row.read_at !== null,
  };
}

/** Marks the caller's own notifications read (these, or all); others' ids change nothing. */
export async function markRead(
  ctx: NotificationsContext,
  actor: Actor,
  ids: readonly string[] | undefined,
): Promise<void> {
  let query = ctx.database.db
    .updateTable('notifications')
    .set({ read_at: ctx.clock.now() })
    .where('user_id', '=', actor.userId)
    .where('read_at', 'is', null);
  if (ids !== undefined) {
    if (ids.length === 0) return;
    query = query.where('id', 'in', ids);
  }
  await query.execute();
}
