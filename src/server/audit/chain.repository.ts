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
  'e.purpose',
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

  async head(db: Kysely<DB>): Promise<ChainHead | undefined> {
    return db
      .selectFrom('audit_chain')
      .select(['seq', 'hash', 'horizon'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
  },

  /** The oldest transaction still running anywhere: every smaller id has committed or aborted. */
  async horizon(tx: Kysely<DB>): Promise<string> {
    const { rows } = await sql<{ xmin: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`.execute(
      tx,
    );
    const xmin = rows[0]?.xmin;
    if (xmin === undefined) throw new Error('no snapshot horizon');
    return xmin;
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

  /** Events not (yet) in the chain: how many and since when. */
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
