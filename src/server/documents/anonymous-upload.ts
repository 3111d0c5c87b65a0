import { randomUUID } from 'node:crypto';
import type { DetailOf } from '../audit/events.ts';
import { recordAnonymousAudit } from '../audit/record.ts';
import type { Tx } from '../platform/db/database.ts';
import { NotFoundError, UploadRefusedError } from '../platform/http/errors.ts';
import { documentsRepository } from './documents.repository.ts';
import { type DocumentsContext, type IncomingFile, storeFile } from './documents.service.ts';
import { discard } from './upload.ts';

/**
 * An attachment from the anonymous channel (docs/intake.md): a report's reporter, known only by
 * the receipt the intake route checked, adds a file. Its metadata is always stripped; nobody is
 * named as its uploader; its dates (the document, the version, the audit event, the blob's
 * modification time where the store allows) are the day only. `stillOpen` is asked again in the
 * transaction that records it (the report may have been closed meanwhile).
 */
export async function uploadAnonymously(
  ctx: DocumentsContext,
  reportId: string,
  file: IncomingFile,
  /** The company's day, as its midnight (UTC): all the dates the upload leaves. */
  day: Date,
  stillOpen: (tx: Tx) => Promise<boolean>,
): Promise<{ readonly name: string; readonly bytes: number }> {
  const key = await ctx.keys.keyFor('report', reportId);
  const versionId = randomUUID();
  const upload = await storeFile(ctx, file, true, key, versionId).catch(async (error: unknown) => {
    if (error instanceof UploadRefusedError) {
      await recordAnonymousAudit(ctx.database.db, day, {
        action: 'anonymous.document_refused',
        outcome: 'denied',
        object: { type: 'report', id: reportId },
        detail: { reason: error.reason as DetailOf<'anonymous.document_refused'>['reason'] },
      });
    }
    throw error;
  });
  try {
    await ctx.database.transaction(async (tx) => {
      if (!(await stillOpen(tx))) throw new NotFoundError();
      const documentId = randomUUID();
      await documentsRepository.create(tx, {
        id: documentId,
        ownerType: 'report',
        ownerId: reportId,
        createdBy: null,
        at: day,
      });
      await documentsRepository.addVersion(
        tx,
        key,
        { documentId, version: 1, versionId, name: upload.kind.fileName, upload },
        null,
        day,
      );
      await ctx.search.index(tx, {
        objectType: 'document',
        objectId: documentId,
        field: 'name',
        scope: { type: 'report', id: reportId },
        text: upload.kind.fileName,
      });
      await recordAnonymousAudit(tx, day, {
        action: 'anonymous.document_uploaded',
        outcome: 'allowed',
        object: { type: 'document', id: documentId },
        detail: {
          kind: upload.kind.id,
          bytes: upload.facts.plaintextLength,
          stripped: upload.stripped,
          scanned: upload.scanned,
        },
      });
    });
  } catch (error) {
    await discard({ db: ctx.database.db, store: ctx.store }, upload.blobName);
    throw error;
  }
  await ctx.store.backdate?.(upload.blobName, day);
  return { name: upload.kind.fileName, bytes: upload.facts.plaintextLength };
}
