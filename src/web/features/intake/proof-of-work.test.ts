import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { FloodChallenge } from '../../../server/intake/flood-challenge.ts';
import { leadingZeroBits, solveChallenge } from './proof-of-work.ts';

const bytes = (...values: number[]) => Uint8Array.from(values);

test('leading zero bits count from the most significant bit of the first byte', () => {
  assert.equal(leadingZeroBits(bytes(0x80, 0)), 0);
  assert.equal(leadingZeroBits(bytes(0x7f)), 1);
  assert.equal(leadingZeroBits(bytes(0x01, 0xff)), 7);
  assert.equal(leadingZeroBits(bytes(0x00, 0x80)), 8);
  assert.equal(leadingZeroBits(bytes(0x00, 0x00, 0x3f)), 18);
  // A set bit in a later byte does not count towards the zeros of an earlier one.
  assert.equal(leadingZeroBits(bytes(0x00, 0x0f, 0x00)), 12);
  assert.equal(leadingZeroBits(bytes(0, 0, 0, 0)), 32);
  assert.equal(leadingZeroBits(bytes()), 0);
});

test('the nonce found solves the challenge as the server checks it: SHA-256 of "seed:nonce" in UTF-8', async () => {
  // A seed with characters beyond ASCII: the hash is of its UTF-8 bytes.
  const seed = 'mf3k2a.Zx_ü.mac';
  const nonce = await solveChallenge(seed, 12);
  assert.match(nonce, /^\d+$/);
  const digest = createHash('sha256').update(`${seed}:${nonce}`, 'utf8').digest();
  assert.ok(leadingZeroBits(digest) >= 12, `the hash of ${nonce} begins with ${leadingZeroBits(digest)} zero bits`);
  // The first such nonce: every smaller one falls short.
  for (let n = 0; n < Number(nonce); n++) {
    assert.ok(leadingZeroBits(createHash('sha256').update(`${seed}:${n}`).digest()) < 12);
  }
});

test('the server accepts the proof: a challenge it issued, solved here', async () => {
  const now = Date.now();
  const flood = new FloodChallenge({ threshold: 1, difficulty: 10 });
  const { seed, difficulty } = flood.issue(now);
  const nonce = await solveChallenge(seed, difficulty);
  assert.equal(flood.accept({ seed, nonce }, now), true);
});

test('the search stops when the page no longer needs it', async () => {
  const controller = new AbortController();
  const search = solveChallenge('seed', 64, controller.signal);
  controller.abort(new Error('left the page'));
  await assert.rejects(search, /left the page/);
});
