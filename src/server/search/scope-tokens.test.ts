import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { type Scope, ScopeTokens } from './scope-tokens.ts';

const tokens = () => new ScopeTokens(randomBytes(32), randomBytes(32));
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
  const one = new ScopeTokens(mask, cipher);
  const before = one.tokensOf([scope], 'f:wort')[0];
  one.forget(scope);
  assert.equal(one.tokensOf([scope], 'f:wort')[0], before);
  assert.equal(new ScopeTokens(mask, cipher).tokensOf([scope], 'f:wort')[0], before, 'derived, not random');
  assert.notEqual(new ScopeTokens(randomBytes(32), cipher).tokensOf([scope], 'f:wort')[0], before);
  assert.notEqual(new ScopeTokens(mask, randomBytes(32)).tokensOf([scope], 'f:wort')[0], before);
  assert.throws(() => new ScopeTokens(mask.subarray(1), cipher), TypeError);
});

test('tokensIn: one token per distinct form', () => {
  const t = tokens();
  const scope = caseScope();
  const list = t.tokensIn(scope, ['f:a', 'f:b', 'f:a']);
  assert.equal(list.length, 2);
  assert.deepEqual(list, [t.tokensOf([scope], 'f:a')[0], t.tokensOf([scope], 'f:b')[0]]);
});
