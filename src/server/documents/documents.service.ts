import { randomUUID } from 'node:crypto';
import type { Document, OwnerType } from '../../contract/documents.ts';
import type { Actor } from '../access/actor.ts';
import type { OncePerWindow } from '../audit/denials.ts';
import type { DetailOf } from '../audit/events.ts';
import { recordAudit } from '../audit/record.ts';
import type { Clock } from '../platform/clock.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import type { DataKey } from '../platform/crypto/sealed-field.ts';
import type { Database, Tx } from '../platform/db/database.ts';
import { DocumentDamagedError, NotFoundError, UploadRefusedError } from '../platform/http/errors.ts';
import type { SearchIndex } from '../search/search-index.ts';
import { about, allowed, reachable } from './access.ts';
import { BlobMissingError, type BlobStore } from './blobs/blob-store.ts';
import { DocumentKeyError, unwrapDocumentKey } from './crypto/document-key.ts';
import { DocumentStreamError, openDocument } from './crypto/document-stream.ts';
import { documentsRepository } from './documents.repository.ts';
import { type KindId, kindSpec } from './inspect/file-kind.ts';
import type { DocumentOwners } from './owners.ts';
import { present, presentOne } from './present.ts';
import { readersOf, seesMembers } from './readers.ts';
import { hiddenAmong } from './restricted.ts';
import type { Scanner } from './scan/scanner.ts';
import { discard, type StoredUpload, storeUpload } from './upload.ts';

/** What the document service needs (app.ts). */
export interface DocumentsContext {
  readonly database: Database;
  readonly keys: KeyRing;
  readonly clock: Clock;
  readonly store: BlobStore;
  readonly scanner: Scanner | undefined;
  readonly uploadLimitBytes: number;
  readonly owners: DocumentOwners;
  /** Document names are searchable within their case or report (the newest version's name). */
  readonly search: SearchIndex;
  /** Refusals recorded at most once a minute per user, access and object (as access.denied is). */
  readonly denials: OncePerWindow;
}

export interface Origin {
  readonly ip: string;
  readonly userAgent: string | undefined;
}

export interface IncomingFile {
  readonly fileName: string;
  readonly stream: AsyncIterable<Uint8Array>;
  readonly signal?: AbortSignal | undefined;
}

export async function storeFile(
  ctx: DocumentsContext,
  file: IncomingFile,
  strip: boolean,
  ownerKey: Parameters<typeof storeUpload>[1]['ownerKey'],
  versionId: string,
) {
  return storeUpload(
    {
      db: ctx.database.db,
      store: ctx.store,
      scanner: ctx.scanner,
      limitBytes: ctx.uploadLimitBytes,
      now: () => ctx.clock.now(),
    },
    { fileName: file.fileName, source: file.stream, strip, ownerKey, versionId, signal: file.signal },
  );
}

/** Stores a refusal in the trail (the upload left nothing else behind), then rethrows it. */
async function refusedUpload(ctx: DocumentsContext, actor: Actor, origin: Origin, error: unknown): Promise<never> {
  if (error instanceof UploadRefusedError) {
    await recordAudit(ctx.database.db, ctx.clock.now(), {
      action: 'document.upload_refused',
      outcome: 'denied',
      actorUserId: actor.userId,
      ip: origin.ip,
      userAgent: origin.userAgent,
      detail: { reason: error.reason as DetailOf<'document.upload_refused'>['reason'] },
    });
  }
  throw error;
}

const uploadedDetail = (version: number, upload: StoredUpload): DetailOf<'document.uploaded'> => ({
  version,
  kind: upload.kind.id,
  bytes: upload.facts.plaintextLength,
  stripped: upload.stripped,
  scanned: upload.scanned,
});

