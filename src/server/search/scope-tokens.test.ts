import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { type Scope, ScopeTokens } from './scope-tokens.ts';

const keysOf = (mask = randomBytes(32), cipher = randomBytes(32), form = randomBytes(32)) => ({ mask, cipher, form });
const tokens = () => new ScopeTokens(keysOf());
const caseScope = (): Scope => ({ type: 'case', id: randomUUID() });

test('the same word in two cases gives unrelated tokens; in one case always the same', () => {
  const t = tokens();
  const [a, b] = [caseScope(), caseScope()];
  const inA = t.tokensOf([a], 'f:drohung')[0];
  const inB = t.tokensOf([b], 'f:drohung')[0];
  assert.notEqual(inA, inB);
  assert.equal(t.tokensOf([a], 'f:drohung')[0], inA, 'deterministic within a case');
  // A case and a report with the same id are different scopes.
  assert.notEqual(t.tokensOf([{ type: 'report', id: a.id }], 'f:drohung')[0], inA);
  assert.notEqual(t.tokensOf([a], 'f:drohungen')[0], inA);
});

test('many scopes at once give what each gives alone, in order', () => {
  const t = tokens();
  const scopes = Array.from({ length: 300 }, caseScope);
  const batch = t.tokensOf(scopes, 'f:messer');
  scopes.forEach((scope, i) => {
    assert.equal(batch[i], t.tokensOf([scope], 'f:messer')[0]);
  });
  assert.equal(new Set(batch).size, scopes.length, 'no two scopes share a token');
  assert.deepEqual([...t.tokensOf([], 'f:messer')], []);
});

test('another search key gives other tokens; a forgotten scope is derived again the same', () => {
  const mask = randomBytes(32);
  const cipher = randomBytes(32);
  const scope = caseScope();
  const form = randomBytes(32);
  const one = new ScopeTokens(keysOf(mask, cipher, form));
  const before = one.tokensOf([scope], 'f:wort')[0];
  one.forget(scope);
  assert.equal(one.tokensOf([scope], 'f:wort')[0], before);
  assert.equal(new ScopeTokens(keysOf(mask, cipher, form)).tokensOf([scope], 'f:wort')[0], before, 'derived');
  assert.notEqual(new ScopeTokens(keysOf(randomBytes(32), cipher, form)).tokensOf([scope], 'f:wort')[0], before);
  assert.notEqual(new ScopeTokens(keysOf(mask, randomBytes(32), form)).tokensOf([scope], 'f:wort')[0], before);
  assert.notEqual(new ScopeTokens(keysOf(mask, cipher, randomBytes(32))).tokensOf([scope], 'f:wort')[0], before);
  assert.throws(() => new ScopeTokens(keysOf(mask.subarray(1))), TypeError);
});

test('tokensIn: one token per distinct form, sorted (the order of the text is not kept)', () => {
  const t = tokens();
  const scope = caseScope();
  const forms = Array.from({ length: 50 }, (_, i) => `f:wort${i}`);
  const list = t.tokensIn(scope, [...forms, 'f:wort1']);
  assert.equal(list.length, 50);
  assert.deepEqual(
    list,
    [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  assert.deepEqual(new Set(list), new Set(forms.map((f) => t.tokensOf([scope], f)[0])));
  assert.deepEqual(t.tokensIn(scope, [...forms].reverse()), list, 'the same set, whatever the order');
});

test("a scope's tokens share its 16-bit bucket, so that they sit side by side in the postings' B-tree", () => {
  const t = tokens();
  const bucketOf = (token: bigint) => BigInt.asUintN(64, token) >> 48n;
  const scope = caseScope();
  const own = t.tokensIn(
    scope,
    Array.from({ length: 200 }, (_, i) => `p:wort${i}`),
  );
  assert.equal(new Set(own.map(bucketOf)).size, 1);
  assert.equal(new Set(own.map((token) => BigInt.asUintN(48, token))).size, 200, '48 bits keep them apart');
  const scopes = Array.from({ length: 300 }, caseScope);
  const buckets = new Set([...t.tokensOf(scopes, 'p:wort1')].map(bucketOf));
  assert.ok(buckets.size > 290, `scopes spread over the buckets (${buckets.size} of 300 distinct)`);
  assert.equal(bucketOf(t.tokensOf([scope], 'p:anderes')[0] as bigint), bucketOf(own[0] as bigint));
});
