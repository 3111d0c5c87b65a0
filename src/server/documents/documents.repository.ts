import type { Kysely, Selectable } from 'kysely';
import type { OwnerType } from '../../contract/documents.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import { type FieldContext, sealField } from '../platform/crypto/sealed-field.ts';
import type { DB, DocumentTable } from '../platform/db/schema.ts';
import { ConflictError } from '../platform/http/errors.ts';
import type { StoredUpload } from './upload.ts';

/** A version as the service sees it: the file name in the clear (sealed with the owner's key in the table). */
export interface VersionRow {
  readonly documentId: string;
  readonly version: number;
  readonly id: string;
  readonly blobName: string;
  readonly keyWrapped: Uint8Array;
  readonly name: string;
  readonly kind: string;
  readonly plaintextBytes: number;
  readonly blobBytes: number;
  readonly stripped: boolean;
  readonly residual: readonly string[];
  readonly scanned: boolean;
  readonly uploadedBy: string | null;
  readonly uploadedAt: Date;
}

export interface DocumentRow {
  readonly id: string;
  readonly ownerType: OwnerType;
  readonly ownerId: string;
  readonly currentVersion: number;
  readonly version: number;
  readonly createdAt: Date;
  readonly deletedAt: Date | null;
  /** Seen only by the accounts in document_readers (readers.ts). */
  readonly restricted: boolean;
}

export const namePlace = (versionId: string): FieldContext => ({
  table: 'document_versions',
  column: 'name',
  rowId: versionId,
});

const toRow = (r: Selectable<DocumentTable>): DocumentRow => ({
  id: r.id,
  ownerType: r.owner_type,
  ownerId: r.owner_id,
  currentVersion: r.current_version,
  version: r.version,
  createdAt: r.created_at,
  deletedAt: r.deleted_at,
  restricted: r.restricted,
});

export const documentsRepository = {
  async find(db: Kysely<DB>, id: string, forUpdate = false): Promise<DocumentRow | undefined> {
    let q = db.selectFrom('documents').selectAll().where('id', '=', id);
    if (forUpdate) q = q.forUpdate();
    const r = await q.executeTakeFirst();
    return r === undefined ? undefined : toRow(r);
  },

  async ofOwner(db: Kysely<DB>, ownerType: OwnerType, ownerId: string): Promise<DocumentRow[]> {
    const rows = await db
      .selectFrom('documents')
      .selectAll()
      .where('owner_type', '=', ownerType)
      .where('owner_id', '=', ownerId)
      .where('deleted_at', 'is', null)
      .orderBy('created_at')
      .execute();
    return rows.map(toRow);
  },

  /** Every version of these documents, names opened with the owner's key. */
  async versions(db: Kysely<DB>, keys: KeyRing, documentIds: readonly string[]): Promise<VersionRow[]> {
    if (documentIds.length === 0) return [];
    const rows = await db
      .selectFrom('document_versions')
      .selectAll()
      .where('document_id', 'in', documentIds)
      .orderBy('document_id')
      .orderBy('version')
      .execute();
    const ring = keys.using(db);
    return Promise.all(
      rows.map(async (r) => ({
        documentId: r.document_id,
        version: r.version,
        id: r.id,
        blobName: r.blob_name,
        keyWrapped: r.key_wrapped,
        name: await ring.openText(r.name_sealed, namePlace(r.id)),
        kind: r.kind,
        plaintextBytes: Number(r.plaintext_bytes),
        blobBytes: Number(r.blob_bytes),
        stripped: r.stripped,
        residual: r.strip_residual,
        scanned: r.scanned,
        uploadedBy: r.uploaded_by,
        uploadedAt: r.uploaded_at,
      })),
    );
  },

  async create(
    tx: Kysely<DB>,
    document: { id: string; ownerType: OwnerType; ownerId: string; createdBy: string | null; at: Date },
  ): Promise<void> {
    await tx
      .insertInto('documents')
      .values({
        id: document.id,
        owner_type: document.ownerType,
        owner_id: document.ownerId,
        current_version: 1,
        created_by: document.createdBy,
        created_at: document.at,
        deleted_at: null,
        deleted_by: null,
      })
      .execute();
  },

  /**
   * Records a stored blob as a version and ends its pending record, in the caller's transaction:
   * after commit the blob has its row; before, the sweeper may delete it.
   */
  async addVersion(
    tx: Kysely<DB>,
    ownerKey: Parameters<typeof sealField>[0],
    v: { documentId: string; version: number; versionId: string; name: string; upload: StoredUpload },
    by: string | null,
    at: Date,
  ): Promise<void> {
    const { upload } = v;
    await tx
      .insertInto('document_versions')
      .values({
        document_id: v.documentId,
        version: v.version,
        id: v.versionId,
        blob_name: upload.blobName,
        key_wrapped: upload.keyWrapped,
        name_sealed: sealField(ownerKey, v.name, namePlace(v.versionId)),
        kind: upload.kind.id,
        plaintext_bytes: upload.facts.plaintextLength,
        blob_bytes: upload.facts.blobLength,
        integrity: upload.facts.integrity,
        stripped: upload.stripped,
        strip_residual: [...upload.residual],
        scanned: upload.scanned,
        uploaded_by: by,
        uploaded_at: at,
      })
      .execute();
    const pending = await tx.deleteFrom('blob_uploads').where('blob_name', '=', upload.blobName).executeTakeFirst();
    // The sweeper took the blob for an orphan meanwhile (an upload longer than its cut-off): not recorded.
    if (Number(pending.numDeletedRows) !== 1) throw new Error('the uploaded blob is no longer pending');
  },

  /** Optimistic concurrency: moves the document to its next version only from the one the caller saw. */
  async bump(
    tx: Kysely<DB>,
    id: string,
    expected: number,
    set: { current_version?: number; deleted_at?: Date; deleted_by?: string | null },
  ): Promise<void> {
    const r = await tx
      .updateTable('documents')
      .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .where('version', '=', expected)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) {
      throw new ConflictError('The document was changed by someone else; reload it and try again.', 'stale_version');
    }
  },
};
