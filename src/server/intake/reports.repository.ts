import { type Kysely, type Selectable, sql } from 'kysely';
import type { TriageFilter } from '../../contract/reports.ts';
import type { DB, ReportMessageTable, ReportTable } from '../platform/db/schema.ts';
import { ConflictError } from '../platform/http/errors.ts';

export type ReportRow = Selectable<ReportTable>;
export type MessageRow = Selectable<ReportMessageTable>;

export const staleReport = () =>
  new ConflictError('The report was changed by someone else; reload it and apply your change again.', 'stale_version');

const URGENCY_ORDER = sql<number>`case urgency when 'danger_now' then 0 when 'urgent' then 1 else 2 end`;

/** Reports and their messages: queries only; who may see what is the services' decision. */
export const reportsRepository = {
  find(db: Kysely<DB>, id: string): Promise<ReportRow | undefined> {
    return db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** The report, locked for the rest of the transaction: changes of one report queue behind each other. */
  hold(tx: Kysely<DB>, id: string): Promise<ReportRow | undefined> {
    return tx.selectFrom('reports').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  },

  byIdempotency(db: Kysely<DB>, idempotency: string): Promise<ReportRow | undefined> {
    return db.selectFrom('reports').selectAll().where('idempotency', '=', idempotency).executeTakeFirst();
  },

  async receipt(db: Kysely<DB>, publicId: string): Promise<{ reportId: string; hash: string } | undefined> {
    const row = await db
      .selectFrom('reports')
      .select(['id', 'receipt_hash'])
      .where('receipt_id', '=', publicId)
      .executeTakeFirst();
    return row?.receipt_hash == null ? undefined : { reportId: row.id, hash: row.receipt_hash };
  },

  async referenceTaken(db: Kysely<DB>, column: 'reference' | 'receipt_id', code: string): Promise<boolean> {
    const row = await db.selectFrom('reports').select('id').where(column, '=', code).executeTakeFirst();
    return row !== undefined;
  },

  mine(db: Kysely<DB>, userId: string): Promise<ReportRow[]> {
    return db
      .selectFrom('reports')
      .selectAll()
      .where('reporter_id', '=', userId)
      .orderBy('received_on', 'desc')
      .orderBy('reference')
      .execute();
  },

  /** `inCases`: the cases whose reports the caller may see; a report in any other case is left out. */
  async triage(
    db: Kysely<DB>,
    filter: TriageFilter,
    inCases: readonly string[],
    userId: string,
  ): Promise<{ rows: ReportRow[]; total: number }> {
    let query = db
      .selectFrom('reports')
      .where('status', '=', filter.status)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('report_conflicts as rc')
              .select('rc.user_id')
              .whereRef('rc.report_id', '=', 'reports.id')
              .where('rc.user_id', '=', userId),
          ),
        ),
      );
    query = query.where((eb) =>
      inCases.length === 0
        ? eb('case_id', 'is', null)
        : eb.or([eb('case_id', 'is', null), eb('case_id', 'in', inCases)]),
    );
    if (filter.urgency !== undefined) query = query.where('urgency', '=', filter.urgency);
    if (filter.channel !== undefined) query = query.where('channel', '=', filter.channel);
    const total = await query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    let ordered = query.selectAll();
    if (filter.sort === 'urgency') ordered = ordered.orderBy(URGENCY_ORDER).orderBy('received_on');
    // The acknowledgement is due first, then the feedback: both follow from the day it came in.
    else if (filter.sort === 'deadline')
      ordered = ordered.orderBy(sql`acknowledged_on is not null`).orderBy('received_on');
    else ordered = ordered.orderBy('received_on', 'desc');
    const rows = await ordered.orderBy('reference').limit(filter.limit).offset(filter.offset).execute();
    return { rows, total: Number(total.n) };
  },

  messages(db: Kysely<DB>, reportId: string): Promise<MessageRow[]> {
    return db.selectFrom('report_messages').selectAll().where('report_id', '=', reportId).orderBy('number').execute();
  },

  /** The next message's number; the caller holds the report (hold), so numbers never collide. */
  async nextMessageNumber(tx: Kysely<DB>, reportId: string): Promise<number> {
    const row = await tx
      .selectFrom('report_messages')
      .select((eb) => eb.fn.max('number').as('last'))
      .where('report_id', '=', reportId)
      .executeTakeFirst();
    return Number(row?.last ?? 0) + 1;
  },

  async caseRefs(db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, { year: number; number: number }>> {
    if (ids.length === 0) return new Map();
    const rows = await db.selectFrom('cases').select(['id', 'year', 'number']).where('id', 'in', ids).execute();
    return new Map(rows.map((r) => [r.id, { year: r.year, number: r.number }]));
  },
};
