/**
 * Test fixtures, made at test time (nothing binary is committed): images with EXIF and GPS, a PDF
 * and office documents with an author's name in every usual place, and ZIP bombs. Used by the
 * tests in inspect/ and strip/ only.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { strToU8, Zip, ZipPassThrough, type Zippable, zipSync } from 'fflate';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';

export const AUTHOR = 'Erika Musterfrau';
export const COMPANY = 'Musterfirma GmbH';
/** Berlin, written as EXIF rationals. */
const GPS = {
  GPSLatitudeRef: 'N',
  GPSLatitude: '52/1 31/1 12/1',
  GPSLongitudeRef: 'E',
  GPSLongitude: '13/1 24/1 36/1',
};

export function has(haystack: Uint8Array, needle: string): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.length).includes(Buffer.from(needle, 'latin1'));
}

/** A JPEG whose EXIF names the author and camera, holds a GPS position, and says "turn 90°". */
export async function jpegWithGps(width = 64, height = 48, noisy = false): Promise<Buffer> {
  const noise = noisy ? ({ type: 'gaussian', mean: 128, sigma: 40 } as const) : undefined;
  return (
    sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 }, noise } })
      .jpeg()
      .withExif({ IFD0: { Artist: AUTHOR, Make: 'TestCam', Model: 'T-1000' }, IFD3: GPS })
      // sharp writes the orientation from here, not from the EXIF tags above.
      .withMetadata({ orientation: 6 })
      .toBuffer()
  );
}

/** A PNG with EXIF (eXIf), XMP (iTXt) and a tEXt chunk naming the author. */
export async function pngWithText(): Promise<Buffer> {
  const xmp = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>${AUTHOR}</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>`;
  const png = await sharp({ create: { width: 32, height: 32, channels: 4, background: '#3366cc' } })
    .png()
    .withExif({ IFD0: { Artist: AUTHOR }, IFD3: GPS })
    .withXmp(xmp)
    .toBuffer();
  return insertPngChunk(png, 'tEXt', Buffer.from(`Author\0${AUTHOR}`, 'latin1'));
}

/** Inserts a chunk right after IHDR (signature 8 bytes, IHDR 25). */
function insertPngChunk(png: Buffer, type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return Buffer.concat([png.subarray(0, 33), chunk, png.subarray(33)]);
}

/**
 * A PDF with the author in the information dictionary, in XMP, on a comment, and in an orphaned
 * object appended the way an incremental update leaves old objects behind; plus a JPEG with GPS.
 */
export async function pdfWithAuthor(): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  document.setAuthor(AUTHOR);
  document.setCreator('Word for Erika');
  document.setProducer('TestProducer 1.0');
  document.setTitle('Vertraulich');
  document.setKeywords(['intern', AUTHOR]);
  const page = document.addPage([300, 200]);
  const font = await document.embedFont(StandardFonts.Helvetica);
  page.drawText('Hallo', { x: 20, y: 150, size: 12, font });
  const photo = await document.embedJpg(await jpegWithGps());
  page.drawImage(photo, { x: 20, y: 20, width: 64, height: 48 });
  const context = document.context;
  const xmp = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>${AUTHOR}</dc:creator></x:xmpmeta><?xpacket end="w"?>`;
  const metadata = context.stream(xmp, { Type: 'Metadata', Subtype: 'XML' });
  document.catalog.set(PDFName.of('Metadata'), context.register(metadata));
  const comment = context.obj({
    Type: 'Annot',
    Subtype: 'Text',
    Rect: [10, 10, 30, 30],
    Contents: PDFString.of('Bitte prüfen'),
    T: PDFString.of(AUTHOR),
    M: PDFString.of('D:20240101120000Z'),
  });
  page.node.set(PDFName.of('Annots'), context.obj([context.register(comment)]));
  const saved = await document.save({ useObjectStreams: false });
  const orphan = `\n9999 0 obj\n<< /Author (${AUTHOR} old revision) >>\nendobj\n`;
  return Buffer.concat([saved, Buffer.from(orphan, 'latin1')]);
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/><Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>`;

const RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>`;

const DOCUMENT = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Sachverhalt</w:t></w:r></w:p><w:p><w:ins w:id="1" w:author="${AUTHOR}" w:date="2024-01-01T12:00:00Z"><w:r><w:t>eingefügt</w:t></w:r></w:ins></w:p></w:body></w:document>`;

const DOCUMENT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.jpeg"/></Relationships>`;

const CORE = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Vermerk</dc:title><dc:creator>${AUTHOR}</dc:creator><cp:lastModifiedBy>${AUTHOR}</cp:lastModifiedBy><cp:revision>7</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">2024-01-01T10:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2024-01-02T10:00:00Z</dcterms:modified></cp:coreProperties>`;

const APP = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Template>Normal.dotm</Template><TotalTime>42</TotalTime><Company>${COMPANY}</Company><Manager>${AUTHOR}</Manager><Application>Microsoft Office Word</Application></Properties>`;

const CUSTOM = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Bearbeiter"><vt:lpwstr>${AUTHOR}</vt:lpwstr></property></Properties>`;

/**
 * A minimal but valid DOCX with the author in core, app and custom properties, in a tracked
 * change, and a photo with GPS. contentTypesLast puts [Content_Types].xml behind the photo, out
 * of reach of the first 4100 bytes.
 */
export async function docxWithAuthor(options: { contentTypesLast?: boolean } = {}): Promise<Uint8Array> {
  // Noise makes the photo large enough (~100 KB) to push later entries past the first bytes.
  const photo = await jpegWithGps(400, 300, true);
  const rest: Zippable = {
    '_rels/.rels': strToU8(RELS),
    'word/document.xml': strToU8(DOCUMENT),
    'word/_rels/document.xml.rels': strToU8(DOCUMENT_RELS),
    'docProps/core.xml': strToU8(CORE),
    'docProps/app.xml': strToU8(APP),
    'docProps/custom.xml': strToU8(CUSTOM),
  };
  const types = { '[Content_Types].xml': strToU8(CONTENT_TYPES) };
  const media: Zippable = { 'word/media/image1.jpeg': [photo, { level: 0 }] };
  return options.contentTypesLast ? zipSync({ ...media, ...rest, ...types }) : zipSync({ ...types, ...rest, ...media });
}

/** A minimal ODT with the author in meta.xml and a printer in settings.xml. */
export function odtWithAuthor(): Uint8Array {
  const office = 'urn:oasis:names:tc:opendocument:xmlns:office:1.0';
  return zipSync({
    mimetype: [strToU8('application/vnd.oasis.opendocument.text'), { level: 0 }],
    'META-INF/manifest.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/><manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/></manifest:manifest>`,
    ),
    'content.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="${office}" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body><office:text><text:p>Sachverhalt</text:p></office:text></office:body></office:document-content>`,
    ),
    'meta.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><office:document-meta xmlns:office="${office}" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"><office:meta><meta:initial-creator>${AUTHOR}</meta:initial-creator><dc:creator>${AUTHOR}</dc:creator><meta:editing-cycles>12</meta:editing-cycles><meta:creation-date>2024-01-01T10:00:00</meta:creation-date></office:meta></office:document-meta>`,
    ),
    'settings.xml': strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><office:document-settings xmlns:office="${office}" xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" office:version="1.3"><office:settings><config:config-item config:name="PrinterName" config:type="string">HP-Buero-${AUTHOR}</config:config-item></office:settings></office:document-settings>`,
    ),
  });
}

