import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelDefinition } from './definition.ts';
import { migrateRatings } from './migrate.ts';

const text = (en: string) => ({ en, de: en });
const presence = {
  key: 'presence',
  label: text('Presence'),
  values: [
    { key: 'absent', label: text('Absent') },
    { key: 'partly', label: text('Partly') },
    { key: 'present', label: text('Present') },
    { key: 'unknown', label: text('Unknown'), unknown: true },
  ],
};
const rated = (key: string, extra: object = {}) => ({
  key,
  kind: 'risk' as const,
  scale: 'presence',
  label: text(key),
  ...extra,
});
const model = (version: string, items: object[], scales: object[] = [presence], migration?: object): ModelDefinition =>
  ({
    format: 'tma-model/1',
    key: 'm',
    version,
    title: text('M'),
    publisher: 'p',
    citation: 'c',
    licence: 'l',
    languages: ['en', 'de'],
    kind: 'spj',
    scales,
    domains: [{ key: 'd', label: text('D'), items }],
    formulation: { required: 'never' },
    judgments: [{ key: 'priority', label: text('P'), scale: 'presence', rationale: 'required' }],
    ...(migration === undefined ? {} : { migration }),
  }) as ModelDefinition;

describe('ratings carried to the next version by its migration map', () => {
  const v1 = model('1.0.0', [
    rated('leakage'),
    rated('fixation'),
    rated('grievance'),
    rated('outrage'),
    rated('gone'),
    { key: 'stage', kind: 'stage', scale: 'presence', label: text('S') },
  ]);

  it('renames, splits and merges items; an unmapped new item starts not assessed; a removed one stays behind', () => {
    const v2 = model(
      '2.0.0',
      [
        rated('leakage_spoken'),
        rated('leakage_written'),
        rated('fixation'),
        rated('grievance_outrage'),
        rated('brand_new'),
        { key: 'stage', kind: 'stage', scale: 'presence', label: text('S') },
      ],
      [presence],
      {
        from: '1.0.0',
        items: {
          leakage: ['leakage_spoken', 'leakage_written'],
          grievance: 'grievance_outrage',
          outrage: 'grievance_outrage',
        },
      },
    );
    const carried = migrateRatings(v1, v2, {
      leakage: { presence: 'present', observed: '2026-01-02', evidence: { entries: ['e1'], documents: [] } },
      fixation: { presence: 'absent', note: 'none seen' },
      grievance: { presence: 'partly', observed: '2026-01-01', note: 'transfer' },
      outrage: { presence: 'unknown', observed: '2026-02-01', note: 'letters' },
      gone: { presence: 'present' },
      stage: { value: 'partly' },
    });
    assert.deepEqual(carried.leakage_spoken, carried.leakage_written);
    assert.equal(carried.leakage_spoken?.presence, 'present');
    assert.deepEqual(carried.leakage_spoken?.evidence, { entries: ['e1'], documents: [] });
    assert.deepEqual(carried.fixation, { presence: 'absent', note: 'none seen' });
    // Merged: the higher known presence, the later day, both notes.
    assert.equal(carried.grievance_outrage?.presence, 'partly');
    assert.equal(carried.grievance_outrage?.observed, '2026-02-01');
    assert.equal(carried.grievance_outrage?.note, 'transfer\n\nletters');
    assert.equal(carried.brand_new, undefined);
    assert.equal(carried.gone, undefined);
    assert.equal(carried.stage?.value, 'partly');
  });

  it('moves a value where the map sends it, keeps one the new scale has, and drops one it lacks', () => {
    const narrower = {
      key: 'presence',
      label: text('Presence'),
      values: [
        { key: 'absent', label: text('Absent') },
        { key: 'present', label: text('Present') },
        { key: 'unknown', label: text('Unknown'), unknown: true },
      ],
    };
    const v2 = model(
      '2.0.0',
      [rated('leakage'), rated('fixation'), { key: 'stage', kind: 'stage', scale: 'presence', label: text('S') }],
      [narrower],
      {
        from: '1.0.0',
        values: { presence: { partly: 'present' } },
      },
    );
    const carried = migrateRatings(v1, v2, {
      leakage: { presence: 'partly' },
      fixation: { presence: 'unknown' },
      stage: { value: 'partly' },
    });
    assert.equal(carried.leakage?.presence, 'present');
    assert.equal(carried.fixation?.presence, 'unknown');
    assert.equal(carried.stage?.value, 'present');
    const unmapped = model('2.0.0', [rated('leakage')], [narrower], { from: '1.0.0' });
    assert.equal(migrateRatings(v1, unmapped, { leakage: { presence: 'partly' } }).leakage?.presence, undefined);
  });

  it('never carries a special category’s rating to an item without its tag', () => {
    const tagged = model('1.0.0', [rated('health', { dataProtection: ['health'] })]);
    const untagged = model('2.0.0', [rated('wellbeing')], [presence], {
      from: '1.0.0',
      items: { health: 'wellbeing' },
    });
    assert.deepEqual(migrateRatings(tagged, untagged, { health: { presence: 'present', note: 'diagnosis' } }), {});
    const kept = model('2.0.0', [rated('wellbeing', { dataProtection: ['health'] })], [presence], {
      from: '1.0.0',
      items: { health: 'wellbeing' },
    });
    assert.equal(migrateRatings(tagged, kept, { health: { presence: 'present' } }).wellbeing?.presence, 'present');
  });

  it('takes an item called constructor for an item like any other', () => {
    const v = (version: string) => model(version, [rated('constructor')]);
    assert.deepEqual(migrateRatings(v('1.0.0'), v('2.0.0'), { constructor: { presence: 'present' } }), {
      constructor: { presence: 'present' },
    });
  });

  it('never carries a rating to an item of another kind', () => {
    const v2 = model('2.0.0', [{ key: 'leakage', kind: 'text', label: text('L') }], [presence], { from: '1.0.0' });
    assert.deepEqual(migrateRatings(v1, v2, { leakage: { presence: 'present' } }), {});
  });
});