/** Records a stored upload as a version, audited, in one transaction; the blob goes if that fails. */
async function commit(
  ctx: DocumentsContext,
  actor: Actor,
  origin: Origin,
  upload: StoredUpload,
  owner: { readonly type: OwnerType; readonly id: string; readonly key: DataKey },
  place: (tx: Tx) => Promise<{ documentId: string; version: number }>,
  versionId: string,
): Promise<string> {
  const now = ctx.clock.now();
  try {
    return await ctx.database.transaction(async (tx) => {
      // Asked again in the transaction that records the version: access revoked while the file
      // streamed in refuses it (the case rule holds the case row until commit, cases/reach.ts).
      if (!(await ctx.owners[owner.type]?.canWrite(tx, actor, owner.id))) throw new RevokedDuringUpload();
      const { documentId, version } = await place(tx);
      await documentsRepository.addVersion(
        tx,
        owner.key,
        { documentId, version, versionId, name: upload.kind.fileName, upload },
        actor.userId,
        now,
      );
      await ctx.search.index(tx, {
        objectType: 'document',
        objectId: documentId,
        field: 'name',
        scope: { type: owner.type, id: owner.id },
        text: upload.kind.fileName,
      });
      await recordAudit(tx, now, {
        action: 'document.uploaded',
        ...about(actor, origin, documentId, owner),
        detail: uploadedDetail(version, upload),
      });
      return documentId;
    });
  } catch (error) {
    await discard({ db: ctx.database.db, store: ctx.store }, upload.blobName);
    if (error instanceof RevokedDuringUpload) await allowed(ctx, actor, owner, true, origin);
    throw error;
  }
}

/** The owner's rule refused a write (an upload, a delete) at its commit; `allowed` records the refusal after the rollback. */
class RevokedDuringUpload extends NotFoundError {}

export async function uploadDocument(
  ctx: DocumentsContext,
  actor: Actor,
  owner: { readonly type: OwnerType; readonly id: string },
  file: IncomingFile,
  strip: boolean,
  origin: Origin,
): Promise<Document> {
  await allowed(ctx, actor, owner, true, origin);
  const key = await ctx.keys.keyFor(owner.type, owner.id);
  const versionId = randomUUID();
  const upload = await storeFile(ctx, file, strip, key, versionId).catch((e: unknown) =>
    refusedUpload(ctx, actor, origin, e),
  );
  const id = await commit(
    ctx,
    actor,
    origin,
    upload,
    { ...owner, key },
    async (tx) => {
      const documentId = randomUUID();
      await documentsRepository.create(tx, {
        id: documentId,
        ownerType: owner.type,
        ownerId: owner.id,
        createdBy: actor.userId,
        at: ctx.clock.now(),
      });
      return { documentId, version: 1 };
    },
    versionId,
  );
  return presentOne(ctx, actor, id);
}

export async function addVersion(
  ctx: DocumentsContext,
  actor: Actor,
  documentId: string,
  expectedVersion: number,
  file: IncomingFile,
  strip: boolean,
  origin: Origin,
): Promise<Document> {
  const document = await reachable(ctx, actor, documentId, true, origin);
  const owner = { type: document.ownerType, id: document.ownerId };
  const key = await ctx.keys.keyFor(owner.type, owner.id);
  const versionId = randomUUID();
  const upload = await storeFile(ctx, file, strip, key, versionId).catch((e: unknown) =>
    refusedUpload(ctx, actor, origin, e),
  );
  await commit(
    ctx,
    actor,
    origin,
    upload,
    { ...owner, key },
    async (tx) => {
      const locked = await documentsRepository.find(tx, documentId, true);
      if (locked === undefined) throw new NotFoundError();
      const version = locked.currentVersion + 1;
      await documentsRepository.bump(tx, documentId, expectedVersion, { current_version: version });
      return { documentId, version };
    },
    versionId,
  );
  return presentOne(ctx, actor, documentId);
}

/** A document's facts and versions; the read is an audit event. */
export async function getDocument(ctx: DocumentsContext, actor: Actor, id: string, origin: Origin): Promise<Document> {
  const document = await reachable(ctx, actor, id, false, origin);
  const owner = { type: document.ownerType, id: document.ownerId };
  const shown = present(
    document,
    await documentsRepository.versions(ctx.database.db, ctx.keys, [id]),
    await readersOf(ctx.database.db, ctx.keys, [id], await seesMembers(ctx, actor, owner)),
  );
  await recordAudit(ctx.database.db, ctx.clock.now(), {
    action: 'document.viewed',
    ...about(actor, origin, id, { type: document.ownerType, id: document.ownerId }),
  });
  return shown;
}

