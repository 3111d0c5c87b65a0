import assert from 'node:assert/strict';
import { test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import { docxBomb, docxWithAuthor, inChunks, odtWithAuthor } from './test-fixtures.ts';
import { DEFAULT_ZIP_LIMITS, entryNameProblem, guardZip } from './zip-guard.ts';

const TYPES = strToU8(
  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
);

test('real packages pass and their type is confirmed from inside the archive', async () => {
  const docx = await guardZip(inChunks(await docxWithAuthor()), 'docx');
  assert.ok(docx.ok, JSON.stringify(docx));
  assert.equal(docx.detected, 'docx');
  const late = await guardZip(inChunks(await docxWithAuthor({ contentTypesLast: true }), 1000), 'docx');
  assert.ok(late.ok, JSON.stringify(late));
  const odt = await guardZip(odtWithAuthor(), 'odt');
  assert.ok(odt.ok, JSON.stringify(odt));
  assert.equal(odt.detected, 'odt');
});

test('a package whose inside names another type is a type_mismatch', async () => {
  assert.equal(((await guardZip(await docxWithAuthor(), 'xlsx')) as { reason: string }).reason, 'type_mismatch');
  const plain = zipSync({ 'a.txt': strToU8('x') });
  assert.equal(((await guardZip(plain, 'docx')) as { reason: string }).reason, 'type_mismatch');
  const both = zipSync({ mimetype: strToU8('application/vnd.oasis.opendocument.text'), '[Content_Types].xml': TYPES });
  assert.equal(((await guardZip(both, 'docx')) as { detail: string }).detail, 'ambiguous_package');
});

test('a 2 GiB DOCX-shaped bomb is refused quickly and in bounded memory', async () => {
  const bomb = docxBomb(2);
  assert.ok(bomb.length < 4 * 1024 ** 2, `the bomb is ${bomb.length} bytes`);
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const verdict = await guardZip(inChunks(bomb), 'docx');
  const elapsed = performance.now() - started;
  assert.equal(verdict.ok, false);
  assert.ok(!verdict.ok);
  assert.equal(verdict.reason, 'zip_bomb');
  assert.ok(elapsed < 5000, `took ${elapsed} ms`);
  assert.ok(process.memoryUsage().rss - rssBefore < 200 * 1024 ** 2, 'memory stayed bounded');

  // Without the ratio check, the total limit stops it (set low: inflating a whole GiB takes seconds).
  const limits = { ...DEFAULT_ZIP_LIMITS, maxRatio: Number.POSITIVE_INFINITY, maxTotalBytes: 64 * 1024 ** 2 };
  const total = await guardZip(bomb, 'docx', limits);
  assert.ok(!total.ok);
  assert.equal(total.detail, 'too_large');
});

test('too many entries is a bomb too', async () => {
  const many: Record<string, Uint8Array> = { '[Content_Types].xml': TYPES };
  for (let i = 0; i < 10_001; i++) many[`word/e${i}.xml`] = new Uint8Array(0);
  const verdict = await guardZip(zipSync(many, { level: 0 }), 'docx');
  assert.ok(!verdict.ok);
  assert.equal(verdict.detail, 'too_many_entries');
});

test('entry names that escape, hide or repeat are refused as bad_archive', async () => {
  const cases: [string, string][] = [
    ['../evil.xml', 'traversal_in_name'],
    ['word/../../evil.xml', 'traversal_in_name'],
    ['/etc/cron.d/x', 'absolute_name'],
    ['C:/x.xml', 'absolute_name'],
    ['word\\document.xml', 'backslash_in_name'],
    ['word/a\u0000.xml', 'control_in_name'],
  ];
  for (const [name, detail] of cases) {
    assert.equal(entryNameProblem(name), detail, name);
    const verdict = await guardZip(zipSync({ '[Content_Types].xml': TYPES, [name]: strToU8('x') }), 'docx');
    assert.ok(!verdict.ok, name);
    assert.equal(verdict.reason, 'bad_archive', name);
  }
  assert.equal(entryNameProblem('word/media/image 1.png'), undefined);
  const twice = zipSync({ '[Content_Types].xml': TYPES, 'word/a.xml': strToU8('1'), 'WORD/A.xml': strToU8('2') });
  assert.equal(((await guardZip(twice, 'docx')) as { detail: string }).detail, 'duplicate_entry');
});

test('archives inside the archive are refused, except embedded packages, which are walked too', async () => {
  const inner = zipSync({ 'a.txt': strToU8('x') });
  const nested = zipSync({ '[Content_Types].xml': TYPES, 'word/stuff.zip': inner });
  assert.equal(((await guardZip(nested, 'docx')) as { detail: string }).detail, 'nested_zip');
  const gzip = zipSync({ '[Content_Types].xml': TYPES, 'word/a.bin': Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0) });
  assert.equal(((await guardZip(gzip, 'docx')) as { detail: string }).detail, 'nested_gzip');

  const chart = zipSync({ '[Content_Types].xml': TYPES, 'word/embeddings/Microsoft_Excel_Worksheet.xlsx': inner });
  assert.ok((await guardZip(chart, 'docx')).ok, 'a chart workbook is fine');
  const bombInside = zipSync({ '[Content_Types].xml': TYPES, 'word/embeddings/x.xlsx': [docxBomb(1), { level: 0 }] });
  const verdict = await guardZip(bombInside, 'docx');
  assert.ok(!verdict.ok);
  assert.equal(verdict.reason, 'zip_bomb');
  const deeper = zipSync({ '[Content_Types].xml': TYPES, 'word/embeddings/x.xlsx': [nested, { level: 0 }] });
  assert.equal(((await guardZip(deeper, 'docx')) as { detail: string }).detail, 'nested_zip');
});

test('truncated, corrupt and empty archives are bad_archive', async () => {
  const docx = await docxWithAuthor();
  const truncated = await guardZip(docx.subarray(0, 3000), 'docx');
  assert.ok(!truncated.ok);
  assert.equal(truncated.reason, 'bad_archive');
  const corrupt = zipSync({ '[Content_Types].xml': TYPES, 'word/document.xml': strToU8('x'.repeat(5000)) });
  // The entry's deflate data starts right after its name in the local header (no extra field);
  // 0xff opens a block of the reserved type 3.
  const name = Buffer.from(corrupt).indexOf('word/document.xml');
  corrupt[name + 'word/document.xml'.length] = 0xff;
  assert.equal(((await guardZip(corrupt, 'docx')) as { reason: string }).reason, 'bad_archive');
  assert.equal(((await guardZip(zipSync({}), 'docx')) as { detail: string }).detail, 'no_entries');
  // Cut between two entries: everything read was whole, but the central directory is missing.
  const whole = zipSync({ '[Content_Types].xml': TYPES, 'word/a.xml': strToU8('x'), 'word/b.xml': strToU8('y') });
  const second = Buffer.from(whole).indexOf('PK\x03\x04', 10, 'latin1');
  const cut = await guardZip(whole.subarray(0, Buffer.from(whole).indexOf('PK\x03\x04', second + 4, 'latin1')), 'docx');
  assert.ok(!cut.ok);
  assert.equal(cut.detail, 'no_central_directory');
});
