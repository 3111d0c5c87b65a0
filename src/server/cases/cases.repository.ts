import { type Kysely, type Selectable, sql } from 'kysely';
import type { CaseListFilter, UserRef } from '../../contract/cases.ts';
import { openName } from '../access/identity.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { Database } from '../platform/db/database.ts';
import { preparedRead, runPrepared } from '../platform/db/prepared.ts';
import type { CaseTable, DB } from '../platform/db/schema.ts';
import { ConflictError } from '../platform/http/errors.ts';

/** What every list of cases shows of a case (the case list, the dashboard's lists), besides its title. */
export const LISTED_COLUMNS = [
  'c.id',
  'c.year',
  'c.number',
  'c.status',
  'c.priority',
  'c.created_at',
  'c.updated_at',
] as const;
export type CaseRow = Selectable<CaseTable>;

export interface ListFilter {
  readonly userId: string;
  /** Every case (a team lead's list), or only those the user is a member of. */
  readonly all: boolean;
  readonly status?: string | undefined;
  readonly priority?: string | undefined;
  /** Only these cases (the hits of a search); undefined: no such limit. */
  readonly ids?: readonly string[] | undefined;
  readonly sort: CaseListFilter['sort'];
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  readonly offset: number;
}

export interface ListedCase {
  readonly id: string;
  readonly year: number;
  readonly number: number;
  readonly status: CaseRow['status'];
  readonly priority: number | null;
  readonly title_sealed: Uint8Array;
  readonly created_at: Date;
  readonly updated_at: Date;
  readonly role: string | null;
  readonly full_scope: boolean | null;
  readonly lead_id: string | null;
  readonly total: string;
}

export const stale = () =>
  new ConflictError('The case was changed by someone else; reload it and apply your change again.', 'stale_version');

