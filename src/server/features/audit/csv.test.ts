import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvCell, csvLine } from './csv.ts';

test('every cell is quoted, so no separator inside a value starts a new cell', () => {
  assert.equal(csvCell('plain'), '"plain"');
  assert.equal(csvCell(null), '""');
  assert.equal(csvCell("Mozilla;=cmd|' /C calc'!A0;"), '"Mozilla;=cmd|\' /C calc\'!A0;"');
  assert.equal(csvCell('a "quoted" word'), '"a ""quoted"" word"');
  assert.equal(csvLine(['a', 'b,c']), '"a","b,c"\r\n');
});

test('a value a spreadsheet would run as a formula gets an apostrophe', () => {
  for (const v of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) assert.equal(csvCell(v).slice(0, 2), `"'`);
});
