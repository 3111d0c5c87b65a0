import { type Kysely, sql } from 'kysely';
import type { UserRef } from '../../contract/cases.ts';
import type { OwnerType } from '../../contract/documents.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { userRefs } from '../cases/cases.repository.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { DB } from '../platform/db/schema.ts';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../platform/http/errors.ts';
import { about, allowed, reachable } from './access.ts';

export { hiddenAmong } from './restricted.ts';

import type { DocumentsContext, Origin } from './documents.service.ts';

/**
 * A case document restricted to chosen members (docs/documents.md, "Restricted documents"): only
 * the accounts listed see it at all, on top of the owner's rule. Everyone else meets it nowhere:
 * not in the list, not by its id (404, and a refusal in the audit trail), not on the timeline.
 */
export const READERS_MAX = 50;

/** Whether the actor sees who works on the owner (owners.ts): the readers' names are theirs to see. */
export async function seesMembers(
  ctx: DocumentsContext,
  actor: Actor,
  owner: { readonly type: OwnerType; readonly id: string },
): Promise<boolean> {
  const rule = ctx.owners[owner.type];
  return rule?.canSeeMembers !== undefined && (await rule.canSeeMembers(ctx.database.db, actor, owner.id));
}

/** The listed readers of these documents, by name; nothing unless `shown` (seesMembers). */
export async function readersOf(
  db: Kysely<DB>,
  keys: KeyRing,
  ids: readonly string[],
  shown = true,
): Promise<Map<string, UserRef[]>> {
  const found = new Map<string, UserRef[]>();
  if (ids.length === 0 || !shown) return found;
  const rows = await db
    .selectFrom('document_readers')
    .select(['document_id', 'user_id'])
    .where('document_id', 'in', [...ids])
    .execute();
  const refs = await userRefs(
    db,
    keys,
    rows.map((r) => r.user_id),
  );
  for (const r of rows) {
    const ref = refs.get(r.user_id);
    if (ref !== undefined) found.set(r.document_id, [...(found.get(r.document_id) ?? []), ref]);
  }
  return found;
}

/**
 * Restricts a case document to chosen members, or opens it to the documents scope again. Only a
 * member who may change the case's documents, sees this one and sees who works on the case may;
 * the chosen must be members
 * whose scope holds the documents section, and the one who restricts is always among them (nobody
 * locks themself out by mistake).
 */
export async function setReaders(
  ctx: DocumentsContext,
  actor: Actor,
  id: string,
  input: { readonly expectedVersion: number; readonly restricted: boolean; readonly userIds: readonly string[] },
  origin: Origin,
): Promise<void> {
  const document = await reachable(ctx, actor, id, true, origin);
  if (document.ownerType !== 'case')
    throw new BadRequestError('Only the documents of a case can be restricted.', { code: 'restriction_not_offered' });
  const owner = { type: document.ownerType, id: document.ownerId };
  // Choosing among the members needs seeing them: else the answers would tell who works on the case.
  if (!(await seesMembers(ctx, actor, owner)))
    throw new ForbiddenError('Restricting a document needs to see who works on the case.', 'members_out_of_sight');
  const readers = input.restricted ? [...new Set([actor.userId, ...input.userIds])] : [];
  if (readers.length > READERS_MAX)
    throw new BadRequestError(`At most ${READERS_MAX} members can be listed.`, { code: 'too_many_readers' });
  try {
    await write(ctx, actor, id, owner, input, readers, origin);
  } catch (error) {
    // Refused in the transaction (a revocation since the first check): recorded after the rollback.
    if (error instanceof RefusedMeanwhile) await allowed(ctx, actor, owner, true, origin, id);
    throw error;
  }
}

class RefusedMeanwhile extends NotFoundError {}

async function write(
  ctx: DocumentsContext,
  actor: Actor,
  id: string,
  owner: { readonly type: OwnerType; readonly id: string },
  input: { readonly expectedVersion: number; readonly restricted: boolean },
  readers: readonly string[],
  origin: Origin,
): Promise<void> {
  await ctx.database.transaction(async (tx) => {
    // The owner's rule again, with the case row held: a revocation since the first check refuses.
    const rule = ctx.owners[owner.type];
    if (rule === undefined || !(await rule.canWrite(tx, actor, owner.id))) throw new RefusedMeanwhile();
    const now = ctx.clock.now();
    if (readers.length > 0) {
      const eligible = await tx
        .selectFrom('case_members')
        .select('user_id')
        .where('case_id', '=', owner.id)
        .where('user_id', 'in', readers)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .where((eb) => eb.or([eb('full_scope', '=', true), sql<boolean>`'documents' = any(sections)`]))
        .execute();
      const ok = new Set(eligible.map((r) => r.user_id));
      if (readers.some((u) => !ok.has(u)))
        throw new BadRequestError('Everyone listed must be a member whose scope holds the documents.', {
          code: 'reader_out_of_scope',
        });
    }
    const bumped = await tx
      .updateTable('documents')
      .set((eb) => ({ restricted: input.restricted, version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .where('version', '=', input.expectedVersion)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (Number(bumped.numUpdatedRows) !== 1)
      throw new ConflictError('The document was changed by someone else; reload it.', 'stale_version');
    await tx.deleteFrom('document_readers').where('document_id', '=', id).execute();
    if (readers.length > 0)
      await tx
        .insertInto('document_readers')
        .values(readers.map((user_id) => ({ document_id: id, user_id })))
        .execute();
    await recordAudit(tx, now, {
      action: 'document.readers_set',
      ...about(actor, origin, id, owner),
      detail: { restricted: input.restricted, readers: readers.length },
    });
  });
}
