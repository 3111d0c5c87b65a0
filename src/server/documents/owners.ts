import type { Kysely } from 'kysely';
import type { OwnerType } from '../../contract/documents.ts';
import type { Actor } from '../access/actor.ts';
import type { DB } from '../platform/db/schema.ts';

/**
 * Who may see and change the documents of a case or a report is the owner's rule, not the document
 * service's: the case rule (membership and the documents scope, cases/document-owner.ts), the
 * intake issue the report rule. An owner type with no rule registered has no documents anyone can
 * reach (deny by default): every document URL of it answers 404.
 */
export interface OwnerAccess {
  /** List, metadata, preview and download. */
  canRead(db: Kysely<DB>, actor: Actor, ownerId: string): Promise<boolean>;
  /** Upload, new versions, deletion. */
  canWrite(db: Kysely<DB>, actor: Actor, ownerId: string): Promise<boolean>;
  /**
   * Whether the actor sees who works on the owner: only then may they restrict a document to
   * chosen members, and see whom it is restricted to (readers.ts). Without it, never.
   */
  canSeeMembers?(db: Kysely<DB>, actor: Actor, ownerId: string): Promise<boolean>;
}

export type DocumentOwners = Readonly<Partial<Record<OwnerType, OwnerAccess>>>;
