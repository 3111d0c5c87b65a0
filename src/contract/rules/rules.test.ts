import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RuleEnv } from './check.ts';
import { compileRules, evaluateRules, MAX_STEPS, ModelRulesError, type Ratings, type RuleSpec } from './evaluate.ts';
import { MAX_DEPTH, MAX_SOURCE, parseRule, RuleError } from './syntax.ts';

const presence = { t: 'value', scale: 'presence' } as const;
const behaviour = { presence, relevance: { t: 'value', scale: 'relevance' }, observed: { t: 'date' } } as const;
/** A model in small: four warning behaviours, a context item or two, a stage, a count, a text, a set. */
const env: RuleEnv = {
  scales: {
    presence: { values: ['absent', 'present', 'unknown'], unknown: ['unknown'] },
    relevance: { values: ['low', 'moderate', 'high', 'unknown'], unknown: ['unknown'] },
    yes_no: { values: ['no', 'yes', 'unknown'], unknown: ['unknown'] },
    stage: {
      values: ['none', 'grievance', 'ideation', 'planning', 'preparation', 'breach', 'unknown'],
      unknown: ['unknown'],
    },
    // The same values as yes_no in another order: comparisons follow the scale of their item.
    flipped: { values: ['yes', 'no'], unknown: [] },
    concerns: { values: ['colleagues', 'family', 'police'], unknown: [] },
  },
  items: {
    pathway: behaviour,
    fixation: behaviour,
    last_resort: behaviour,
    energy_burst: behaviour,
    weapons: { '': { t: 'value', scale: 'yes_no' }, presence },
    stage: { '': { t: 'value', scale: 'stage' } },
    odd: { '': { t: 'value', scale: 'flipped' } },
    incidents: { '': { t: 'number' } },
    notes: { '': { t: 'text' } },
    concern: { '': { t: 'set', scale: 'concerns' } },
    followed: { '': { t: 'boolean' } },
  },
  domains: {
    a: ['pathway', 'fixation', 'last_resort', 'energy_burst'],
    c: ['weapons'],
    mixed: ['pathway', 'stage'],
  },
  indicators: { count_a: "count(a, .presence == 'present')", any_a: '$count_a > 0' },
};
const requirable = new Set(['formulation', 'scenarios', 'pathway.observed']);

/** The first problem a parse or a compile refuses with. */
const errorOf = (run: () => unknown): RuleError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ModelRulesError && error.problems[0] !== undefined) return error.problems[0];
    if (error instanceof RuleError) return error;
    throw error;
  }
  assert.fail('no error');
};
const compile = (rules: RuleSpec[], over: Partial<RuleEnv> = {}) =>
  compileRules({ ...env, ...over }, rules, requirable);
const holds = (when: string, ratings: Ratings) =>
  evaluateRules(compile([{ key: 'r', when, flag: 'f' }]), ratings).fired.includes('r');

describe('rule expressions: syntax', () => {
  it('refuses what cannot be read, naming the line and column', () => {
    const cases: [string, string, string][] = [
      ['', 'unexpected', 'line 1, column 1'],
      ["pathway.presence == 'present", 'unterminated_text', 'column 21'],
      ['pathway.presence # 2', 'unexpected_character', 'column 18'],
      ["(pathway.presence == 'present'", 'expected', 'column 31'],
      ["pathway.presence == 'present'\n  and and", 'unexpected', 'line 2, column 7'],
      ['count(, x)', 'expected_domain', 'column 7'],
      ['incidents incidents', 'unexpected', 'column 11'],
      ['incidents in []', 'unexpected', 'column 15'],
      ['and', 'unexpected', 'column 1'],
      [`${'('.repeat(MAX_DEPTH + 1)}true${')'.repeat(MAX_DEPTH + 1)}`, 'too_deep', `column ${MAX_DEPTH + 1}`],
      [`${'not '.repeat(MAX_DEPTH + 1)}true`, 'too_deep', 'line 1'],
      [`incidents > ${'1 + '.repeat(MAX_SOURCE / 4)}1`, 'too_long', 'line 1'],
    ];
    for (const [source, code, where] of cases) {
      const error = errorOf(() => parseRule(source));
      assert.equal(error.code, code, source);
      assert.ok(error.message.includes(where), `${source}: ${error.message}`);
    }
  });

  it('takes nesting up to the bound', () => {
    assert.equal(parseRule(`${'('.repeat(MAX_DEPTH)}true${')'.repeat(MAX_DEPTH)}`).k, 'literal');
  });

  it('reads precedence as written: not before and before or; comparisons bind tighter', () => {
    const tree = parseRule("not followed or incidents > 1 and stage == 'planning'");
    assert.equal(tree.k, 'logic');
    assert.ok(tree.k === 'logic' && tree.op === 'or' && tree.left.k === 'not' && tree.right.k === 'logic');
  });
});

