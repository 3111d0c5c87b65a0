import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { AuditFilter } from '../../../contract/audit.ts';
import { openEmail, openName } from '../../access/identity.ts';
import { openPurpose } from '../../audit/purpose.ts';
import type { KeyRing } from '../../platform/crypto/key-ring.ts';
import { unlessUnreadable } from '../../platform/crypto/unreadable.ts';
import type { DB } from '../../platform/db/schema.ts';

export interface AuditRow {
  id: string;
  at: Date;
  anonymous: boolean;
  actor_user_id: string | null;
  actor_name: string | null;
  actor_email: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  case_id: string | null;
  outcome: 'allowed' | 'denied' | 'failed';
  ip: string | null;
  user_agent: string | null;
  purpose: string | null;
  detail: Record<string, unknown>;
  seq: string | null;
}

/** As stored: the actor's name and address and the purpose sealed; page() opens them. */
interface StoredAuditRow extends Omit<AuditRow, 'actor_name' | 'actor_email' | 'purpose'> {
  actor_name: string | null;
  actor_email: string | null;
  actor_name_sealed: Uint8Array | null;
  actor_email_sealed: Uint8Array | null;
  purpose_sealed: Uint8Array | null;
}

/** A position in the newest-first order: the last row of a page. */
export interface AuditCursor {
  readonly at: Date;
  readonly id: string;
}

// Kysely's types for a select over a join with aliases; the filter adds where clauses only.
type Q = SelectQueryBuilder<
  DB & { e: DB['audit_events']; u: DB['users']; c: DB['audit_chain'] },
  'e' | 'u' | 'c',
  StoredAuditRow
>;

function filtered(db: Kysely<DB>, f: AuditFilter): Q {
  let q = db
    .selectFrom('audit_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_user_id')
    .leftJoin('audit_chain as c', 'c.event_id', 'e.id')
    .select([
      'e.id',
      'e.at',
      'e.anonymous',
      'e.actor_user_id',
      'u.display_name as actor_name',
      'u.email as actor_email',
      'u.display_name_sealed as actor_name_sealed',
      'u.email_sealed as actor_email_sealed',
      'e.action',
      'e.object_type',
      'e.object_id',
      'e.case_id',
      'e.outcome',
      'e.ip',
      'e.user_agent',
      'e.purpose_sealed',
      'e.detail',
      'c.seq',
    ]) as unknown as Q;
  if (f.actor !== undefined) q = q.where('e.actor_user_id', '=', f.actor);
  if (f.action !== undefined) q = q.where('e.action', '=', f.action);
  if (f.objectType !== undefined) q = q.where('e.object_type', '=', f.objectType);
  if (f.objectId !== undefined) q = q.where('e.object_id', '=', f.objectId);
  if (f.caseId !== undefined) q = q.where('e.case_id', '=', f.caseId);
  if (f.outcome !== undefined) q = q.where('e.outcome', '=', f.outcome);
  if (f.from !== undefined) q = q.where('e.at', '>=', new Date(f.from));
  if (f.to !== undefined) q = q.where('e.at', '<', new Date(f.to));
  return q;
}

export const auditRepository = {
  /** Newest first, keyset-paginated on (at, id): a page costs the same on the millionth row. */
  async page(
    db: Kysely<DB>,
    keys: KeyRing,
    f: AuditFilter,
    after: AuditCursor | undefined,
    limit: number,
  ): Promise<AuditRow[]> {
    let q = filtered(db, f);
    if (after !== undefined) {
      q = q.where(sql<boolean>`(e.at, e.id) < (${after.at}::timestamptz, ${after.id}::bigint)`);
    }
    const rows = await q.orderBy('e.at', 'desc').orderBy('e.id', 'desc').limit(limit).execute();
    const ring = keys.using(db);
    // A page names few actors many times: each is opened once.
    const actors = new Map<string, Promise<{ name: string | null; email: string | null }>>();
    const actorOf = (r: StoredAuditRow) => {
      const id = r.actor_user_id;
      if (id === null) return Promise.resolve({ name: null, email: null });
      let opened = actors.get(id);
      if (opened === undefined) {
        opened = (async () => ({
          name: await unlessUnreadable(openName(ring, id, r.actor_name_sealed, r.actor_name)),
          email: await unlessUnreadable(openEmail(ring, id, r.actor_email_sealed, r.actor_email)),
        }))();
        actors.set(id, opened);
      }
      return opened;
    };
    return Promise.all(
      rows.map(async ({ actor_name_sealed: _n, actor_email_sealed: _e, purpose_sealed, ...r }) => {
        const actor = await actorOf({ ...r, actor_name_sealed: _n, actor_email_sealed: _e, purpose_sealed });
        const owner = { caseId: r.case_id, actorUserId: r.actor_user_id, at: r.at, action: r.action };
        return {
          ...r,
          actor_name: actor.name,
          actor_email: actor.email,
          purpose: await openPurpose(ring, owner, purpose_sealed),
        };
      }),
    );
  },

  async count(db: Kysely<DB>, f: AuditFilter, cap: number): Promise<number> {
    const inner = filtered(db, f).clearSelect().select('e.id').limit(cap);
    const row = await db
      .selectFrom(inner.as('x'))
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },
};
