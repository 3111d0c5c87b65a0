import { PDFArray, PDFDict, PDFDocument, PDFName, type PDFObject, PDFRawStream, PDFRef, PDFStream } from 'pdf-lib';
import sharp from 'sharp';
import { type Refusal, refuse } from '../inspect/refusal.ts';
import type { Residual } from './residual.ts';

const name = (n: string): PDFName => PDFName.of(n);

/** Keys that hold metadata on any dictionary: XMP streams, application private data, edit times. */
const METADATA_KEYS = ['Metadata', 'PieceInfo', 'LastModified'].map(name);
/** On markup annotations (comments, highlights, …): the author (T) and the times. */
const ANNOTATION_KEYS = ['T', 'M', 'CreationDate'].map(name);
/** A widget's T is its form field's name, a link has no author: both keep their keys. */
const NON_MARKUP = new Set(['Widget', 'Link', 'Popup'].map(name));
/** What a signature dictionary says about the signer besides the certificate. */
const SIGNATURE_KEYS = ['Name', 'Location', 'Reason', 'ContactInfo', 'M'].map(name);

/** JPEG segments that hold metadata: EXIF (GPS among it), XMP, Photoshop's IPTC. */
const JPEG_METADATA = ['Exif\0\0', 'http://ns.adobe.com/xap/1.0/', 'Photoshop 3.0'].map((s) =>
  Buffer.from(s, 'latin1'),
);
const JPEG_SEGMENT_SCAN_BYTES = 256 * 1024;

/**
 * Removes a PDF's metadata with pdf-lib: the document information dictionary (author, creator,
 * producer, title, subject, keywords, dates) and the file identifier from the trailer; XMP
 * streams, PieceInfo and LastModified from every object; authors and times from comments; the
 * signer's name, place and reason from signatures; and EXIF/XMP from embedded RGB and grey JPEG
 * images (re-encoded). Then every object no longer reachable from the catalog is dropped and the
 * whole file is written anew: an incremental save would keep the old objects, author included.
 * Objects are written without object streams, so a search of the output bytes sees them all.
 *
 * pdf-lib needs the whole file in memory, several times its size while parsing. Encrypted PDFs
 * are refused: pdf-lib cannot decrypt them, and their strings are ciphertext.
 */
export async function stripPdf(bytes: Uint8Array, residual: Set<Residual>): Promise<Uint8Array | Refusal> {
  let document: PDFDocument;
  try {
    // updateMetadata would write pdf-lib as the producer and today as the modification date.
    // Encryption is checked below: pdf-lib's own EncryptedPDFError is compiled to ES5 and fails
    // instanceof.
    document = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true });
  } catch {
    return refuse('cannot_strip', 'pdf_unreadable');
  }
  if (document.isEncrypted) return refuse('cannot_strip', 'pdf_encrypted');
  const context = document.context;
  // pdf-lib reads almost anything; a file without a catalog and pages is no document to keep.
  const catalog = context.lookup(context.trailerInfo.Root);
  if (!(catalog instanceof PDFDict) || !(catalog.lookup(name('Pages')) instanceof PDFDict)) {
    return refuse('cannot_strip', 'pdf_unreadable');
  }
  context.trailerInfo.Info = undefined;
  context.trailerInfo.ID = undefined;

  const images: [PDFRef, PDFRawStream][] = [];
  for (const [ref, object] of context.enumerateIndirectObjects()) {
    scrub(object, residual);
    if (object instanceof PDFRawStream && isJpegImage(object)) images.push([ref, object]);
  }
  for (const [ref, image] of images) await stripJpegImage(document, ref, image, residual);
  dropUnreachable(document);
  try {
    return await document.save({ useObjectStreams: false, updateFieldAppearances: false, addDefaultPage: false });
  } catch {
    return refuse('cannot_strip', 'pdf_unwritable');
  }
}

