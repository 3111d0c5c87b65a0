import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextCheck } from './text-check.ts';

function verdict(...chunks: Uint8Array[]): string | undefined {
  const check = new TextCheck();
  for (const chunk of chunks) check.push(chunk);
  return check.finish()?.detail;
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');

test('valid UTF-8 passes whole, or split anywhere inside a character', () => {
  const bytes = utf8('Grüße 👋 aus Köln\tTab\r\nZeile\f');
  assert.equal(verdict(bytes), undefined);
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.equal(verdict(bytes.subarray(0, cut), bytes.subarray(cut)), undefined, `cut at ${cut}`);
  }
  // One byte at a time.
  assert.equal(verdict(...Array.from(bytes, (b) => Uint8Array.of(b))), undefined);
});

test('invalid UTF-8 anywhere in the file is refused, the end included', () => {
  assert.equal(verdict(utf8('a'.repeat(100_000)), Buffer.from('ä', 'latin1')), 'invalid_utf8');
  assert.equal(verdict(utf8('ok'), Uint8Array.of(0xf0, 0x9f)), 'invalid_utf8', 'cut off character at the end');
  assert.equal(verdict(Uint8Array.of(0xed, 0xa0, 0x80)), 'invalid_utf8', 'an encoded surrogate');
  assert.equal(verdict(Uint8Array.of(0xc0, 0xaf)), 'invalid_utf8', 'an overlong slash');
});

test('NUL, other C0 controls, ESC, DEL and C1 controls are refused', () => {
  for (const c of [0x00, 0x01, 0x08, 0x0b, 0x0e, 0x1b, 0x1f, 0x7f, 0x85, 0x9b]) {
    assert.equal(verdict(utf8(`text ${String.fromCharCode(c)} more`)), 'control_character', `U+${c.toString(16)}`);
  }
  assert.equal(verdict(utf8('late\n'.repeat(50_000)), Uint8Array.of(0)), 'control_character');
});

test('nothing pushed is empty; the verdict stays once refused', () => {
  assert.equal(new TextCheck().finish()?.reason, 'empty');
  const check = new TextCheck();
  check.push(Uint8Array.of(0));
  assert.equal(check.refusalSoFar?.reason, 'not_text');
  check.push(utf8('fine'));
  assert.equal(check.finish()?.reason, 'not_text');
});
