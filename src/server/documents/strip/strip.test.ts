import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { fileTypeFromBuffer } from 'file-type';
import { PDFDocument, PDFName } from 'pdf-lib';
import sharp from 'sharp';
import {
  AUTHOR,
  animatedGif,
  COMPANY,
  docxBomb,
  docxWithAuthor,
  has,
  inChunks,
  jpegWithGps,
  odtWithAuthor,
  pdfWithAuthor,
  pngWithText,
} from '../inspect/test-fixtures.ts';
import { guardZip } from '../inspect/zip-guard.ts';
import { DEFAULT_STRIP_LIMITS, stripMetadata, stripToBuffer } from './strip.ts';

type Kind = Parameters<typeof stripToBuffer>[0];

async function stripped(kind: Kind, input: Uint8Array | AsyncIterable<Uint8Array>) {
  const result = await stripToBuffer(kind, input);
  assert.ok(result.ok, inspect(result));
  return result;
}

/** The GPS IFD pointer tag (0x8825) as it appears in a big- or little-endian EXIF block. */
function hasGpsTag(exif: Uint8Array): boolean {
  return has(exif, '\x88\x25') || has(exif, '\x25\x88');
}

test('a JPEG loses its GPS position and all other EXIF, and is turned upright', async () => {
  const original = await jpegWithGps(64, 48);
  const before = await sharp(original).metadata();
  assert.ok(before.exif !== undefined && hasGpsTag(before.exif), 'the fixture has a GPS IFD');
  assert.ok(has(original, AUTHOR));
  assert.equal(before.orientation, 6);

  const { data } = await stripped('jpeg', inChunks(original, 500));
  const after = await sharp(data).metadata();
  assert.equal(after.exif, undefined);
  assert.equal(after.xmp, undefined);
  assert.equal(after.iptc, undefined);
  assert.equal(after.icc, undefined);
  assert.equal(after.orientation, undefined);
  assert.ok(!has(data, 'Exif\0\0'), 'no EXIF segment');
  assert.ok(!has(data, AUTHOR) && !has(data, 'TestCam'));
  assert.equal(after.format, 'jpeg');
  assert.deepEqual([after.width, after.height], [48, 64], 'rotated as the orientation said');
});

test('a PNG loses eXIf, XMP and text chunks', async () => {
  const original = await pngWithText();
  assert.ok(has(original, 'tEXt') && has(original, 'eXIf') && has(original, 'XML:com.adobe.xmp'));
  const { data } = await stripped('png', original);
  for (const chunk of ['tEXt', 'iTXt', 'zTXt', 'eXIf', 'iCCP', AUTHOR]) assert.ok(!has(data, chunk), chunk);
  const after = await sharp(data).metadata();
  assert.equal(after.format, 'png');
  assert.equal(after.hasAlpha, true, 'transparency kept');
});

test('an animated GIF and WebP keep their frames', async () => {
  const gif = await animatedGif();
  assert.equal((await sharp(gif, { animated: true }).metadata()).pages, 3);
  const { data } = await stripped('gif', gif);
  const after = await sharp(data, { animated: true }).metadata();
  assert.equal(after.pages, 3);
  assert.deepEqual(after.delay, [100, 100, 100]);
  const webp = await sharp(gif, { animated: true }).webp().toBuffer();
  const cleanWebp = await stripped('webp', webp);
  assert.equal((await sharp(cleanWebp.data, { animated: true }).metadata()).pages, 3);
});

test('HEIC cannot be stripped here and is refused with its reason', async () => {
  const result = await stripMetadata('heic', new Uint8Array(100));
  assert.ok(!result.ok);
  assert.deepEqual([result.reason, result.detail], ['cannot_strip', 'heic_not_decodable']);
});

test('a PDF loses its author everywhere: Info, XMP, comments, old objects, photos', async () => {
  const original = await pdfWithAuthor();
  assert.ok(has(original, AUTHOR) && has(original, 'Exif\0\0'));
  const { data, residual } = await stripped('pdf', original);
  assert.ok(!has(data, AUTHOR), 'the author is nowhere in the bytes');
  assert.ok(!has(data, 'Erika'), 'not even in the creator');
  assert.ok(!has(data, 'TestProducer') && !has(data, 'Vertraulich') && !has(data, 'Exif\0\0'));
  assert.ok(!has(data, '/ID') && !has(data, '/Info'), 'no identifier and no information dictionary');
  assert.deepEqual(residual, []);

  const reloaded = await PDFDocument.load(data, { updateMetadata: false });
  assert.equal(reloaded.getAuthor(), undefined);
  assert.equal(reloaded.getProducer(), undefined);
  assert.equal(reloaded.catalog.get(PDFName.of('Metadata')), undefined);
  assert.equal(reloaded.getPageCount(), 1, 'the content is still there');
  assert.ok(has(data, 'Bitte pr'), 'the comment itself is content and stays');
});

test('an encrypted or unreadable PDF is refused rather than passed on unstripped', async () => {
  const broken = await stripToBuffer('pdf', Buffer.from('%PDF-1.7\n%%EOF\n'));
  assert.ok(!broken.ok);
  assert.equal(broken.reason, 'cannot_strip');
  const document = await PDFDocument.load(await pdfWithAuthor(), { updateMetadata: false });
  // pdf-lib refuses a document whose trailer names an Encrypt dictionary; that is all it takes.
  document.context.trailerInfo.Encrypt = document.context.obj({ Filter: 'Standard', V: 1, R: 2 });
  const encrypted = await document.save({ useObjectStreams: false });
  const result = await stripToBuffer('pdf', encrypted);
  assert.ok(!result.ok);
  assert.deepEqual([result.reason, result.detail], ['cannot_strip', 'pdf_encrypted']);
});