/** Cleans one object and the direct objects inside it (indirect ones are visited on their own). */
function scrub(object: PDFObject, residual: Set<Residual>): void {
  const dict = object instanceof PDFStream ? object.dict : object instanceof PDFDict ? object : undefined;
  if (dict !== undefined) {
    for (const key of METADATA_KEYS) dict.delete(key);
    const type = dict.get(name('Type'));
    const subtype = dict.get(name('Subtype'));
    const annotation = type === name('Annot') || (subtype instanceof PDFName && dict.has(name('Rect')));
    if (annotation && !(subtype instanceof PDFName && NON_MARKUP.has(subtype))) {
      for (const key of ANNOTATION_KEYS) dict.delete(key);
    }
    if (type === name('Sig')) {
      for (const key of SIGNATURE_KEYS) dict.delete(key);
      // The certificate in /Contents still names the signer.
      residual.add('pdf_signatures');
    }
    if (type === name('EmbeddedFile') || subtype === name('FileAttachment') || dict.has(name('EmbeddedFiles'))) {
      residual.add('pdf_embedded_files');
    }
    for (const [, value] of dict.entries()) scrub(value, residual);
  } else if (object instanceof PDFArray) {
    for (const value of object.asArray()) scrub(value, residual);
  }
}

function isJpegImage(stream: PDFRawStream): boolean {
  if (stream.dict.get(name('Subtype')) !== name('Image')) return false;
  const filter = stream.dict.get(name('Filter'));
  if (filter === name('DCTDecode')) return true;
  return filter instanceof PDFArray && filter.size() === 1 && filter.get(0) === name('DCTDecode');
}

/**
 * A photo put into a PDF as is keeps its EXIF (a phone's GPS position among it). RGB and grey
 * images are re-encoded without it; CMYK and others, whose re-encoding would change the colours
 * a PDF viewer shows, are left and reported.
 */
async function stripJpegImage(
  document: PDFDocument,
  ref: PDFRef,
  image: PDFRawStream,
  residual: Set<Residual>,
): Promise<void> {
  const head = Buffer.from(image.contents.buffer, image.contents.byteOffset, image.contents.length).subarray(
    0,
    JPEG_SEGMENT_SCAN_BYTES,
  );
  if (!JPEG_METADATA.some((marker) => head.includes(marker))) return;
  const colourSpace = image.dict.get(name('ColorSpace'));
  const grey = colourSpace === name('DeviceGray');
  if ((!grey && colourSpace !== name('DeviceRGB')) || image.dict.has(name('Decode'))) {
    residual.add('pdf_image_metadata');
    return;
  }
  try {
    const clean = await sharp(image.contents, { failOn: 'error' })
      .toColourspace(grey ? 'b-w' : 'srgb')
      .jpeg({ quality: 92 })
      .toBuffer();
    document.context.assign(ref, PDFRawStream.of(image.dict, clean));
  } catch {
    residual.add('pdf_image_metadata');
  }
}

/** Deletes every indirect object the catalog does not reach (the old Info and XMP among them). */
function dropUnreachable(document: PDFDocument): void {
  const context = document.context;
  const reachable = new Set<PDFRef>();
  const pending: PDFObject[] = [context.trailerInfo.Root].filter((o): o is PDFObject => o !== undefined);
  while (pending.length > 0) {
    const object = pending.pop();
    if (object instanceof PDFRef) {
      if (reachable.has(object)) continue;
      reachable.add(object);
      const target = context.lookup(object);
      if (target !== undefined) pending.push(target);
    } else if (object instanceof PDFStream) {
      pending.push(object.dict);
    } else if (object instanceof PDFDict) {
      for (const [, value] of object.entries()) pending.push(value);
    } else if (object instanceof PDFArray) {
      pending.push(...object.asArray());
    }
  }
  for (const [ref] of context.enumerateIndirectObjects()) {
    if (!reachable.has(ref)) context.delete(ref);
  }
}
