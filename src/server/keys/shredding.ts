import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/record.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { DB } from '../platform/db/schema.ts';
import { removeSearchScopes } from '../search/scopes.ts';

/**
 * Crypto-shredding (docs/security.md): deletes the data key of a case and the keys of the reports
 * that joined it, so every field sealed with them is unreadable from now on, and, once the master
 * epochs that wrapped them are destroyed, in every backup too. The shredding is an audit event in
 * the same transaction: it happens and is recorded, or neither. Deletion and retention use it.
 */
export interface Shredding {
  readonly caseId: string;
  /** Who shredded (a user), or null when a retention rule did. */
  readonly actorUserId: string | null;
  readonly reason: 'deletion' | 'retention';
}

/** Runs in the caller's transaction; returns how many keys went. Call `keys.forget` after commit. */
export async function shredCase(tx: Kysely<DB>, at: Date, shredding: Shredding): Promise<string[]> {
  // First the case's own key, locked: a report joining the case meanwhile (KeyRing.joinCase holds
  // it shared) is either committed and deleted below, or waits and then finds no case key.
  await tx
    .selectFrom('data_keys')
    .select('id')
    .where('purpose', '=', 'case')
    .where('owner_id', '=', shredding.caseId)
    .forUpdate()
    .execute();
  const gone = await tx
    .deleteFrom('data_keys')
    .where((eb) =>
      eb.or([
        eb.and([eb('purpose', '=', 'case'), eb('owner_id', '=', shredding.caseId)]),
        eb('case_id', '=', shredding.caseId),
      ]),
    )
    .returning(['id', 'purpose', 'owner_id'])
    .execute();
  // The case's search tokens go with its keys (full text and person identifiers, its reports' too).
  const reports = gone.flatMap((r) => (r.purpose === 'report' && r.owner_id !== null ? [r.owner_id] : []));
  await removeSearchScopes(tx, [
    { type: 'case', id: shredding.caseId },
    ...reports.map((id) => ({ type: 'report' as const, id })),
  ]);
  await recordAudit(tx, at, {
    action: 'case.shredded',
    outcome: 'allowed',
    actorUserId: shredding.actorUserId,
    object: { type: 'case', id: shredding.caseId },
    caseId: shredding.caseId,
    detail: { keys: gone.length, reason: shredding.reason },
  });
  return gone.map((r) => r.id);
}

/** Shreds in a transaction of its own and forgets the clear keys of this instance. */
export async function shredCaseNow(db: Kysely<DB>, keys: KeyRing, at: Date, shredding: Shredding): Promise<number> {
  const ids = await db.transaction().execute((tx) => shredCase(tx, at, shredding));
  keys.forget(ids);
  return ids.length;
}
