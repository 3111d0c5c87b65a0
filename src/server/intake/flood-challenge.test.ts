import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FloodChallenge, leadingZeroBits, workOf } from './flood-challenge.ts';

const solve = (seed: string, difficulty: number): string => {
  for (let n = 0; ; n++) if (leadingZeroBits(workOf(seed, String(n))) >= difficulty) return String(n);
};

test('leading zero bits are counted across bytes', () => {
  assert.equal(leadingZeroBits(Buffer.from([0x00, 0x00, 0x10])), 19);
  assert.equal(leadingZeroBits(Buffer.from([0x80])), 0);
  assert.equal(leadingZeroBits(Buffer.from([0x01])), 7);
  assert.equal(leadingZeroBits(Buffer.from([0, 0])), 16);
});

test('a proof is required only after the threshold was passed, this minute or the last', () => {
  const flood = new FloodChallenge({ threshold: 3, difficulty: 8 });
  const t0 = 60_000 * 1000;
  for (let i = 0; i < 3; i++) flood.count(t0 + i);
  assert.equal(flood.required(t0 + 10), false);
  flood.count(t0 + 11);
  assert.equal(flood.required(t0 + 12), true);
  assert.equal(flood.required(t0 + 60_000 + 5), true, 'the next minute still asks');
  assert.equal(flood.required(t0 + 120_000 + 5), false, 'then it calms down');
});

test('a solved challenge is accepted once; a wrong, forged, expired or spent one is not', () => {
  const flood = new FloodChallenge({ threshold: 0, difficulty: 10, ttlMs: 60_000 });
  const now = 5_000_000;
  const challenge = flood.issue(now);
  assert.equal(challenge.difficulty, 10);
  const nonce = solve(challenge.seed, 10);
  let wrong = 0;
  while (leadingZeroBits(workOf(challenge.seed, String(wrong))) >= 10) wrong++;
  assert.equal(flood.accept({ seed: challenge.seed, nonce: String(wrong) }, now), false, 'not a solution');
  assert.equal(flood.accept({ seed: challenge.seed, nonce }, now + 1), true);
  assert.equal(flood.accept({ seed: challenge.seed, nonce }, now + 2), false, 'spent');

  const forged = `${(now + 60_000).toString(36)}.AAAAAAAAAAAAAAAA.${'A'.repeat(22)}`;
  assert.equal(flood.accept({ seed: forged, nonce: solve(forged, 10) }, now), false, 'not ours');
  const other = new FloodChallenge({ threshold: 0, difficulty: 10 }).issue(now);
  assert.equal(flood.accept({ seed: other.seed, nonce: solve(other.seed, 10) }, now), false, 'another key');
  const late = flood.issue(now);
  assert.equal(flood.accept({ seed: late.seed, nonce: solve(late.seed, 10) }, now + 60_001), false, 'expired');
  assert.equal(flood.accept({ seed: 'garbage', nonce: '1' }, now), false);
});
