import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { UploadInspection } from './inspect.ts';
import { docxBomb, docxWithAuthor, inChunks, jpegWithGps } from './test-fixtures.ts';

async function run(bytes: Uint8Array, name: string, chunkSize = 1000, maxBytes?: number) {
  const inspection = new UploadInspection(name, { maxBytes });
  let pushes = 0;
  for await (const chunk of inChunks(bytes, chunkSize)) {
    pushes++;
    if ((await inspection.push(chunk)) !== undefined) break;
  }
  return { verdict: await inspection.finish(), pushes };
}

test('an upload streamed in small chunks is detected and fully checked', async () => {
  const docx = await run(await docxWithAuthor({ contentTypesLast: true }), 'Vermerk.docx', 700);
  assert.ok(docx.verdict.ok, inspect(docx.verdict));
  assert.equal(docx.verdict.id, 'docx');
  const photo = await run(await jpegWithGps(), 'IMG_0001.JPG');
  assert.ok(photo.verdict.ok);
  assert.equal(photo.verdict.id, 'jpeg');
  const tiny = await run(Buffer.from('kurz'), 'kurz.txt');
  assert.ok(tiny.verdict.ok, 'a file shorter than the detection window');
});

test('text is checked to the last byte, not only in the first bytes', async () => {
  const late = Buffer.concat([Buffer.from('a'.repeat(50_000)), Uint8Array.of(0)]);
  const { verdict } = await run(late, 'log.txt');
  assert.ok(!verdict.ok);
  assert.equal(verdict.reason, 'not_text');
});

test('a bomb stops the upload early', async () => {
  const bomb = docxBomb(1);
  const { verdict, pushes } = await run(bomb, 'bomb.docx', 16 * 1024);
  assert.ok(!verdict.ok);
  assert.equal(verdict.reason, 'zip_bomb');
  assert.ok(pushes < bomb.length / (16 * 1024), 'reading stopped before the end');
});

test('the upload limit is enforced while streaming', async () => {
  const { verdict } = await run(Buffer.alloc(10_000, 0x61), 'a.txt', 1000, 5000);
  assert.ok(!verdict.ok);
  assert.equal(verdict.reason, 'too_large');
});

test('refusals say nothing of the name or the content', async () => {
  const { verdict } = await run(Buffer.from('Geheim: Erika'), 'Erika.pdf');
  assert.ok(!verdict.ok);
  assert.ok(!JSON.stringify(verdict).includes('Erika'));
});