export const casesRepository = {
  /** The next number of the year; the counter row is locked until the transaction ends, so numbers have no gaps. */
  async nextNumber(tx: Kysely<DB>, year: number): Promise<number> {
    const row = await tx
      .insertInto('case_counters')
      .values({ year, last: 1 })
      .onConflict((oc) => oc.column('year').doUpdateSet({ last: sql`case_counters.last + 1` }))
      .returning('last')
      .executeTakeFirstOrThrow();
    return row.last;
  },

  find: (db: Kysely<DB>, id: string): Promise<CaseRow | undefined> =>
    db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst(),

  /** The case with its lead's id, in one statement: what a case page shows. */
  findWithLead: (db: Kysely<DB>, id: string): Promise<(CaseRow & { lead_id: string | null }) | undefined> =>
    db
      .selectFrom('cases as c')
      .selectAll('c')
      .select((eb) =>
        eb
          .selectFrom('case_members as l')
          .select('l.user_id')
          .whereRef('l.case_id', '=', 'c.id')
          .where('l.role', '=', 'lead')
          .as('lead_id'),
      )
      .where('c.id', '=', id)
      .executeTakeFirst(),

  /**
   * The case row held against every other change and every read that holds it (reach.ts), but not
   * against a new row that only refers to it (a link, a member): a merge, which writes links to a
   * third case, then cannot deadlock with a change of that case.
   */
  lock: (tx: Kysely<DB>, id: string): Promise<CaseRow | undefined> =>
    tx.selectFrom('cases').selectAll().where('id', '=', id).forNoKeyUpdate().executeTakeFirst(),

  /** An edit of the version the editor saw, or 409: exactly one of two concurrent edits wins. */
  async bump(tx: Kysely<DB>, id: string, expected: number, set: Partial<Omit<CaseRow, 'id' | 'version'>>) {
    const row = await tx
      .updateTable('cases')
      .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .where('version', '=', expected)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw stale();
    return row;
  },

  async leadOf(db: Kysely<DB>, caseId: string): Promise<string | null> {
    const row = await db
      .selectFrom('case_members')
      .select('user_id')
      .where('case_id', '=', caseId)
      .where('role', '=', 'lead')
      .executeTakeFirst();
    return row?.user_id ?? null;
  },

  /**
   * One page of the list, with the total over every page, in one statement; prepared (runPrepared)
   * when a database is given and no search limits it to a list of ids.
   */
  async list(db: Kysely<DB>, filter: ListFilter, now: Date, database?: Database): Promise<ListedCase[]> {
    let query = db
      .selectFrom('cases as c')
      .leftJoin('case_members as m', (join) =>
        join
          .onRef('m.case_id', '=', 'c.id')
          .on('m.user_id', '=', filter.userId)
          .on((eb) => eb.or([eb('m.expires_at', 'is', null), eb('m.expires_at', '>', now)])),
      )
      .leftJoin('case_members as l', (join) => join.onRef('l.case_id', '=', 'c.id').on('l.role', '=', 'lead'))
      .select([
        ...LISTED_COLUMNS,
        'c.title_sealed',
        'm.role',
        'm.full_scope',
        'l.user_id as lead_id',
        sql<string>`count(*) over ()`.as('total'),
      ]);
    if (!filter.all) query = query.where('m.user_id', 'is not', null);
    // A recused account sees nothing of the case, not even its list entry.
    query = query.where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('person_conflicts as pc')
            .select('pc.user_id')
            .where('pc.status', '=', 'recused')
            .whereRef('pc.case_id', '=', 'c.id')
            .where('pc.user_id', '=', filter.userId),
        ),
      ),
    );
    if (filter.status !== undefined) query = query.where('c.status', '=', filter.status as CaseRow['status']);
    if (filter.priority === 'none') query = query.where('c.priority', 'is', null);
    else if (filter.priority !== undefined) query = query.where('c.priority', '=', Number(filter.priority));
    if (filter.ids !== undefined) {
      if (filter.ids.length === 0) return [];
      query = query.where('c.id', 'in', filter.ids);
    }
    const direction = filter.order;
    switch (filter.sort) {
      case 'updated':
        query = query.orderBy('c.updated_at', direction);
        break;
      case 'created':
        query = query.orderBy('c.created_at', direction);
        break;
      case 'priority':
        query = query.orderBy(sql`c.priority ${sql.raw(direction)} nulls last`).orderBy('c.updated_at', 'desc');
        break;
      case 'reference':
        query = query.orderBy('c.year', direction).orderBy('c.number', direction);
        break;
    }
    const page = query.orderBy('c.id').limit(filter.limit).offset(filter.offset);
    return database !== undefined && filter.ids === undefined
      ? runPrepared(database, 'tma_case_list', page)
      : page.execute();
  },
};

/** One array parameter: one statement, however many are named. */
const namesQuery = (db: Kysely<DB>, v: { ids: readonly string[] }) =>
  db
    .selectFrom('users')
    .select(['id', 'display_name', 'display_name_sealed'])
    .where(sql<boolean>`id = any(${v.ids}::uuid[])`);
const preparedNames = preparedRead('tma_user_refs', namesQuery);

/** Names of accounts for display, each opened once per call. */
export async function userRefs(
  db: Kysely<DB>,
  keys: KeyRing,
  ids: Iterable<string | null>,
  /** Outside a transaction: the database, to read the names as a prepared statement (a list's raters). */
  prepared?: Database,
): Promise<Map<string, UserRef>> {
  const wanted = [...new Set([...ids].filter((id): id is string => id !== null))];
  const refs = new Map<string, UserRef>();
  if (wanted.length === 0) return refs;
  const rows =
    prepared === undefined
      ? await namesQuery(db, { ids: wanted }).execute()
      : await preparedNames(prepared, { ids: wanted });
  const ring = keys.using(db);
  for (const row of rows) {
    refs.set(row.id, {
      id: row.id,
      displayName: await openName(ring, row.id, row.display_name_sealed, row.display_name),
    });
  }
  return refs;
}
