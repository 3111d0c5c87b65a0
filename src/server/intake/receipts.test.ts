import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkReceipt, hashReceiptSecret, newReceipt, parseReceipt, RECEIPT_SECRET_BITS } from './receipts.ts';

test('a receipt: six groups of four, a public id and a secret of at least 64 bits, never the same twice', () => {
  assert.ok(RECEIPT_SECRET_BITS >= 64, `${RECEIPT_SECRET_BITS} bits`);
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const receipt = newReceipt();
    assert.match(receipt.code, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){5}$/);
    assert.equal(receipt.code.replaceAll('-', ''), receipt.publicId + receipt.secret);
    seen.add(receipt.secret);
  }
  assert.equal(seen.size, 2000);
  // Every character of the alphabet turns up, at about the rate it should (no bias to a few).
  const counts = new Map<string, number>();
  for (const secret of seen) for (const c of secret) counts.set(c, (counts.get(c) ?? 0) + 1);
  assert.equal(counts.size, 32);
  for (const n of counts.values()) assert.ok(n > 700 && n < 1300, `a character came ${n} times of 32,000`);
});

test('typed back: case, spaces and dashes do not matter, and I, L and O read as 1 and 0', () => {
  const { code, publicId, secret } = newReceipt();
  assert.deepEqual(parseReceipt(code), { publicId, secret });
  assert.deepEqual(parseReceipt(` ${code.toLowerCase().replaceAll('-', ' ')} `), { publicId, secret });
  const withZero = `${publicId.slice(0, 7)}0${secret}`;
  assert.deepEqual(parseReceipt(withZero.replace(/0/g, 'O')), parseReceipt(withZero));
  for (const bad of ['', 'ABCD', `${code}-AAAA`, `${code.slice(0, -1)}U`, 'x'.repeat(10_000), '<script>']) {
    assert.equal(parseReceipt(bad), undefined, bad.slice(0, 30));
  }
});

test('a receipt opens its report only with its secret; a wrong secret, an unknown id and garbage take as long', async () => {
  const receipt = newReceipt();
  const stored = { reportId: 'r-1', hash: await hashReceiptSecret(receipt.secret) };
  assert.ok(!stored.hash.includes(receipt.secret));
  assert.match(stored.hash, /^\$argon2id\$v=19\$m=8192,t=2,p=1\$/);
  const lookups: string[] = [];
  const lookup = async (publicId: string) => {
    lookups.push(publicId);
    return publicId === receipt.publicId ? stored : undefined;
  };
  assert.equal(await checkReceipt(receipt.code, lookup), 'r-1');
  const wrong = `${receipt.publicId}${receipt.secret.slice(0, -1)}${receipt.secret.endsWith('0') ? '1' : '0'}`;
  const unknown = newReceipt().code;
  const timings: Record<string, number[]> = { wrong: [], unknown: [], garbage: [] };
  for (let round = 0; round < 5; round++) {
    for (const [kind, typed] of [
      ['wrong', wrong],
      ['unknown', unknown],
      ['garbage', 'not a receipt at all'],
    ] as const) {
      const started = performance.now();
      assert.equal(await checkReceipt(typed, lookup), undefined, kind);
      timings[kind]?.push(performance.now() - started);
    }
  }
  // Each refusal pays one argon2id verification (milliseconds; skipping it would take
  // microseconds): the medians of the interleaved rounds lie within a factor of three, which holds
  // on a loaded machine too.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const medians = Object.values(timings).map(median);
  assert.ok(Math.max(...medians) < 3 * Math.min(...medians), `medians ${medians.map((m) => m.toFixed(1))} ms`);
  assert.ok(Math.min(...medians) > 1, 'a refusal costs a slow hash');
  assert.ok(!lookups.includes(''), 'garbage is never looked up');
});
