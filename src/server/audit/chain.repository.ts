import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import type { ChainableEvent } from './canonical.ts';

export interface ChainHead {
  readonly seq: string;
  readonly hash: string;
  readonly horizon: string;
}

export interface PendingEvent extends ChainableEvent {
  readonly txid: string;
}

/** Any fixed number, different from the migration lock: one chainer at a time per database. */
const CHAINER_LOCK_KEY = 7_240_002;

const EVENT_COLUMNS = [
  'e.id',
  'e.txid',
  'e.at',
  'e.actor_user_id',
  'e.action',
  'e.object_type',
  'e.object_id',
  'e.case_id',
  'e.outcome',
  'e.ip',
  'e.user_agent',
  // The sealed purpose, as base64 without line breaks (canonical.ts); the plaintext column is always null.
  sql<string | null>`coalesce(translate(encode(e.purpose_sealed, 'base64'), E'\n', ''), e.purpose)`.as('purpose'),
  'e.anonymous',
  'e.detail',
] as const;

export const chainRepository = {
  /** Inside the chaining transaction: false when another instance is chaining right now. */
  async tryLock(tx: Kysely<DB>): Promise<boolean> {
    const { rows } = await sql<{ got: boolean }>`select pg_try_advisory_xact_lock(${CHAINER_LOCK_KEY}) as got`.execute(
      tx,
    );
    return rows[0]?.got === true;
  },

  /** The last link; when a retention cut removed every link, the cut (the chain goes on after it). */
  async head(db: Kysely<DB>): Promise<ChainHead | undefined> {
    const link = await db
      .selectFrom('audit_chain')
      .select(['seq', 'hash', 'horizon'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (link !== undefined) return link;
    return db
      .selectFrom('audit_cuts')
      .select(['seq', 'hash', 'horizon'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
  },

  /** Serialises chaining, checkpoints and retention cuts: waits for the one in progress. */
  async lock(tx: Kysely<DB>): Promise<void> {
    await sql`select pg_advisory_xact_lock(${CHAINER_LOCK_KEY})`.execute(tx);
  },

  /**
   * The horizon: every transaction of this database with a smaller id has committed or aborted.
   * pg_snapshot_xmin alone would be the oldest transaction of the whole server, so an idle
   * transaction in another database would stop the chain; only transactions of this database can
   * write audit rows here. The snapshot is taken first and the running transactions read after
   * it (pg_stat_activity is read once per transaction, on first use): a transaction that got its
   * id before the snapshot and still runs is seen; one that ended in between has committed rows
   * that the next statement sees; one that starts later has an id above the snapshot's xmax.
   */
  async horizon(tx: Kysely<DB>): Promise<string> {
    const snap = (await sql<{ snap: string }>`select pg_current_snapshot()::text as snap`.execute(tx)).rows[0]?.snap;
    if (snap === undefined) throw new Error('no snapshot');
    const { rows } = await sql<{ horizon: string }>`
      select coalesce(min(x::text::numeric)::text, pg_snapshot_xmax(${snap}::pg_snapshot)::text) as horizon
      from pg_snapshot_xip(${snap}::pg_snapshot) as x
      where (x::text::numeric % 4294967296) in (
        select backend_xid::text::numeric from pg_stat_activity
        where datname = current_database() and backend_xid is not null
        union all
        select transaction::text::numeric from pg_prepared_xacts where database = current_database())`.execute(tx);
    const horizon = rows[0]?.horizon;
    if (horizon === undefined) throw new Error('no snapshot horizon');
    return horizon;
  },

  /** Unchained events of ended transactions, in chain order (transaction id, then row id). */
  pending(tx: Kysely<DB>, from: string, below: string, limit: number): Promise<PendingEvent[]> {
    return tx
      .selectFrom('audit_events as e')
      .select(EVENT_COLUMNS)
      .where(sql<boolean>`e.txid >= ${from}::xid8 and e.txid < ${below}::xid8`)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('audit_chain as c').select('c.seq').whereRef('c.event_id', '=', 'e.id'))),
      )
      .orderBy('e.txid')
      .orderBy('e.id')
      .limit(limit)
      .execute() as Promise<PendingEvent[]>;
  },

  async append(
    tx: Kysely<DB>,
    links: readonly { seq: string; event_id: string; hash: string; horizon: string }[],
  ): Promise<void> {
    if (links.length > 0) await tx.insertInto('audit_chain').values(links).execute();
  },

  /** The chain in order, one page at a time (keyset on seq), with the events it points at. */
  page(db: Kysely<DB>, afterSeq: string, limit: number) {
    return db
      .selectFrom('audit_chain as c')
      .leftJoin('audit_events as e', 'e.id', 'c.event_id')
      .select(['c.seq', 'c.event_id', 'c.hash as link_hash', ...EVENT_COLUMNS])
      .where(sql<boolean>`c.seq > ${afterSeq}::bigint`)
      .orderBy('c.seq')
      .limit(limit)
      .execute();
  },

  /**
   * The tail the chainer has still to do: unchained events at or above the head's horizon (every
   * event below it is chained, unless links were deleted, which the verifier's full count finds).
   * The bound goes as a parameter, so the planner reads only the tail, statistics or not.
   * Events of the anonymous channel are left out: dated to midnight, one would make the oldest
   * age jump by hours for the moment it waits, and a scrape at that moment would date it.
   */
  async tail(db: Kysely<DB>): Promise<{ count: number; oldest: Date | null }> {
    const head = await chainRepository.head(db);
    const row = await db
      .selectFrom('audit_events as e')
      .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.min('e.at').as('oldest')])
      .where(sql<boolean>`e.txid >= ${head?.horizon ?? '0'}::xid8`)
      .where('e.anonymous', '=', false)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('audit_chain as c').select('c.seq').whereRef('c.event_id', '=', 'e.id'))),
      )
      .executeTakeFirstOrThrow();
    return { count: Number(row.n), oldest: row.oldest === null ? null : new Date(row.oldest as Date) };
  },

  /** Events below the horizon without a link: impossible unless links were removed or forged. */
  async orphans(db: Kysely<DB>, horizon: string): Promise<{ count: number; firstId: string | null }> {
    const row = await db
      .selectFrom('audit_events as e')
      .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.min('e.id').as('first')])
      .where(sql<boolean>`e.txid < ${horizon}::xid8`)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('audit_chain as c').select('c.seq').whereRef('c.event_id', '=', 'e.id'))),
      )
      .executeTakeFirstOrThrow();
    return { count: Number(row.n), firstId: row.first === null ? null : String(row.first) };
  },

  /** Every event not in the chain, wherever it is: how many and since when (a full scan, for verification). */
  async unchained(db: Kysely<DB>): Promise<{ count: number; oldest: Date | null }> {
    const row = await db
      .selectFrom('audit_events as e')
      .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.min('e.at').as('oldest')])
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('audit_chain as c').select('c.seq').whereRef('c.event_id', '=', 'e.id'))),
      )
      .executeTakeFirstOrThrow();
    return { count: Number(row.n), oldest: row.oldest === null ? null : new Date(row.oldest as Date) };
  },
};