/** A stored entry that hands fflate's Zip bytes deflated beforehand, with their true CRC and size. */
class PreDeflated extends ZipPassThrough {
  constructor(filename: string, crc: number, size: number) {
    super(filename);
    this.compression = 8;
    this.crc = crc;
    this.size = size;
  }

  override push(chunk: Uint8Array, final?: boolean): void {
    this.process(chunk as Uint8Array<ArrayBuffer>, final ?? false);
  }
}

/**
 * A DOCX-shaped ZIP bomb: [Content_Types].xml and a word/document.xml of `gib` GiB of zeros. One
 * MiB of zeros is deflated once, ending in a full flush (byte-aligned, not final, no reference
 * back), so the same bytes repeated are a valid deflate stream of any length: about 1 KiB per
 * MiB, and nothing of the inflated size is ever in memory here.
 */
export function docxBomb(gib = 2): Uint8Array {
  const mib = Buffer.alloc(1024 ** 2);
  const segment = deflateRawSync(mib, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const segments = gib * 1024;
  let crc = 0;
  for (let i = 0; i < segments; i++) crc = crc32(mib, crc);
  const parts: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error !== null) throw error;
    parts.push(chunk);
  });
  const types = new ZipPassThrough('[Content_Types].xml');
  zip.add(types);
  types.push(strToU8(CONTENT_TYPES), true);
  const document = new PreDeflated('word/document.xml', crc, segments * 1024 ** 2);
  zip.add(document);
  for (let i = 0; i < segments; i++) document.push(segment);
  document.push(deflateRawSync(Buffer.alloc(0)), true);
  zip.end();
  return Buffer.concat(parts);
}

/** Three differently coloured 16×16 frames (identical frames would be merged by the encoder). */
export async function animatedGif(): Promise<Buffer> {
  const frame = 16 * 16 * 3;
  const raw = Buffer.alloc(3 * frame);
  for (let f = 0; f < 3; f++) raw.fill(60 + f * 80, f * frame, (f + 1) * frame);
  return sharp(raw, { raw: { width: 16, height: 48, channels: 3, pageHeight: 16 } })
    .gif({ loop: 0, delay: [100, 100, 100] })
    .toBuffer();
}

/** Yields a buffer in chunks the size an HTTP upload arrives in. */
export async function* inChunks(bytes: Uint8Array, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}
