/**
 * What stripping found but did not remove: identifying data that is part of the content, or that
 * no maintained library here can take out. The upload pipeline decides what to do with it (for an
 * anonymous report: tell the reporter before sending, or refuse).
 */
export type Residual =
  /** An e-mail's headers (sender, recipients, routing, client) are its content: kept. */
  | 'eml_headers'
  /** Files attached inside a PDF keep their own metadata. */
  | 'pdf_embedded_files'
  /** A digital signature's certificate names the signer (and the signature is void after stripping). */
  | 'pdf_signatures'
  /** A CMYK or otherwise unusual JPEG inside a PDF kept its EXIF/XMP. */
  | 'pdf_image_metadata'
  /** Names of comment or tracked-change authors inside an office document's body. */
  | 'authors_in_content'
  /** OOXML custom XML parts (SharePoint and other document properties live there). */
  | 'custom_xml'
  /** An embedded workbook, OLE object or other package keeps its own metadata. */
  | 'embedded_package'
  /** An image inside a document could not be re-encoded (format, size or damage). */
  | 'embedded_image_unstripped'
  /** A metadata part at a non-standard place, named only after it was passed. */
  | 'metadata_part_unstripped';