test('a DOCX loses its authors and company, stays valid, and still is a DOCX', async () => {
  const original = await docxWithAuthor();
  const { data, residual } = await stripped('docx', inChunks(original, 777));
  const before = unzipSync(original);
  const after = unzipSync(data);
  assert.deepEqual(Object.keys(after), Object.keys(before), 'same entries, same order');
  for (const part of ['docProps/core.xml', 'docProps/app.xml', 'docProps/custom.xml']) {
    const xml = strFromU8(after[part] ?? new Uint8Array(0));
    assert.ok(xml.startsWith('<?xml'), part);
    assert.ok(!xml.includes(AUTHOR) && !xml.includes(COMPANY) && !xml.includes('TotalTime'), part);
  }
  assert.ok(!strFromU8(after['docProps/core.xml'] ?? new Uint8Array(0)).includes('revision'));
  assert.deepEqual(after['[Content_Types].xml'], before['[Content_Types].xml'], 'content types unchanged');
  assert.deepEqual(after['_rels/.rels'], before['_rels/.rels'], 'relationships unchanged');
  const photo = after['word/media/image1.jpeg'] ?? new Uint8Array(0);
  assert.equal((await sharp(photo).metadata()).exif, undefined, 'the photo inside lost its EXIF');
  assert.ok(!has(photo, AUTHOR));
  assert.equal((await fileTypeFromBuffer(data))?.ext, 'docx');
  assert.ok((await guardZip(data, 'docx')).ok);
  assert.deepEqual(residual, ['authors_in_content'], 'the tracked change keeps its author, and says so');
});

test('content types read late still name the metadata parts', async () => {
  const { data } = await stripped('docx', await docxWithAuthor({ contentTypesLast: true }));
  const after = unzipSync(data);
  assert.ok(!strFromU8(after['docProps/core.xml'] ?? new Uint8Array(0)).includes(AUTHOR));
});

test('metadata parts named by content types are emptied wherever they are; too late is reported', async () => {
  const types = (core: string) =>
    strToU8(
      `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/${core}" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`,
    );
  const core = strToU8(`<cp:coreProperties><dc:creator>${AUTHOR}</dc:creator></cp:coreProperties>`);
  const people = strToU8(
    `<w15:people><w15:person w15:author="${AUTHOR}"><w15:presenceInfo w15:userId="erika@example.org"/></w15:person></w15:people>`,
  );
  const early = zipSync({
    '[Content_Types].xml': types('props/c.xml'),
    'props/c.xml': core,
    'word/people.xml': people,
  });
  const first = await stripped('docx', early);
  const after = unzipSync(first.data);
  assert.ok(!has(after['props/c.xml'] ?? new Uint8Array(0), AUTHOR));
  assert.ok(!has(after['word/people.xml'] ?? new Uint8Array(0), 'erika@'), "comment authors' accounts are gone");
  assert.deepEqual(first.residual, []);

  const late = zipSync({ 'props/c.xml': core, '[Content_Types].xml': types('props/c.xml') });
  const second = await stripped('docx', late);
  assert.deepEqual(second.residual, ['metadata_part_unstripped']);
});

test('an ODT loses meta.xml and settings.xml content, and keeps mimetype first and stored', async () => {
  const { data } = await stripped('odt', odtWithAuthor());
  const after = unzipSync(data);
  assert.equal(Object.keys(after)[0], 'mimetype');
  assert.equal(strFromU8(data.subarray(30, 38)), 'mimetype');
  assert.equal(strFromU8(data.subarray(38, 38 + 39)), 'application/vnd.oasis.opendocument.text');
  for (const part of ['meta.xml', 'settings.xml']) {
    const xml = strFromU8(after[part] ?? new Uint8Array(0));
    assert.ok(!xml.includes(AUTHOR) && !xml.includes('editing-cycles'), part);
    assert.match(xml, /office:version="1\.3"/);
  }
  assert.equal((await fileTypeFromBuffer(data))?.ext, 'odt');
});

test('stripping a bomb refuses it instead of inflating it', async () => {
  const result = await stripToBuffer('docx', inChunks(docxBomb(1)));
  assert.ok(!result.ok);
  assert.equal(result.reason, 'zip_bomb');
});

test('text kinds pass unchanged; EML keeps its headers and says so', async () => {
  const csv = Buffer.from('a;b\n1;2\n');
  const plain = await stripped('csv', csv);
  assert.deepEqual(Buffer.from(plain.data), csv);
  const eml = await stripped('eml', Buffer.from('From: a@b\r\n\r\nx'));
  assert.deepEqual(eml.residual, ['eml_headers']);
});

test('files beyond the strip limits are refused as too_large', async () => {
  const result = await stripToBuffer('jpeg', await jpegWithGps(), { ...DEFAULT_STRIP_LIMITS, maxImageBytes: 100 });
  assert.ok(!result.ok);
  assert.equal(result.reason, 'too_large');
  const pixels = await stripToBuffer('jpeg', await jpegWithGps(), { ...DEFAULT_STRIP_LIMITS, maxImagePixels: 100 });
  assert.ok(!pixels.ok);
  assert.equal(pixels.reason, 'too_large');
  const pdf = await stripToBuffer('pdf', inChunks(await pdfWithAuthor()), {
    ...DEFAULT_STRIP_LIMITS,
    maxPdfBytes: 1000,
  });
  assert.ok(!pdf.ok);
  assert.equal(pdf.reason, 'too_large');
});
