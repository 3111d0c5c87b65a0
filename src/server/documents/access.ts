import type { OwnerType } from '../../contract/documents.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { NotFoundError } from '../platform/http/errors.ts';
import { type DocumentRow, documentsRepository } from './documents.repository.ts';
import type { DocumentsContext, Origin } from './documents.service.ts';
import { hiddenAmong } from './restricted.ts';

/**
 * Who reaches which document: the owner's rule (owners.ts), asked for every request, with every
 * refusal in the audit trail and answered 404; and what every audit event about a document carries.
 */
/** The document in the actor's reach, or 404: a document of an owner they may not see does not exist for them. */
export async function reachable(
  ctx: DocumentsContext,
  actor: Actor,
  id: string,
  write: boolean,
  origin: Origin,
): Promise<DocumentRow> {
  const document = await documentsRepository.find(ctx.database.db, id);
  if (document === undefined || document.deletedAt !== null) throw new NotFoundError();
  const owner = { type: document.ownerType, id: document.ownerId };
  await allowed(ctx, actor, owner, write, origin, id);
  // A restricted document exists only for those it lists (readers.ts), whatever the owner's rule says.
  if (document.restricted && (await hiddenAmong(ctx.database.db, [id], actor.userId)).size > 0)
    await refuse(ctx, actor, owner, write, origin, id);
  return document;
}

/**
 * Whether the owner's rule lets the actor at its documents (or at one of them); a refusal is
 * recorded (SECURITY.md item 40: denied access is audited) and answered 404. Never called inside
 * a transaction: the refusal's event must stay when the request fails.
 */
export async function allowed(
  ctx: DocumentsContext,
  actor: Actor,
  owner: { readonly type: OwnerType; readonly id: string },
  write: boolean,
  origin: Origin,
  documentId?: string,
): Promise<void> {
  const rule = ctx.owners[owner.type];
  const db = ctx.database.db;
  const ok =
    rule !== undefined && (write ? await rule.canWrite(db, actor, owner.id) : await rule.canRead(db, actor, owner.id));
  if (ok) return;
  await refuse(ctx, actor, owner, write, origin, documentId);
}

/** Records the refusal (at most once a minute per user, access and object) and answers 404. */
async function refuse(
  ctx: DocumentsContext,
  actor: Actor,
  owner: { readonly type: OwnerType; readonly id: string },
  write: boolean,
  origin: Origin,
  documentId: string | undefined,
): Promise<never> {
  const db = ctx.database.db;
  const now = ctx.clock.now();
  const object = documentId === undefined ? owner : { type: 'document' as const, id: documentId };
  const access = write ? 'write' : 'read';
  if (!ctx.denials.take(`${actor.userId} ${access} ${object.type}:${object.id}`, now)) throw new NotFoundError();
  await recordAudit(db, now, {
    action: 'document.denied',
    outcome: 'denied',
    actorUserId: actor.userId,
    object,
    ...(owner.type === 'case' ? { caseId: owner.id } : {}),
    ip: origin.ip,
    userAgent: origin.userAgent,
    detail: { access },
  });
  throw new NotFoundError();
}

/** What every audit event about a document carries: who, from where, which document, and its case. */
export function about(
  actor: Actor,
  origin: Origin,
  documentId: string,
  owner: { readonly type: OwnerType; readonly id: string },
) {
  return {
    outcome: 'allowed' as const,
    actorUserId: actor.userId,
    object: { type: 'document' as const, id: documentId },
    ...(owner.type === 'case' ? { caseId: owner.id } : {}),
    ip: origin.ip,
    userAgent: origin.userAgent,
  };
}
