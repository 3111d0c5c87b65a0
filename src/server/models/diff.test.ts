import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { screenV2Source } from '../../../test/support/models.ts';
import type { ModelDefinition } from '../../contract/models/definition.ts';
import { diffModels } from '../../contract/models/diff.ts';
import { loadDefinition } from './source.ts';

const screen = readFileSync(new URL('../../../models/tma-warning-behaviour-screen.yaml', import.meta.url), 'utf8');
const modelOf = (source: string, previous?: ModelDefinition): ModelDefinition => {
  const loaded = loadDefinition(source, previous === undefined ? {} : { previous });
  assert.ok(loaded.ok, loaded.ok ? '' : JSON.stringify(loaded.problems));
  return loaded.model;
};

describe('model versions compared', () => {
  // The worked example of docs/models-guide.md: leakage split into what was said and what was written.
  it('names what was added, removed and changed, and where a removed item’s ratings go', () => {
    const v1 = modelOf(screen);
    // Two more changes than the guide's example, for the diff to name: a review interval and a title.
    const v2source = screenV2Source()
      .replace(
        'days: { acute: 2, high: 7, moderate: 30, low: 90 }',
        'days: { acute: 1, high: 7, moderate: 30, low: 90 }',
      )
      .replace('de: TMA-Screening auf Warnverhalten', 'de: TMA-Screening Warnverhalten');
    const v2 = modelOf(v2source, v1);
    assert.deepEqual(diffModels(v1, v2), [
      { part: 'model', key: 'tma_warning_behaviour_screen', change: 'changed', fields: ['title.de'] },
      { part: 'domain', key: 'warning_behaviours', change: 'changed', fields: ['items'] },
      { part: 'item', key: 'leakage', change: 'removed', fields: [], mappedTo: ['leakage_spoken', 'leakage_written'] },
      { part: 'item', key: 'leakage_spoken', change: 'added', fields: [] },
      { part: 'item', key: 'leakage_written', change: 'added', fields: [] },
      { part: 'rule', key: 'evidence_leakage', change: 'changed', fields: ['require', 'when'] },
      { part: 'review', key: 'review', change: 'changed', fields: ['days.acute'] },
    ]);
    assert.deepEqual(diffModels(v1, v1), []);
  });
});
