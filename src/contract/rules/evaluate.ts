import { checkCondition, RuleChecker, type RuleEnv } from './check.ts';
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
export class ModelRuleError extends RuleError {
  readonly rule: string;
  constructor(rule: string, cause: RuleError) {
    super(cause.code, `Rule ${rule}: ${cause.message.replace(/ \(line \d+, column \d+\)$/, '')}`, cause.at);
    this.rule = rule;
  }
}

export interface CompiledRules {
  readonly env: RuleEnv;
  readonly rules: readonly (RuleSpec & { readonly tree: Expr })[];
  readonly indicators: ReadonlyMap<string, Expr>;
  /** The scale each comparison of scale values follows (RuleChecker.orders). */
  readonly orders: WeakMap<Expr, string>;
}

/**
 * Parses and checks every rule and indicator of a model against its items and scales (at import,
 * and again wherever the rules run). `requirable`: the fields a rule may make required.
 */
export function compileRules(env: RuleEnv, specs: readonly RuleSpec[], requirable: ReadonlySet<string>): CompiledRules {
  const checker = new RuleChecker(env);
  for (const name of Object.keys(env.indicators)) {
    try {
      checker.indicator(name);
    } catch (error) {
      throw error instanceof RuleError ? new ModelRuleError(`$${name}`, error) : error;
    }
  }
  const seen = new Set<string>();
  const rules = specs.map((spec) => {
    const at = { line: 1, column: 1 };
    if (seen.has(spec.key))
      throw new ModelRuleError(spec.key, new RuleError('duplicate_rule', 'Its key is used twice', at));
    seen.add(spec.key);
    if (spec.flag === undefined && (spec.require ?? []).length === 0 && spec.review === undefined)
      throw new ModelRuleError(
        spec.key,
        new RuleError('no_effect', 'It raises no flag, requires nothing and suggests no review', at),
      );
    for (const field of spec.require ?? [])
      if (!requirable.has(field))
        throw new ModelRuleError(
          spec.key,
          new RuleError('unknown_field', `"${field}" is not a field a rule can require`, at),
        );
    try {
      return { ...spec, tree: checkCondition(checker, spec.when) };
    } catch (error) {
      throw error instanceof RuleError ? new ModelRuleError(spec.key, error) : error;
    }
  });
  // In the model's order, each checked once (RuleChecker.indicator).
  const indicators = new Map(Object.keys(env.indicators).map((name) => [name, checker.trees.get(name) as Expr]));
  // Refused at import, not when an assessment is saved: the most steps the rules can take.
  const cost = [...indicators.values(), ...rules.map((r) => r.tree)].reduce((n, tree) => n + costOf(env, tree), 0);
  if (cost > MAX_STEPS)
    throw new RuleError(
      'too_costly',
      `The rules and indicators may take ${cost} steps; at most ${MAX_STEPS} are allowed (aggregates over large domains, nested)`,
      { line: 1, column: 1 },
    );
  return { env, rules, indicators, orders: checker.orders };
}

/** Evaluates every indicator and rule on one assessment's ratings. Pure: the same ratings, the same outcome. */
export function evaluateRules(compiled: CompiledRules, ratings: Ratings): RuleOutcome {
  const run = new Evaluation(compiled, ratings);
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
  readonly #indicators = new Map<string, RuleValue>();
  #steps = 0;

  constructor(compiled: CompiledRules, ratings: Ratings) {
    this.#compiled = compiled;
    this.#ratings = ratings;
  }

  indicator(name: string): RuleValue {
    if (this.#indicators.has(name)) return this.#indicators.get(name) ?? null;
    const tree = this.#compiled.indicators.get(name);
    // Checked at compile time: every indicator named exists and none needs itself.
    const value = tree === undefined ? null : this.value(tree, undefined);
    this.#indicators.set(name, value);
    return value;
  }

  value(e: Expr, each: string | undefined): RuleValue {
    this.#steps += 1;
    if (this.#steps > MAX_STEPS) throw new RuleError('too_costly', `The rules took more than ${MAX_STEPS} steps`, e.at);
    switch (e.k) {
      case 'literal':
        return e.value;
      case 'field':
        return this.#ratings[e.item]?.[e.facet] ?? null;
      case 'each':
        return each === undefined ? null : (this.#ratings[each]?.[e.facet] ?? null);
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
        const items = this.#compiled.env.domains[e.domain] ?? [];
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
    const scale = name === undefined ? undefined : this.#compiled.env.scales[name];
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
      return 1 + (env.domains[e.domain]?.length ?? 0) * costOf(env, e.where);
  }
}
