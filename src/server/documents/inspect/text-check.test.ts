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

/** The check as decoding would make it (the earlier implementation): the reference for the byte-level one. */
function decodedVerdict(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'invalid_utf8';
  }
  const forbidden = [...text].some((ch) => {
    const c = ch.charCodeAt(0);
    return (c < 0x20 && ![0x09, 0x0a, 0x0c, 0x0d].includes(c)) || (c >= 0x7f && c <= 0x9f);
  });
  if (forbidden) return 'control_character';
  return bytes.length === 0 ? 'no_bytes' : undefined;
}

test('agrees with decoding on random mixes of text, controls and broken characters, split anywhere', () => {
  // Pieces that meet at every alignment: ASCII, allowed and forbidden controls, multi-byte
  // characters (C1 among them), and their cut-off and invalid fragments.
  const pieces: Uint8Array[] = [
    'abcd',
    'x',
    '\n',
    '\t',
    '\r\n',
    'ä',
    '€',
    '👋',
    '\u0085',
    '\u009f',
    '\u00a0',
    '\u0001',
    '\u007f',
    '\u001b',
  ].map(utf8);
  pieces.push(Uint8Array.of(0xc2), Uint8Array.of(0xe2, 0x82), Uint8Array.of(0xf0, 0x9f, 0x98), Uint8Array.of(0x80));
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  const outcomes = new Set<string | undefined>();
  for (let round = 0; round < 3_000; round++) {
    const parts: Uint8Array[] = [];
    const count = 1 + random(round % 10 === 0 ? 200 : 12);
    // Mostly valid text, so that the rare bad piece is the only reason to refuse.
    for (let i = 0; i < count; i++) parts.push(pieces[random(round % 3 === 0 ? pieces.length : 8)] as Uint8Array);
    const whole = Buffer.concat(parts);
    // Cut into chunks at random places, sometimes a byte at a time.
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < whole.length; ) {
      const size = 1 + random(round % 4 === 0 ? 2 : 9);
      chunks.push(whole.subarray(at, at + size));
      at += size;
    }
    const expected = decodedVerdict(whole);
    const actual = verdict(...chunks);
    outcomes.add(expected);
    if (expected === 'invalid_utf8' && actual === 'control_character') {
      // Streaming stops at the first problem: a control before the first invalid byte.
      const firstInvalid = Buffer.from(new TextDecoder().decode(whole)).indexOf('\ufffd');
      assert.equal(decodedVerdict(Buffer.from(new TextDecoder().decode(whole)).subarray(0, firstInvalid)), actual);
    } else {
      assert.equal(actual, expected, `bytes ${whole.toString('hex')}`);
    }
  }
  // The generator reached every verdict, so the agreement means something.
  assert.deepEqual([...outcomes].sort(), ['control_character', 'invalid_utf8', undefined]);
});

test('words at every alignment: a forbidden byte is found wherever it sits in a pooled buffer', () => {
  for (let offset = 0; offset < 8; offset++) {
    for (let at = 0; at < 12; at++) {
      const backing = Buffer.alloc(offset + 16, 'a');
      backing[offset + at] = 0x01;
      assert.equal(verdict(backing.subarray(offset)), 'control_character', `offset ${offset}, at ${at}`);
      backing[offset + at] = 0x0a;
      assert.equal(verdict(backing.subarray(offset)), undefined);
    }
  }
});

test('a caller that reuses its buffer: the start of a cut character is kept as a copy', () => {
  // U+0085 (a C1 control) cut after its first byte, 0xC2; the next chunk lands in the same buffer.
  const reused = Buffer.alloc(4);
  const check = new TextCheck();
  for (const bytes of [[0x61, 0x61, 0x61, 0xc2], [0x85, 0x61, 0x61, 0xc3], [0xa4]]) {
    reused.set(bytes);
    check.push(reused.subarray(0, bytes.length));
  }
  assert.equal(check.finish()?.detail, 'control_character');
});
