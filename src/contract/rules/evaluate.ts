import { type Builtin, checkCondition, IndicatorError, own, RuleChecker, type RuleEnv } from './check.ts';
import { type Expr, RuleError } from './syntax.ts';

/** A rating as rules see it: not assessed is null; a multi-select is the list of its values. */
export type RuleValue = boolean | number | string | readonly string[] | null;
/** An assessment's ratings: per item, per facet ('' the item's own value). */
export type Ratings = Readonly<Record<string, Readonly<Record<string, RuleValue | undefined>>>>;

/**
 * A rule of a model: when its condition holds, it raises a flag, makes fields required, or
 * suggests a review, each named by a key the model gives texts for. Nothing else: a rule can
 * never set a rating or a final judgment.
 */
export interface RuleSpec {
  readonly key: string;
  readonly when: string;
  readonly flag?: string;
  readonly require?: readonly string[];
  readonly review?: string;
}

export interface RuleOutcome {
  /** Keys of the rules whose condition held. */
  readonly fired: readonly string[];
  readonly flags: readonly string[];
  /** Fields the assessment must fill before it can be finalised. */
  readonly required: readonly string[];
  readonly reviews: readonly string[];
  readonly indicators: Readonly<Record<string, RuleValue>>;
}

/** How many steps one evaluation of all of a model's rules may take: a bound, not a budget. */
export const MAX_STEPS = 200_000;

/** A rule that cannot be used, by its key, with where in its condition and why. */
/** Where in a model a rule problem is: a rule or an indicator, by its place in the list, and which field. */
export interface RulePlace {
  readonly list: 'rules' | 'indicators';
  readonly index: number;
  readonly field: 'when' | 'require' | 'key' | 'expression' | '';
}

/** A rule or indicator that cannot be used, named, with where in its condition and why. */
export class ModelRuleError extends RuleError {
  readonly rule: string;
  readonly place: RulePlace;
  constructor(rule: string, cause: RuleError, place: RulePlace) {
    super(cause.code, `Rule ${rule}: ${cause.message.replace(/ \(line \d+, column \d+\)$/, '')}`, cause.at);
    this.rule = rule;
    this.place = place;
  }
}

/** Every rule and indicator problem of a model at once. */
export class ModelRulesError extends Error {
  readonly problems: readonly ModelRuleError[];
  constructor(problems: readonly ModelRuleError[]) {
    super(problems.map((p) => p.message).join('; '));
    this.name = 'ModelRulesError';
    this.problems = problems;
  }
}

export interface CompiledRules {
  readonly env: RuleEnv;
  readonly rules: readonly (RuleSpec & { readonly tree: Expr })[];
  readonly indicators: ReadonlyMap<string, Expr | Builtin>;
  /** The scale each comparison of scale values follows (RuleChecker.orders). */
  readonly orders: WeakMap<Expr, string>;
}

/**
 * Parses and checks every rule and indicator of a model against its items and scales (at import,
 * and again wherever the rules run). `requirable`: the fields a rule may make required.
 */