export async function listDocuments(
  ctx: DocumentsContext,
  actor: Actor,
  owner: { readonly type: OwnerType; readonly id: string },
  origin: Origin,
): Promise<Document[]> {
  await allowed(ctx, actor, owner, false, origin);
  const all = await documentsRepository.ofOwner(ctx.database.db, owner.type, owner.id);
  const hidden = await hiddenAmong(
    ctx.database.db,
    all.filter((d) => d.restricted).map((d) => d.id),
    actor.userId,
  );
  const documents = all.filter((d) => !hidden.has(d.id));
  const readers = await readersOf(
    ctx.database.db,
    ctx.keys,
    documents.filter((d) => d.restricted).map((d) => d.id),
    await seesMembers(ctx, actor, owner),
  );
  const versions = await documentsRepository.versions(
    ctx.database.db,
    ctx.keys,
    documents.map((d) => d.id),
  );
  await recordAudit(ctx.database.db, ctx.clock.now(), {
    action: 'document.listed',
    outcome: 'allowed',
    actorUserId: actor.userId,
    object: owner,
    ...(owner.type === 'case' ? { caseId: owner.id } : {}),
    ip: origin.ip,
    userAgent: origin.userAgent,
    detail: { documents: documents.length },
  });
  return documents.map((d) => present(d, versions, readers));
}

export interface OpenedContent {
  readonly name: string;
  readonly mimeType: string;
  readonly kind: KindId;
  readonly length: number;
  readonly chunks: AsyncIterable<Buffer>;
}

/**
 * A version's plaintext, checked before the first byte: the blob exists, its size is the recorded
 * one and the one its trailer declares, and the document key opens. Later chunks are checked as
 * they stream; one that fails throws, and the route destroys the response so the client sees a
 * failed transfer. The download is audited before it starts.
 */
export async function openContent(
  ctx: DocumentsContext,
  actor: Actor,
  id: string,
  version: number,
  inline: boolean,
  origin: Origin,
): Promise<OpenedContent> {
  const document = await reachable(ctx, actor, id, false, origin);
  const versions = await documentsRepository.versions(ctx.database.db, ctx.keys, [id]);
  const row = versions.find((v) => v.version === version);
  if (row === undefined) throw new NotFoundError();
  const spec = kindSpec(row.kind as KindId);
  if (inline && spec.family !== 'image' && spec.family !== 'pdf') throw new NotFoundError();
  const ownerKey = await ctx.keys.keyFor(document.ownerType, document.ownerId);
  const opened = await damagedIf(async () => {
    const key = unwrapDocumentKey(ownerKey, row.id, row.keyWrapped);
    const size = await ctx.store.size(row.blobName);
    if (size !== row.blobBytes) throw new DocumentStreamError('truncated');
    return openDocument(key, row.id, { size, read: (start, end) => ctx.store.read(row.blobName, start, end) });
  });
  await recordAudit(ctx.database.db, ctx.clock.now(), {
    action: 'document.downloaded',
    ...about(actor, origin, id, { type: document.ownerType, id: document.ownerId }),
    detail: { version, inline },
  });
  return { name: row.name, mimeType: spec.mime, kind: spec.id, length: opened.plaintextLength, chunks: opened.chunks };
}

/** A blob that is missing, cut short or altered, or a key that does not open it: a clear 500, logged. */
async function damagedIf<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    if (
      error instanceof BlobMissingError ||
      error instanceof DocumentStreamError ||
      error instanceof DocumentKeyError
    ) {
      throw new DocumentDamagedError(
        'The stored file is missing or damaged and cannot be sent; this has been logged.',
        {
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** Soft delete: the document leaves every list and URL; its blobs stay until retention deletes them. */
export async function deleteDocument(
  ctx: DocumentsContext,
  actor: Actor,
  id: string,
  expectedVersion: number,
  origin: Origin,
): Promise<void> {
  const document = await reachable(ctx, actor, id, true, origin);
  const owner = { type: document.ownerType, id: document.ownerId };
  const now = ctx.clock.now();
  try {
    await ctx.database.transaction(async (tx) => {
      // Asked again with the owner held until commit (the owner's row first, as an upload and a
      // merge lock them): a revocation, or a merge that moved the document, refuses the delete.
      if (!(await ctx.owners[owner.type]?.canWrite(tx, actor, owner.id))) throw new RevokedDuringUpload();
      const locked = await documentsRepository.find(tx, id, true);
      if (locked === undefined || locked.deletedAt !== null || locked.ownerId !== owner.id) throw new NotFoundError();
      await documentsRepository.bump(tx, id, expectedVersion, { deleted_at: now, deleted_by: actor.userId });
      await ctx.search.remove(tx, 'document', id);
      await recordAudit(tx, now, { action: 'document.deleted', ...about(actor, origin, id, owner) });
    });
  } catch (error) {
    // The refusal recorded after the rollback, as at the first check.
    if (error instanceof RevokedDuringUpload) await allowed(ctx, actor, owner, true, origin, id);
    throw error;
  }
}
