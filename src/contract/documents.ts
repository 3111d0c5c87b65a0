import { z } from 'zod';
import { UserRef, Version } from './cases.ts';
import { uuid } from './uuid.ts';

/**
 * Documents of a case or a report (docs/documents.md). Uploads are multipart/form-data: the
 * fields below, then one file part named "file". Downloads are the file itself.
 */
export const DOCUMENT_KINDS = [
  'pdf',
  'png',
  'jpeg',
  'gif',
  'webp',
  'heic',
  'docx',
  'xlsx',
  'pptx',
  'odt',
  'ods',
  'txt',
  'csv',
  'eml',
] as const;
export const DocumentKind = z.enum(DOCUMENT_KINDS);

export const OwnerType = z.enum(['case', 'report']);
export type OwnerType = z.infer<typeof OwnerType>;

/** Why an upload was refused (problem code `upload_refused`, with this as `reason`). */
export const UPLOAD_REFUSALS = [
  'empty',
  'unknown_type',
  'type_mismatch',
  'not_text',
  'bad_name',
  'zip_bomb',
  'bad_archive',
  'cannot_strip',
  'too_large',
  'infected',
] as const;

/**
 * What metadata stripping found but could not remove (docs/documents.md); a version lists the
 * codes, never the data:
 * - eml_headers: an e-mail's headers (sender, recipients, routing) are its content;
 * - pdf_embedded_files: files attached inside a PDF keep their own metadata;
 * - pdf_signatures: a digital signature's certificate names the signer;
 * - pdf_image_metadata: an unusual JPEG inside a PDF kept its EXIF or XMP;
 * - authors_in_content: names of comment or tracked-change authors in an office document's body;
 * - custom_xml: OOXML custom XML parts (SharePoint and other properties live there);
 * - embedded_package: an embedded workbook or OLE object keeps its own metadata;
 * - embedded_image_unstripped: an image inside a document could not be re-encoded;
 * - metadata_part_unstripped: a metadata part at an unusual place, named only after it was passed.
 */
export const STRIP_RESIDUALS = [
  'eml_headers',
  'pdf_embedded_files',
  'pdf_signatures',
  'pdf_image_metadata',
  'authors_in_content',
  'custom_xml',
  'embedded_package',
  'embedded_image_unstripped',
  'metadata_part_unstripped',
] as const;
export const StripResidual = z.enum(STRIP_RESIDUALS);
export type StripResidual = z.infer<typeof StripResidual>;

/** The form fields of an upload, before its file part. */
export const UploadFields = z
  .strictObject({
    ownerType: OwnerType,
    ownerId: uuid(),
    /** Remove EXIF/GPS, author and revision metadata before storing (always done for anonymous uploads). */
    strip: z.enum(['true', 'false']).default('false'),
  })
  .meta({ id: 'UploadFields' });

/** The form fields of a new version: the document names its owner. */
export const VersionFields = z
  .strictObject({
    /** The document's version as the uploader saw it: a stale one gets 409. */
    expectedVersion: z.string().regex(/^\d{1,9}$/, 'a version number'),
    strip: z.enum(['true', 'false']).default('false'),
  })
  .meta({ id: 'VersionFields' });

export type DocumentVersion = z.infer<typeof DocumentVersion>;
export const DocumentVersion = z.strictObject({
  version: z.number().int().positive(),
  name: z.string(),
  kind: DocumentKind,
  mimeType: z.string(),
  bytes: z.number().int().nonnegative(),
  stripped: z.boolean(),
  /** With `stripped`: identifying data stripping could not remove (empty: none found). */
  residual: z.array(StripResidual),
  scanned: z.boolean(),
  uploadedBy: uuid().nullable(),
  uploadedAt: z.iso.datetime(),
});

export const Document = z
  .strictObject({
    id: uuid(),
    ownerType: OwnerType,
    ownerId: uuid(),
    /** Optimistic concurrency: name it when adding a version or deleting. */
    version: z.number().int().positive(),
    current: DocumentVersion,
    versions: z.array(DocumentVersion),
    createdAt: z.iso.datetime(),
    /** Seen only by the members listed in readers (docs/documents.md, "Restricted documents"). */
    restricted: z.boolean(),
    readers: z.array(UserRef),
  })
  .meta({ id: 'Document' });
export type Document = z.infer<typeof Document>;

export const DocumentList = z.strictObject({ documents: z.array(Document) }).meta({ id: 'DocumentList' });

/** Restricts a case document to these members (the caller is always listed), or opens it to the documents scope again. */
export const SetReaders = z
  .strictObject({
    expectedVersion: Version,
    restricted: z.boolean(),
    userIds: z
      .array(uuid())
      .max(50)
      .refine((ids) => new Set(ids).size === ids.length, 'each once')
      .default([]),
  })
  .meta({ id: 'SetDocumentReaders' });
export type SetReaders = z.input<typeof SetReaders>;

export const DocumentParams = z.strictObject({ id: uuid() });
export const VersionParams = z.strictObject({
  id: uuid(),
  version: z.string().regex(/^\d{1,9}$/, 'a version number'),
});
export const OwnerQuery = z.strictObject({ ownerType: OwnerType, ownerId: uuid() });
export const ContentQuery = z.strictObject({
  /** Shown inside the app (images and PDFs only); otherwise a download (attachment). */
  inline: z.enum(['true', 'false']).default('false'),
});
export const DeleteQuery = z.strictObject({ expectedVersion: z.string().regex(/^\d{1,9}$/, 'a version number') });