export function compileRules(env: RuleEnv, specs: readonly RuleSpec[], requirable: ReadonlySet<string>): CompiledRules {
  const checker = new RuleChecker(env);
  const problems: ModelRuleError[] = [];
  const names = Object.keys(env.indicators);
  const refuse = (rule: string, place: RulePlace, code: string, message: string) =>
    problems.push(new ModelRuleError(rule, new RuleError(code, message, { line: 1, column: 1 }), place));
  const told = new Set<string>();
  for (const name of names) {
    try {
      checker.indicator(name);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      // Told once, at the indicator whose expression holds it (however many others use it); a
      // cycle once, where it closes.
      const at = error instanceof IndicatorError ? error.indicator : name;
      const once = error.code === 'cyclic_indicator' ? 'cycle' : at;
      if (told.has(once)) continue;
      told.add(once);
      problems.push(
        new ModelRuleError(`$${at}`, error, { list: 'indicators', index: names.indexOf(at), field: 'expression' }),
      );
    }
  }
  const seen = new Set<string>();
  const rules: (RuleSpec & { readonly tree: Expr })[] = [];
  specs.forEach((spec, index) => {
    if (seen.has(spec.key))
      refuse(spec.key, { list: 'rules', index, field: 'key' }, 'duplicate_rule', 'Its key is used twice');
    seen.add(spec.key);
    if (spec.flag === undefined && (spec.require ?? []).length === 0 && spec.review === undefined)
      refuse(
        spec.key,
        { list: 'rules', index, field: '' },
        'no_effect',
        'It raises no flag, requires nothing and suggests no review',
      );
    for (const field of spec.require ?? [])
      if (!requirable.has(field))
        refuse(
          spec.key,
          { list: 'rules', index, field: 'require' },
          'unknown_field',
          `"${field}" is not a field a rule can require`,
        );
    try {
      rules.push({ ...spec, tree: checkCondition(checker, spec.when) });
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      // An indicator's own problem is told at the indicator.
      if (!(error instanceof IndicatorError))
        problems.push(new ModelRuleError(spec.key, error, { list: 'rules', index, field: 'when' }));
    }
  });
  if (problems.length > 0) throw new ModelRulesError(problems);
  // In the model's order, each checked once (RuleChecker.indicator).
  const indicators = new Map(
    Object.entries(env.indicators).map(([name, source]): [string, Expr | Builtin] => [
      name,
      typeof source === 'string' ? (checker.trees.get(name) as Expr) : source.builtin,
    ]),
  );
  // Refused at import, not when an assessment is saved: the most steps the rules can take.
  const cost = [...indicators.values(), ...rules.map((r) => r.tree)].reduce(
    (n, tree) => n + (typeof tree === 'string' ? Object.keys(env.items).length : costOf(env, tree)),
    0,
  );
  if (cost > MAX_STEPS)
    throw new RuleError(
      'too_costly',
      `The rules and indicators may take ${cost} steps; at most ${MAX_STEPS} are allowed (aggregates over large domains, nested)`,
      { line: 1, column: 1 },
    );
  return { env, rules, indicators, orders: checker.orders };
}

/**
 * Evaluates every indicator and rule on one assessment's ratings (and the case's previous
 * assessment's, for the change). Pure: the same ratings, the same outcome.
 */
export function evaluateRules(compiled: CompiledRules, ratings: Ratings, previous?: Ratings): RuleOutcome {
  const run = new Evaluation(compiled, ratings, previous);
  const indicators: Record<string, RuleValue> = {};
  for (const name of compiled.indicators.keys()) indicators[name] = run.indicator(name);
  const fired: string[] = [];
  const flags = new Set<string>();
  const required = new Set<string>();
  const reviews = new Set<string>();
  for (const rule of compiled.rules) {
    if (run.value(rule.tree, undefined) !== true) continue;
    fired.push(rule.key);
    if (rule.flag !== undefined) flags.add(rule.flag);
    for (const field of rule.require ?? []) required.add(field);
    if (rule.review !== undefined) reviews.add(rule.review);
  }
  return { fired, flags: [...flags], required: [...required], reviews: [...reviews], indicators };
}

class Evaluation {
  readonly #compiled: CompiledRules;
  readonly #ratings: Ratings;
  readonly #previous: Ratings | undefined;
  readonly #indicators = new Map<string, RuleValue>();
  #steps = 0;

  constructor(compiled: CompiledRules, ratings: Ratings, previous: Ratings | undefined) {
    this.#compiled = compiled;
    this.#ratings = ratings;
    this.#previous = previous;
  }

