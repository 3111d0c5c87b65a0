import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MODEL_MAX_BYTES } from '../../contract/models/definition.ts';
import { unfilledOf } from '../../contract/models/validate.ts';
import { loadDefinition, type SourceProblem } from './source.ts';

const screen = readFileSync(new URL('../../../models/tma-warning-behaviour-screen.yaml', import.meta.url), 'utf8');
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

/** The screen with one change: `from` replaced by `to` (the first time it occurs). */
const changed = (from: string, to: string) => {
  assert.ok(screen.includes(from), from);
  return screen.replace(from, to);
};
const problemsOf = (source: string, previous?: string): readonly SourceProblem[] => {
  const before = previous === undefined ? undefined : loadDefinition(previous);
  if (before !== undefined && !before.ok) assert.fail(JSON.stringify(before.problems));
  const loaded = loadDefinition(source, before?.ok ? { previous: before.model } : {});
  assert.equal(loaded.ok, false, 'refused');
  return loaded.ok ? [] : loaded.problems;
};

describe('model definitions: import', () => {
  it('takes the shipped default model, with nothing left to fill in', () => {
    const loaded = loadDefinition(screen);
    assert.ok(loaded.ok, loaded.ok ? '' : JSON.stringify(loaded.problems, null, 1));
    assert.equal(loaded.model.version, '1.0.0');
    assert.equal(loaded.rules.rules.length, 10);
    assert.deepEqual(unfilledOf(loaded.model), []);
  });

  it('takes the template only as structure: its 40 item texts wait for the licensed content', () => {
    const template = readFileSync(new URL('../../../models/spj-three-scale-template.yaml', import.meta.url), 'utf8');
    const loaded = loadDefinition(template);
    assert.ok(loaded.ok, loaded.ok ? '' : JSON.stringify(loaded.problems));
    const unfilled = unfilledOf(loaded.model);
    assert.equal(unfilled.length, 40);
    assert.deepEqual(unfilled[0], { key: 'h1.label', path: ['domains', 0, 'items', 0, 'label'] });
    assert.deepEqual(
      loaded.model.domains.map((d) => [d.key, d.items?.length]),
      [
        ['historical', 10],
        ['clinical', 5],
        ['risk_management', 5],
      ],
    );
    // An organisation with the licence fills every placeholder in: then nothing waits.
    const filled = {
      ...loaded.model,
      licensedContent: Object.fromEntries(unfilled.map((p) => [p.key, { en: `(${p.key})`, de: `(${p.key})` }])),
    };
    assert.deepEqual(unfilledOf(filled), []);
  });

  it('takes the external instrument result: instrument, level, date and report', () => {
    const external = readFileSync(new URL('../../../models/external-instrument-result.yaml', import.meta.url), 'utf8');
    const loaded = loadDefinition(external);
    assert.ok(loaded.ok, loaded.ok ? '' : JSON.stringify(loaded.problems));
    assert.equal(loaded.model.kind, 'external');
    assert.deepEqual(
      loaded.model.domains[0]?.items?.map((i) => [i.key, i.kind]),
      [
        ['instrument', 'text'],
        ['level', 'stage'],
        ['assessed_on', 'date'],
        ['report', 'evidence'],
      ],
    );
    assert.deepEqual(unfilledOf(loaded.model), []);
  });

  it('refuses each kind of bad definition with its line, its field and what is wrong', () => {
    const cases: { name: string; source: string; code: string; line: number | null; field: string; says?: RegExp }[] = [
      {
        name: 'a syntax error',
        source: changed('publisher: The TMA project', 'publisher: "The TMA project'),
        code: 'syntax',
        line: lineOf(screen, 'publisher:'),
        field: '',
      },
      {
        name: 'a key twice in one mapping',
        source: changed('publisher: The TMA project', 'publisher: The TMA project\npublisher: again'),
        code: 'syntax',
        line: lineOf(screen, 'publisher:') + 1,
        field: '',
      },
      {
        name: 'a missing field',
        source: changed('publisher: The TMA project\n', ''),
        code: 'format',
        line: lineOf(screen, 'format:'),
        field: 'publisher',
      },
      {
        name: 'a text in one language only',
        source: changed('label: { en: Access to weapons, de: Zugang zu Waffen }', 'label: { en: Access to weapons }'),
        code: 'format',
        line: lineOf(screen, 'label: { en: Access to weapons'),
        field: 'domains[2].items[0].label',
      },
      {
        name: 'an unknown scale',
        source: changed('        scale: stage\n', '        scale: stages\n'),
        code: 'unknown_scale',
        line: lineOf(screen, '        scale: stage\n'),
        field: 'domains[3].items[0].scale',
        says: /no scale "stages"/,
      },
      {
        name: 'a duplicate item key',
        source: changed('      - key: leakage\n', '      - key: fixation\n'),
        code: 'duplicate_key',
        line: lineOf(screen, '      - key: leakage'),
        field: 'domains[0].items[5].key',
      },
      {
        name: 'a rule on a missing item',
        source: changed(`when: "fixation.presence == 'present'"`, `when: "fixaton.presence == 'present'"`),
        code: 'unknown_item',
        line: lineOf(screen, `when: "fixation.presence`),
        field: 'rules[3].when',
        says: /Rule evidence_fixation: There is no item "fixaton" \(line 1, column 1\)/,
      },
      {
        name: 'a rule comparing incompatible types',
        source: changed(`when: "$present_in_a > 0"`, `when: "$present_in_a > 'present'"`),
        code: 'incompatible',
        line: lineOf(screen, 'when: "$present_in_a'),
        field: 'rules[0].when',
      },
      {
        name: 'a scale value no scale has',
        source: changed(`when: "leakage.presence == 'present'"`, `when: "leakage.presence == 'yes'"`),
        code: 'unknown_value',
        line: lineOf(screen, 'when: "leakage.presence'),
        field: 'rules[7].when',
      },
      {
        name: 'a cyclic indicator',
        source: changed(`expression: "count(background, .presence == 'present')"`, 'expression: "$present_in_b + 1"'),
        code: 'cyclic_indicator',
        line: lineOf(screen, 'expression: "count(background'),
        field: 'indicators[1].expression',
      },
      {
        name: 'an indicator with an expression and a builtin',
        source: changed('    builtin: completeness\n', '    builtin: completeness\n    expression: "1 > 0"\n'),
        code: 'indicator_form',
        line: lineOf(screen, '  - key: completeness'),
        field: 'indicators[4]',
      },
      {
        name: 'a rule nested too deep',
        source: changed(`when: "$present_in_a > 0"`, `when: "${'('.repeat(30)}$present_in_a > 0${')'.repeat(30)}"`),
        code: 'too_deep',
        line: lineOf(screen, 'when: "$present_in_a'),
        field: 'rules[0].when',
      },
      {
        name: 'a rule that flags what the model has no flag for',
        source: changed('    flag: consider_active_management\n', '    flag: consider_everything\n'),
        code: 'unknown_flag',
        line: lineOf(screen, '    flag: consider_active_management'),
        field: 'rules[0].flag',
      },
      {
        name: 'a rated scale without "unknown"',
        source: changed(
          '      - { key: unknown, label: { en: Unknown / insufficient information, de: Unbekannt / zu wenig Information }, unknown: true }\n',
          '',
        ),
        code: 'no_unknown',
        // A list's line is its first entry's.
        line: lineOf(screen, '      - { key: absent'),
        field: 'scales[0].values',
      },
      {
        name: 'a review schedule missing a priority',
        source: changed(
          'days: { acute: 2, high: 7, moderate: 30, low: 90 }',
          'days: { acute: 2, high: 7, moderate: 30 }',
        ),
        code: 'missing_interval',
        line: lineOf(screen, 'days: {'),
        field: 'review.days',
      },
      {
        name: 'an alias (how YAML bombs expand)',
        source: changed('publisher: The TMA project', 'publisher: &p The TMA project\ncitation2: *p'),
        code: 'syntax',
        line: null,
        field: '',
      },
      {
        name: 'a model over the size limit',
        source: `${screen}\n# ${'x'.repeat(MODEL_MAX_BYTES)}`,
        code: 'too_large',
        line: null,
        field: '',
      },
    ];
    for (const c of cases) {
      const problems = problemsOf(c.source);
      const found = problems.find((p) => p.code === c.code);
      assert.ok(found, `${c.name}: ${JSON.stringify(problems)}`);
      assert.equal(found.line, c.line, `${c.name}: line`);
      assert.equal(found.field, c.field, `${c.name}: field`);
      if (c.says) assert.match(found.message, c.says, c.name);
    }
  });

  it('checks a migration map against the version it migrates from', () => {
    const v2 = (map: string) => `${changed('version: 1.0.0', 'version: 2.0.0\nsupersedes: 1.0.0')}\nmigration:\n${map}`;
    const good = loadDefinition(
      v2('  from: 1.0.0\n  items: { leakage: leakage }\n  values: { presence: { present: present } }\n'),
      {
        previous: (loadDefinition(screen) as unknown as { model: never }).model,
      },
    );
    assert.ok(good.ok, good.ok ? '' : JSON.stringify(good.problems));
    const cases: [string, string, string][] = [
      ['  from: 1.0.0\n  items: { leaked: leakage }\n', 'unknown_item', 'migration.items.leaked'],
      ['  from: 1.0.0\n  items: { leakage: [leakage, leakage_online] }\n', 'unknown_item', 'migration.items.leakage'],
      [
        '  from: 1.0.0\n  values: { presence: { present: prominent } }\n',
        'unknown_value',
        'migration.values.presence.present',
      ],
      ['  from: 1.0.0\n  values: { presences: { present: present } }\n', 'unknown_scale', 'migration.values.presences'],
      ['  from: 0.9.0\n', 'migration_from', 'migration.from'],
      // Special-category ratings stay special: not to an item without the tag.
      [
        '  from: 1.0.0\n  items: { mental_disorder: grievance }\n',
        'special_category_dropped',
        'migration.items.mental_disorder',
      ],
    ];
    for (const [map, code, field] of cases) {
      const source = v2(map);
      const found = problemsOf(source, screen).find((p) => p.code === code);
      assert.ok(found, `${map}: ${code}`);
      assert.equal(found.field, field, map);
      assert.equal(found.line, source.split('\n').findIndex((l) => l.startsWith(`  ${field.split('.')[1]}:`)) + 1, map);
    }
  });

  it('refuses a new version that drops the tag of a special category from an item it keeps', () => {
    const dropped = changed('version: 1.0.0', 'version: 2.0.0\nsupersedes: 1.0.0').replace(
      '        dataProtection: [health]\n',
      '',
    );
    const found = problemsOf(`${dropped}\nmigration:\n  from: 1.0.0\n`, screen).find(
      (p) => p.code === 'special_category_dropped',
    );
    assert.ok(found);
    assert.match(found.message, /mental_disorder \(health\) would go to mental_disorder/);
  });
});
