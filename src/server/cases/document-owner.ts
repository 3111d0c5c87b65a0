import type { Kysely } from 'kysely';
import type { Actor } from '../access/actor.ts';
import type { OwnerAccess } from '../documents/owners.ts';
import type { Clock } from '../platform/clock.ts';
import type { DB } from '../platform/db/schema.ts';
import { meets, reachOf } from './reach.ts';

/**
 * The case rule for documents (documents/owners.ts): members whose scope holds the documents
 * section read and write them; an open break-glass reads them. Asked on every request, and for an
 * upload again in the transaction that records it.
 */
export function caseDocuments(clock: Clock): OwnerAccess {
  const may = async (db: Kysely<DB>, actor: Actor, caseId: string, write: boolean) => {
    // A write holds the case row until its transaction ends, as every write of a case does.
    const reach = await reachOf(db, actor, caseId, clock.now(), { hold: write });
    return reach !== undefined && meets(reach, { kind: 'section', section: 'documents', write });
  };
  return {
    canRead: (db, actor, caseId) => may(db, actor, caseId, false),
    canWrite: (db, actor, caseId) => may(db, actor, caseId, true),
    canSeeMembers: async (db, actor, caseId) => {
      const reach = await reachOf(db, actor, caseId, clock.now());
      return reach !== undefined && meets(reach, { kind: 'roster' });
    },
  };
}
