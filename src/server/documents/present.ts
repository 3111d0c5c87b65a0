import type { UserRef } from '../../contract/cases.ts';
import { type Document, type DocumentVersion, STRIP_RESIDUALS, type StripResidual } from '../../contract/documents.ts';
import type { Actor } from '../access/actor.ts';
import { NotFoundError } from '../platform/http/errors.ts';
import { type DocumentRow, documentsRepository, type VersionRow } from './documents.repository.ts';
import type { DocumentsContext } from './documents.service.ts';
import { type KindId, kindSpec } from './inspect/file-kind.ts';
import { readersOf, seesMembers } from './readers.ts';

/** Documents as the API shows them: facts, versions and, for those who see the members, the readers of a restricted one. */
export function present(
  document: DocumentRow,
  versions: readonly VersionRow[],
  readers: ReadonlyMap<string, UserRef[]> = new Map(),
): Document {
  const mine = versions.filter((v) => v.documentId === document.id).map(presentVersion);
  const current = mine.find((v) => v.version === document.currentVersion);
  if (current === undefined) throw new Error(`document ${document.id} has no current version`);
  return {
    id: document.id,
    ownerType: document.ownerType,
    ownerId: document.ownerId,
    version: document.version,
    current,
    versions: mine,
    createdAt: document.createdAt.toISOString(),
    restricted: document.restricted,
    readers: readers.get(document.id) ?? [],
  };
}

const isStripResidual = (code: string): code is StripResidual => (STRIP_RESIDUALS as readonly string[]).includes(code);

function presentVersion(v: VersionRow): DocumentVersion {
  const spec = kindSpec(v.kind as KindId);
  return {
    version: v.version,
    name: v.name,
    kind: spec.id,
    mimeType: spec.mime,
    bytes: v.plaintextBytes,
    stripped: v.stripped,
    residual: v.residual.filter(isStripResidual),
    scanned: v.scanned,
    uploadedBy: v.uploadedBy,
    uploadedAt: v.uploadedAt.toISOString(),
  };
}

/** The upload pipeline into the store (upload.ts), with this context's store, scanner and limit. */

/** A document as the API shows it, after a change the actor just made (its own event recorded it). */
export async function presentOne(ctx: DocumentsContext, actor: Actor, id: string): Promise<Document> {
  const document = await documentsRepository.find(ctx.database.db, id);
  if (document === undefined) throw new NotFoundError();
  const owner = { type: document.ownerType, id: document.ownerId };
  return present(
    document,
    await documentsRepository.versions(ctx.database.db, ctx.keys, [id]),
    await readersOf(ctx.database.db, ctx.keys, [id], await seesMembers(ctx, actor, owner)),
  );
}