describe('rule expressions: checked against the model', () => {
  it('refuses an unknown item, rating, value, domain or indicator, and operands that cannot meet', () => {
    const cases: [string, string][] = [
      ["unknown_item.presence == 'present'", 'unknown_item'],
      ["pathway.colour == 'red'", 'unknown_facet'],
      ["pathway == 'present'", 'unknown_facet'],
      ["pathway.presence == 'maybe'", 'unknown_value'],
      ['pathway.presence == 3', 'incompatible'],
      ['pathway.presence == weapons', 'incompatible'],
      ["notes < 'x'", 'incompatible'],
      ['followed > true', 'incompatible'],
      ['not incidents', 'incompatible'],
      ["incidents + 'x' > 1", 'incompatible'],
      ["stage == 'planning' and incidents", 'incompatible'],
      ["concern == 'family'", 'incompatible'],
      ["concern in ['neighbours']", 'unknown_value'],
      ["pathway.observed > '1.1.2026'", 'incompatible'],
      [".presence == 'present'", 'facet_outside'],
      ["any(b, .presence == 'present')", 'unknown_domain'],
      ["any(a, .colour == 'red')", 'unknown_facet'],
      ["any(mixed, .presence == 'present')", 'unknown_facet'],
      ['$missing > 1', 'unknown_indicator'],
      ["count(a, .presence == 'present')", 'not_a_condition'],
      ['incidents', 'not_a_condition'],
      // Names every object inherits are no names of the model.
      ['any(constructor, true)', 'unknown_domain'],
      ["constructor.presence == 'present'", 'unknown_item'],
      ["any(a, .constructor == 'x')", 'unknown_facet'],
      ['$constructor > 1', 'unknown_indicator'],
      ["pathway.presence == 'constructor'", 'unknown_value'],
    ];
    for (const [when, code] of cases) {
      const error = errorOf(() => compile([{ key: 'r1', when, flag: 'f' }]));
      assert.equal(error.code, code, `${when}: ${error.message}`);
      assert.ok(error.message.startsWith('Rule r1: '), error.message);
    }
  });

  it('refuses indicators that depend on themselves, a rule without effect, a twice used key, an unknown field', () => {
    const cyclic = errorOf(() => compile([], { indicators: { x: '$y + 1', y: '$z + 1', z: '$x + 1' } }));
    assert.equal(cyclic.code, 'cyclic_indicator');
    assert.match(cyclic.message, /\$x → \$y → \$z → \$x/);
    assert.equal(errorOf(() => compile([{ key: 'r', when: 'followed' }])).code, 'no_effect');
    assert.equal(
      errorOf(() =>
        compile([
          { key: 'r', when: 'followed', flag: 'f' },
          { key: 'r', when: 'followed', flag: 'g' },
        ]),
      ).code,
      'duplicate_rule',
    );
    const field = errorOf(() => compile([{ key: 'r', when: 'followed', require: ['final.priority'] }]));
    assert.equal(field.code, 'unknown_field');
    // Every problem at once, each at its place; an indicator's own problem once, at the indicator.
    try {
      compile(
        [
          { key: 'a', when: "stage == 'nowhere'", flag: 'f' },
          { key: 'b', when: '$broken > 1', flag: 'f' },
          { key: 'a', when: 'followed' },
        ],
        { indicators: { broken: 'incidents + notes', uses: '$broken + 1' } },
      );
      assert.fail('compiled');
    } catch (error) {
      assert.ok(error instanceof ModelRulesError);
      assert.deepEqual(
        error.problems.map((p) => [p.rule, p.code, p.place]),
        [
          ['$broken', 'incompatible', { list: 'indicators', index: 0, field: 'expression' }],
          ['a', 'unknown_value', { list: 'rules', index: 0, field: 'when' }],
          ['a', 'duplicate_rule', { list: 'rules', index: 2, field: 'key' }],
          ['a', 'no_effect', { list: 'rules', index: 2, field: '' }],
        ],
      );
    }
  });

  it('refuses at import rules that could take more steps than the bound', () => {
    const big = Array.from({ length: 500 }, (_, i) => `i${i}`);
    const items = Object.fromEntries(big.map((k) => [k, { presence }]));
    const error = errorOf(() =>
      compile([{ key: 'r', when: "count(big, count(big, .presence == 'present') > 0) > 0", flag: 'f' }], {
        items: { ...env.items, ...items },
        domains: { ...env.domains, big },
      }),
    );
    assert.equal(error.code, 'too_costly');
    assert.ok(error.message.includes(String(MAX_STEPS)));
  });
});

