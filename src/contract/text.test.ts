import assert from 'node:assert/strict';
import { test } from 'node:test';
import { line, text } from './text.ts';

test('names keep their joiners; hidden and reordering characters and line separators are refused', () => {
  const name = line(200);
  const notes = text(2000);
  // Persian "mi-khāham" and Hindi "kṣa" are spelled with ZWNJ and ZWJ.
  for (const ok of ['می\u200cخواهم', 'क्\u200dष', 'Erika Müller-Lüdenscheidt', '<script>alert(1)</script>']) {
    assert.equal(name.safeParse(ok).success, true, JSON.stringify(ok));
  }
  for (const bad of [
    'a\u202eb',
    'zero\u200bwidth',
    'bell\u0007',
    'two\u2028lines',
    'para\u2029graph',
    'tab\tin a line',
  ]) {
    assert.equal(name.safeParse(bad).success, false, JSON.stringify(bad));
  }
  assert.equal(notes.safeParse('first line\nsecond\tcolumn\r\n').success, true);
  assert.equal(notes.safeParse('a\u202eb').success, false);
  assert.equal(notes.safeParse('می\u200cخواهم').success, true);
});
