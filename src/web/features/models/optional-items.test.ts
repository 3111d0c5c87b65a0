import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { ModelDefinition } from '../../../contract/models/definition.ts';
import { nextOptionalItems, optionalItemsOf } from './optional-items.ts';

const screen = ModelDefinition.parse(
  parse(readFileSync(new URL('../../../../models/tma-warning-behaviour-screen.yaml', import.meta.url), 'utf8')),
);

test("the default model's optional items, in its order, with their domain and special categories", () => {
  const found = optionalItemsOf(screen).map(({ item, domains }) => ({
    key: item.key,
    domains: domains.map((d) => d.key),
    categories: item.dataProtection ?? [],
  }));
  assert.deepEqual(found, [
    { key: 'ideological_framing', domains: ['background'], categories: ['beliefs'] },
    { key: 'relationship_failure', domains: ['background'], categories: ['sex_life'] },
    { key: 'mental_disorder', domains: ['background'], categories: ['health'] },
  ]);
});

test('an optional item in a nested domain names the domains along its way, outermost first', () => {
  const label = { en: 'x', de: 'x' };
  const item = (key: string, optional?: boolean) => ({
    key,
    kind: 'text' as const,
    label,
    ...(optional === undefined ? {} : { optional }),
  });
  const model = {
    ...screen,
    domains: [
      { key: 'a', label, items: [item('a1')] },
      {
        key: 'b',
        label,
        items: [item('b1', false)],
        domains: [{ key: 'b_inner', label, items: [item('b2'), item('b3', true)] }],
      },
    ],
  };
  assert.deepEqual(
    optionalItemsOf(model).map(({ item, domains }) => [item.key, domains.map((d) => d.key)]),
    [['b3', ['b', 'b_inner']]],
  );
  assert.deepEqual(optionalItemsOf({ ...screen, domains: [{ key: 'a', label, items: [item('a1')] }] }), []);
});

test("a save sends this version's items as ticked and keeps, unchanged, those in use it does not show", () => {
  const shown = ['ideological_framing', 'relationship_failure', 'mental_disorder'];
  assert.deepEqual(nextOptionalItems([], shown, new Set(['mental_disorder'])), ['mental_disorder']);
  assert.deepEqual(nextOptionalItems(['mental_disorder', 'ideological_framing'], shown, new Set()), []);
  // An item of another published version stays in use: this page cannot switch it off.
  assert.deepEqual(
    nextOptionalItems(['older_item', 'mental_disorder'], shown, new Set(['relationship_failure', 'mental_disorder'])),
    ['older_item', 'relationship_failure', 'mental_disorder'],
  );
  // A key ticked that this version does not show is not sent; none is sent twice.
  assert.deepEqual(nextOptionalItems(['older_item'], shown, new Set(['stray', 'older_item'])), ['older_item']);
});