  indicator(name: string): RuleValue {
    if (this.#indicators.has(name)) return this.#indicators.get(name) ?? null;
    const tree = this.#compiled.indicators.get(name);
    // Checked at compile time: every indicator named exists and none needs itself.
    const value =
      tree === undefined ? null : typeof tree === 'string' ? this.#builtin(tree) : this.value(tree, undefined);
    this.#indicators.set(name, value);
    return value;
  }

  #builtin(builtin: Builtin): number | null {
    const { env } = this.#compiled;
    if (builtin === 'completeness') {
      const counted = Object.entries(env.counted ?? {});
      if (counted.length === 0) return null;
      const rated = counted.filter(([item, facet]) => (own(own(this.#ratings, item), facet) ?? null) !== null).length;
      return Math.round((100 * rated) / counted.length);
    }
    const previous = this.#previous;
    if (previous === undefined) return null;
    // Every rating of an item but its observation date: a new date for the same finding is no change.
    const same = (item: string) =>
      Object.keys(own(env.items, item) ?? {})
        .filter((facet) => facet !== 'observed')
        .every(
          (facet) =>
            JSON.stringify(own(own(this.#ratings, item), facet) ?? null) ===
            JSON.stringify(own(own(previous, item), facet) ?? null),
        );
    return Object.keys(env.items).filter((item) => !same(item)).length;
  }

  value(e: Expr, each: string | undefined): RuleValue {
    this.#steps += 1;
    if (this.#steps > MAX_STEPS) throw new RuleError('too_costly', `The rules took more than ${MAX_STEPS} steps`, e.at);
    switch (e.k) {
      case 'literal':
        return e.value;
      case 'field':
        return own(own(this.#ratings, e.item), e.facet) ?? null;
      case 'each':
        return each === undefined ? null : (own(own(this.#ratings, each), e.facet) ?? null);
      case 'indicator':
        return this.indicator(e.name);
      case 'not':
        return this.value(e.operand, each) !== true;
      case 'logic': {
        const left = this.value(e.left, each) === true;
        if (e.op === 'and' ? !left : left) return left;
        return this.value(e.right, each) === true;
      }
      case 'arith': {
        const left = this.value(e.left, each);
        const right = this.value(e.right, each);
        if (typeof left !== 'number' || typeof right !== 'number') return null;
        return e.op === '+' ? left + right : left - right;
      }
      case 'assessed':
        return this.value(e.operand, each) !== null;
      case 'compare':
        return this.#compare(e, each);
      case 'in': {
        const operand = this.value(e.operand, each);
        if (operand === null) return false;
        const options = e.options.map((o) => this.value(o, each));
        return Array.isArray(operand) ? operand.some((v) => options.includes(v)) : options.includes(operand);
      }
      case 'aggregate': {
        const items = own(this.#compiled.env.domains, e.domain) ?? [];
        let count = 0;
        for (const item of items) if (this.value(e.where, item) === true) count += 1;
        return e.fn === 'count' ? count : e.fn === 'any' ? count > 0 : count === items.length;
      }
    }
  }

  #compare(e: Extract<Expr, { k: 'compare' }>, each: string | undefined): boolean {
    const left = this.value(e.left, each);
    const right = this.value(e.right, each);
    if (left === null || right === null || Array.isArray(left) || Array.isArray(right)) return false;
    if (e.op === '==') return left === right;
    if (e.op === '!=') return left !== right;
    const order = this.#order(e, left, right);
    if (order === undefined) return false;
    if (e.op === '<') return order < 0;
    if (e.op === '<=') return order <= 0;
    if (e.op === '>') return order > 0;
    return order >= 0;
  }

  /** Numbers and dates by value; a scale's values by their place in it; "unknown" by none. */
  #order(e: Expr, left: RuleValue, right: RuleValue): number | undefined {
    if (typeof left === 'number' && typeof right === 'number') return left - right;
    if (typeof left !== 'string' || typeof right !== 'string') return undefined;
    const name = this.#compiled.orders.get(e);
    const scale = name === undefined ? undefined : own(this.#compiled.env.scales, name);
    // Not a scale's: dates, YYYY-MM-DD, whose text order is their order.
    if (scale === undefined) return left < right ? -1 : left > right ? 1 : 0;
    if (scale.unknown.includes(left) || scale.unknown.includes(right)) return undefined;
    const a = scale.values.indexOf(left);
    const b = scale.values.indexOf(right);
    return a < 0 || b < 0 ? undefined : a - b;
  }
}

/** The most steps an expression takes (an indicator once, as evaluation keeps its value). */
function costOf(env: RuleEnv, e: Expr): number {
  switch (e.k) {
    case 'literal':
    case 'field':
    case 'each':
    case 'indicator':
      return 1;
    case 'not':
    case 'assessed':
      return 1 + costOf(env, e.operand);
    case 'logic':
    case 'compare':
    case 'arith':
      return 1 + costOf(env, e.left) + costOf(env, e.right);
    case 'in':
      return 1 + costOf(env, e.operand) + e.options.reduce((n, o) => n + costOf(env, o), 0);
    case 'aggregate':
      return 1 + (own(env.domains, e.domain)?.length ?? 0) * costOf(env, e.where);
  }
}
