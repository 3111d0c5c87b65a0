import type { Kysely } from 'kysely';
import { TRIAGE_ROLES } from '../../contract/reports.ts';
import type { Actor } from '../access/actor.ts';
import { caseDocuments } from '../cases/document-owner.ts';
import type { OwnerAccess } from '../documents/owners.ts';
import type { Clock } from '../platform/clock.ts';
import type { DB } from '../platform/db/schema.ts';
import { excludedFrom } from './conflicts.ts';

/**
 * The report rule for documents (documents/owners.ts): a report in a case follows the case's rule
 * (its documents section); one in triage is read and added to by the triage roles and by the
 * employee who reported it, while it is open. Anonymous reporters add files through their receipt
 * (features/intake/anonymous-documents.routes.ts), never through this rule. Asked on every
 * request, and for an upload again in the transaction that records it.
 */
export function reportDocuments(clock: Clock): OwnerAccess {
  const ofCase = caseDocuments(clock);
  const may = async (db: Kysely<DB>, actor: Actor, reportId: string, write: boolean) => {
    let query = db.selectFrom('reports').select(['case_id', 'reporter_id', 'status']).where('id', '=', reportId);
    // A write holds the report until its transaction ends: a closure or a triage waits for it.
    if (write && db.isTransaction) query = query.forShare();
    const row = await query.executeTakeFirst();
    if (row === undefined || (await excludedFrom(db, reportId, actor.userId))) return false;
    if (row.case_id !== null)
      return write ? ofCase.canWrite(db, actor, row.case_id) : ofCase.canRead(db, actor, row.case_id);
    if (write && row.status === 'closed') return false;
    return TRIAGE_ROLES.includes(actor.role) || row.reporter_id === actor.userId;
  };
  return {
    canRead: (db, actor, reportId) => may(db, actor, reportId, false),
    canWrite: (db, actor, reportId) => may(db, actor, reportId, true),
  };
}