describe('rule expressions: evaluated', () => {
  const present = (...keys: string[]): Ratings =>
    Object.fromEntries(keys.map((k) => [k, { presence: 'present', relevance: 'high', observed: '2026-11-01' }]));

  it('compares values, of a scale by its order, with "unknown" and "not assessed" never less or more', () => {
    const r: Ratings = { stage: { '': 'planning' }, incidents: { '': 3 }, pathway: { presence: 'unknown' } };
    assert.equal(holds("stage >= 'ideation'", r), true);
    assert.equal(holds("stage < 'ideation'", r), false);
    assert.equal(holds("stage == 'planning'", r), true);
    assert.equal(holds("stage != 'planning'", r), false);
    assert.equal(holds('incidents > 2', r), true);
    assert.equal(holds('incidents - 1 == 2', r), true);
    assert.equal(holds('incidents + 1 <= 3', r), false);
    assert.equal(holds("pathway.presence > 'absent'", r), false, 'unknown is not more than absent');
    assert.equal(holds("pathway.presence == 'unknown'", r), true);
    assert.equal(holds("fixation.presence != 'present'", r), false, 'not assessed: every comparison is false');
    assert.equal(holds("fixation.presence == 'absent'", r), false);
    // The order is the item's scale's: in "flipped", yes comes before no.
    assert.equal(holds("odd < 'no'", { odd: { '': 'yes' } }), true);
    assert.equal(holds("pathway.observed > '2026-10-31'", present('pathway')), true);
    assert.equal(holds("pathway.observed > '2026-11-01'", present('pathway')), false);
  });

  it('logic, membership and whether something is assessed', () => {
    const r: Ratings = { ...present('pathway'), followed: { '': true }, concern: { '': ['family', 'police'] } };
    assert.equal(holds("followed and pathway.presence == 'present'", r), true);
    assert.equal(holds('not followed or incidents > 1', r), false);
    assert.equal(holds('not assessed(incidents)', r), true);
    assert.equal(holds('assessed(followed)', r), true);
    assert.equal(holds("pathway.relevance in ['moderate', 'high']", r), true);
    assert.equal(holds("concern in ['colleagues', 'police']", r), true, 'a set: any of them');
    assert.equal(holds("concern in ['colleagues']", r), false);
    assert.equal(holds("stage in ['planning']", r), false, 'not assessed');
    assert.equal(holds('not followed', { followed: {} }), true, 'a yes/no not assessed counts as no');
  });

  it('counts and asks over a domain, and computes indicators once', () => {
    const r = present('pathway', 'last_resort');
    assert.equal(holds("count(a, .presence == 'present') == 2", r), true);
    assert.equal(holds("any(a, .presence == 'present' and .relevance == 'high')", r), true);
    assert.equal(holds("all(a, .presence == 'present')", r), false);
    assert.equal(
      holds("all(a, .presence == 'present')", present('pathway', 'fixation', 'last_resort', 'energy_burst')),
      true,
    );
    assert.equal(holds('$any_a', r), true);
    assert.equal(holds('$any_a', {}), false);
    const outcome = evaluateRules(compile([]), r);
    assert.deepEqual(outcome.indicators, { count_a: 2, any_a: true });
  });

  it('computes completeness over the items that apply, and the change from the previous assessment', () => {
    const builtins = compile([], {
      indicators: { done: { builtin: 'completeness' }, changed: { builtin: 'change' }, more: '$changed > 1' },
      counted: { pathway: 'presence', fixation: 'presence', stage: '', notes: '' },
    });
    const now: Ratings = { pathway: { presence: 'present', observed: '2026-11-02' }, stage: { '': 'planning' } };
    assert.deepEqual(evaluateRules(builtins, now).indicators, { done: 50, changed: null, more: false });
    const before: Ratings = {
      pathway: { presence: 'present', observed: '2026-10-01' },
      fixation: { presence: 'absent' },
    };
    // The stage is new and fixation's rating gone; pathway's new observation date is no change.
    assert.deepEqual(evaluateRules(builtins, now, before).indicators, { done: 50, changed: 2, more: true });
  });

  it('a model’s rules flag, require and suggest; they set nothing else', () => {
    const rules: RuleSpec[] = [
      { key: 'manage', when: '$any_a', flag: 'consider_active_management', require: ['formulation', 'scenarios'] },
      {
        key: 'imminence',
        when: "any(a, .presence == 'present') and (pathway.presence == 'present' or last_resort.presence == 'present' or energy_burst.presence == 'present')",
        flag: 'review_imminence_now',
        review: 'imminence',
      },
      { key: 'observed', when: "pathway.presence == 'present'", require: ['pathway.observed'] },
    ];
    const compiled = compile(rules);
    assert.deepEqual(evaluateRules(compiled, present('fixation')), {
      fired: ['manage'],
      flags: ['consider_active_management'],
      required: ['formulation', 'scenarios'],
      reviews: [],
      indicators: { count_a: 1, any_a: true },
    });
    const both = evaluateRules(compiled, present('pathway'));
    assert.deepEqual(both.fired, ['manage', 'imminence', 'observed']);
    assert.deepEqual(both.required, ['formulation', 'scenarios', 'pathway.observed']);
    assert.deepEqual(both.reviews, ['imminence']);
    assert.deepEqual(evaluateRules(compiled, {}).fired, []);
  });
});
