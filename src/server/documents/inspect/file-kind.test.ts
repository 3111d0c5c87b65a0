import assert from 'node:assert/strict';
import { test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { DETECTION_BYTES, detectKind, KINDS, type Kind } from './file-kind.ts';
import type { Refusal } from './refusal.ts';
import { docxWithAuthor, jpegWithGps, odtWithAuthor, pdfWithAuthor } from './test-fixtures.ts';

const head = (bytes: Uint8Array): Uint8Array => bytes.subarray(0, DETECTION_BYTES);

async function accepted(bytes: Uint8Array, name: string): Promise<Kind> {
  const result = await detectKind(head(bytes), name);
  assert.ok(result.ok, `${name}: ${JSON.stringify(result)}`);
  return result;
}

async function refused(bytes: Uint8Array, name: string, reason: Refusal['reason']): Promise<Refusal> {
  const result = await detectKind(head(bytes), name);
  assert.equal(result.ok, false, `${name} was accepted as ${JSON.stringify(result)}`);
  assert.ok(!result.ok);
  assert.equal(result.reason, reason, `${name}: ${result.detail}`);
  return result;
}

const text = (s: string): Uint8Array => Buffer.from(s, 'utf8');

test('every kind on the allowlist is recognised by its magic bytes and extension', async () => {
  const jpeg = await jpegWithGps();
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
    .png()
    .toBuffer();
  const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
    .gif()
    .toBuffer();
  const webp = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
    .webp()
    .toBuffer();
  const cases: [Uint8Array, string, string, string][] = [
    [await pdfWithAuthor(), 'a.pdf', 'pdf', 'none'],
    [png, 'a.PNG', 'png', 'none'],
    [jpeg, 'a.jpg', 'jpeg', 'none'],
    [jpeg, 'a.jpeg', 'jpeg', 'none'],
    [gif, 'a.gif', 'gif', 'none'],
    [webp, 'a.webp', 'webp', 'none'],
    [heicHeader(), 'a.heic', 'heic', 'none'],
    [await docxWithAuthor(), 'a.docx', 'docx', 'zip'],
    [odtWithAuthor(), 'a.odt', 'odt', 'zip'],
    [text('Name;Abteilung\nErika;Lager\n'), 'a.csv', 'csv', 'text'],
    [text('\uFEFFÄrger im Büro\r\n\f'), 'a.txt', 'txt', 'text'],
    [text('From: a@example.org\r\nSubject: Hallo\r\n\r\nText'), 'a.eml', 'eml', 'text'],
  ];
  for (const [bytes, name, id, pending] of cases) {
    const kind = await accepted(bytes, name);
    assert.equal(kind.id, id, name);
    assert.equal(kind.pending, pending, name);
    assert.equal(kind.mime, KINDS.find((k) => k.id === id)?.mime);
  }
});

test('an OOXML package whose content types come late is accepted pending the ZIP guard', async () => {
  const late = await docxWithAuthor({ contentTypesLast: true });
  assert.equal((await fileTypeFromBuffer(head(late)))?.ext, 'zip', 'file-type cannot tell from the first bytes');
  const kind = await accepted(late, 'late.docx');
  assert.equal(kind.id, 'docx');
  assert.equal(kind.pending, 'zip');
});

test('a zero-byte file is refused as empty', async () => {
  await refused(new Uint8Array(0), 'a.pdf', 'empty');
  await refused(new Uint8Array(0), 'a.txt', 'empty');
});

test('polyglots whose magic bytes disagree with the name are refused as type_mismatch', async () => {
  const pdf = await pdfWithAuthor();
  const zip = zipSync({ 'a.txt': strToU8('hallo') });
  await refused(pdf, 'photo.png', 'type_mismatch');
  await refused(zip, 'report.pdf', 'type_mismatch');
  await refused(await jpegWithGps(), 'notes.txt', 'type_mismatch');
  await refused(text('Nur ein Text, kein PDF.\n'), 'report.pdf', 'type_mismatch');
  await refused(await docxWithAuthor(), 'sheet.xlsx', 'type_mismatch');
  await refused(odtWithAuthor(), 'text.docx', 'type_mismatch');
  await refused(await docxWithAuthor(), 'text.odt', 'type_mismatch');
  // A PDF written in plain ASCII is still a PDF, whatever the name says.
  await refused(text('%PDF-1.4\n1 0 obj << >> endobj\n'), 'notes.txt', 'type_mismatch');
  await refused(text('{\\rtf1 Hallo}'), 'notes.txt', 'type_mismatch');
});

test('types off the allowlist are refused, whatever their name', async () => {
  await refused(text('hallo'), 'run.exe', 'unknown_type');
  await refused(text('hallo'), 'noextension', 'unknown_type');
  const cfb = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(600)]);
  await refused(cfb, 'mail.msg', 'unknown_type');
  await refused(cfb, 'old.doc', 'unknown_type');
  await refused(cfb, 'mail.docx', 'type_mismatch');
  await refused(Buffer.from([0x13, 0x37, 0x00, 0xff, 0x01, 0x02]), 'a.pdf', 'unknown_type');
});

test('text kinds: UTF-8 accepted; Latin-1, NUL and binary refused as not_text', async () => {
  await accepted(text('Grüße aus Köln\n'), 'a.txt');
  await refused(Buffer.from('Grüße aus Köln\n', 'latin1'), 'a.txt', 'not_text');
  await refused(text('a\u0000b'), 'a.csv', 'not_text');
  await refused(text('a\u001b[2Jb'), 'a.txt', 'not_text');
  await refused(Buffer.from('fffe480061006c006c006f00', 'hex'), 'utf16.txt', 'not_text');
  // Short signatures at the start of ordinary text are a coincidence, not a type.
  await accepted(text('BMI;Gewicht\n22;70\n'), 'bmi.csv');
  await accepted(text('MZ-Bericht\n'), 'mz.txt');
});

test('EML must start with RFC 5322 header fields', async () => {
  await accepted(text('Received: from x\r\n\tby y\r\nFrom: a@b.example\r\n\r\nBody'), 'a.eml');
  await refused(text('Hallo,\r\nanbei der Bericht.\r\n'), 'a.eml', 'type_mismatch');
  await refused(text('Name: Erika\r\nRolle: Lager\r\n\r\n'), 'a.eml', 'type_mismatch');
  await refused(text(' From: a@b\r\n\r\n'), 'a.eml', 'type_mismatch');
});

test('a bad name refuses the upload before its bytes are looked at', async () => {
  await refused(text('x'), '../', 'bad_name');
  await refused(text('x'), '\u202e\u0000', 'bad_name');
  const kind = await accepted(text('x'), '../../secret/a.txt');
  assert.equal(kind.fileName, 'a.txt');
});

/** The first bytes of a HEIC file: an ftyp box with the "heic" brand (sharp cannot write HEVC here). */
function heicHeader(): Uint8Array {
  const box = Buffer.alloc(24);
  box.writeUInt32BE(24, 0);
  box.write('ftypheic', 4, 'latin1');
  box.write('mif1heic', 16, 'latin1');
  return Buffer.concat([box, Buffer.alloc(64)]);
}
