import { type Expr, parseRule, RuleError } from './syntax.ts';

/** A problem in an indicator's expression, found while checking whatever uses it. */
export class IndicatorError extends RuleError {
  readonly indicator: string;
  constructor(indicator: string, cause: RuleError) {
    super(cause.code, cause.message.replace(/ \(line \d+, column \d+\)$/, ''), cause.at);
    this.indicator = indicator;
  }
}

/** The type of a value in a rule: plain, a value of a named scale, or a set of such values. */
export type RuleType =
  | { readonly t: 'boolean' }
  | { readonly t: 'number' }
  | { readonly t: 'text' }
  | { readonly t: 'date' }
  | { readonly t: 'value'; readonly scale: string }
  | { readonly t: 'set'; readonly scale: string };

export interface ScaleShape {
  /** In order, lowest first; the order is what < and > compare. */
  readonly values: readonly string[];
  /** Which of them say "unknown / not enough information": never less or more than another. */
  readonly unknown: readonly string[];
}

/**
 * What a model gives its rules to check against (built from the model definition): its scales,
 * its items with the type of each rating (facet '' is the item's own value), its domains with the
 * items in each (nested domains included), and its computed indicators.
 */
export interface RuleEnv {
  readonly scales: Readonly<Record<string, ScaleShape>>;
  readonly items: Readonly<Record<string, Readonly<Record<string, RuleType>>>>;
  readonly domains: Readonly<Record<string, readonly string[]>>;
  /** Expressions, or a value the engine computes itself (BUILTINS). */
  readonly indicators: Readonly<Record<string, string | { readonly builtin: Builtin }>>;
  /** The items completeness counts (those that apply: not switched off), each by its primary rating. */
  readonly counted?: Readonly<Record<string, string>>;
}

/**
 * Indicators no expression can say: the share of the items that apply which have been rated (whole
 * percent), and how many items are rated differently from the case's previous assessment (none
 * without one).
 */
export const BUILTINS = ['completeness', 'change'] as const;
export type Builtin = (typeof BUILTINS)[number];

/**
 * A record's own entry: keys come from model authors, and a key such as "constructor" must not find
 * what every object inherits.
 */
export const own = <T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined =>
  record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;

export const show = (type: RuleType): string =>
  type.t === 'value' ? `a value of scale ${type.scale}` : type.t === 'set' ? `a set of scale ${type.scale}` : type.t;

const same = (a: RuleType, b: RuleType) =>
  a.t === b.t && (a.t !== 'value' && a.t !== 'set' ? true : a.scale === (b as { scale: string }).scale);

/**
 * Checks a parsed expression against the model and gives its type, or throws a RuleError naming
 * where: an unknown item, facet, domain, scale value or indicator, or operands that cannot meet.
 * Indicators are checked on first use, in the order of use: one that needs itself is refused.
 */
export class RuleChecker {
  readonly #env: RuleEnv;
  readonly #indicators = new Map<string, RuleType>();
  readonly #checking: string[] = [];
  /** The parsed expression of each indicator checked. */
  readonly trees = new Map<string, Expr>();
  /** The scale whose order a comparison of scale values follows. */
  readonly orders = new WeakMap<Expr, string>();

  constructor(env: RuleEnv) {
    this.#env = env;
  }

  /** The type of an indicator, its expression checked once. */
  indicator(name: string, at = { line: 1, column: 1 }): RuleType {
    const known = this.#indicators.get(name);
    if (known !== undefined) return known;
    const source = own(this.#env.indicators, name);
    if (source === undefined) throw new RuleError('unknown_indicator', `There is no indicator $${name}`, at);
    if (typeof source !== 'string') return { t: 'number' };
    if (this.#checking.includes(name))
      throw new RuleError(
        'cyclic_indicator',
        `The indicator $${name} depends on itself: ${[...this.#checking, name].map((n) => `$${n}`).join(' → ')}`,
        at,
      );
    this.#checking.push(name);
    try {
      let tree: Expr;
      let type: RuleType;
      try {
        tree = parseRule(source);
        type = this.type(tree, undefined);
      } catch (error) {
        // Tagged with the indicator it is in, however deep the use that found it.
        throw error instanceof RuleError && !(error instanceof IndicatorError)
          ? new IndicatorError(name, error)
          : error;
      }
      this.#indicators.set(name, type);
      this.trees.set(name, tree);
      return type;
    } finally {
      this.#checking.pop();
    }
  }

  /** The type of an expression; `domain` is the domain whose items `.facet` names inside an aggregate. */
  type(e: Expr, domain: string | undefined): RuleType {
    switch (e.k) {
      case 'literal':
        return typeof e.value === 'boolean'
          ? { t: 'boolean' }
          : typeof e.value === 'number'
            ? { t: 'number' }
            : { t: 'text' };
      case 'field': {
        const item = own(this.#env.items, e.item);
        if (item === undefined) throw new RuleError('unknown_item', `There is no item "${e.item}"`, e.at);
        const type = own(item, e.facet);
        if (type === undefined)
          throw new RuleError(
            'unknown_facet',
            e.facet === ''
              ? `"${e.item}" has no value of its own; name one of its ratings: ${Object.keys(item)
                  .map((f) => `.${f}`)
                  .join(', ')}`
              : `"${e.item}" has no rating .${e.facet}`,
            e.at,
          );
        return type;
      }
      case 'each':
        return this.#eachType(e.facet, domain, e.at);
      case 'indicator':
        return this.indicator(e.name, e.at);
      case 'not':
        this.#expect(e.operand, domain, 'boolean', '"not"');
        return { t: 'boolean' };
      case 'logic':
        this.#expect(e.left, domain, 'boolean', `"${e.op}"`);
        this.#expect(e.right, domain, 'boolean', `"${e.op}"`);
        return { t: 'boolean' };
      case 'arith':
        this.#expect(e.left, domain, 'number', `"${e.op}"`);
        this.#expect(e.right, domain, 'number', `"${e.op}"`);
        return { t: 'number' };
      case 'assessed':
        this.type(e.operand, domain);
        return { t: 'boolean' };
      case 'compare': {
        const left = this.type(e.left, domain);
        if (left.t === 'set')
          throw new RuleError(
            'incompatible',
            'A set is asked with "in": x in [...] holds when any of them is in x',
            e.at,
          );
        this.#meet(e.right, left, domain, e.op);
        if (left.t === 'value') this.orders.set(e, left.scale);
        if (e.op !== '==' && e.op !== '!=' && (left.t === 'boolean' || left.t === 'text'))
          throw new RuleError('incompatible', `${show(left)} has no order: "${e.op}" cannot compare it`, e.at);
        return { t: 'boolean' };
      }
      case 'in': {
        const operand = this.type(e.operand, domain);
        const element: RuleType = operand.t === 'set' ? { t: 'value', scale: operand.scale } : operand;
        for (const option of e.options) this.#meet(option, element, domain, 'in');
        return { t: 'boolean' };
      }
      case 'aggregate': {
        const items = own(this.#env.domains, e.domain);
        if (items === undefined) throw new RuleError('unknown_domain', `There is no domain "${e.domain}"`, e.at);
        this.#expect(e.where, e.domain, 'boolean', `${e.fn}(...)`);
        return e.fn === 'count' ? { t: 'number' } : { t: 'boolean' };
      }
    }
  }

  /** The type of `.facet` on every item of the domain: the same on all of them, or refused. */
  #eachType(facet: string, domain: string | undefined, at: Expr['at']): RuleType {
    if (domain === undefined)
      throw new RuleError('facet_outside', `.${facet} names a rating of each item, only inside any, all or count`, at);
    let found: RuleType | undefined;
    for (const key of own(this.#env.domains, domain) ?? []) {
      const type = own(own(this.#env.items, key), facet);
      if (type === undefined)
        throw new RuleError('unknown_facet', `"${key}" in domain ${domain} has no rating .${facet}`, at);
      if (found !== undefined && !same(found, type))
        throw new RuleError(
          'incompatible',
          `.${facet} is ${show(found)} on one item of ${domain} and ${show(type)} on "${key}"`,
          at,
        );
      found = type;
    }
    if (found === undefined) throw new RuleError('unknown_domain', `Domain ${domain} has no items`, at);
    return found;
  }

  #expect(e: Expr, domain: string | undefined, t: 'boolean' | 'number', where: string): void {
    const type = this.type(e, domain);
    if (type.t !== t) throw new RuleError('incompatible', `${where} needs ${t}, not ${show(type)}`, e.at);
  }

  /** The right side of a comparison: of the left's type, a text literal one of the left's scale's values. */
  #meet(e: Expr, left: RuleType, domain: string | undefined, op: string): RuleType {
    if (e.k === 'literal' && typeof e.value === 'string' && (left.t === 'value' || left.t === 'set')) {
      const scale = own(this.#env.scales, left.scale);
      if (scale === undefined) throw new RuleError('unknown_scale', `There is no scale ${left.scale}`, e.at);
      if (!scale.values.includes(e.value))
        throw new RuleError(
          'unknown_value',
          `'${e.value}' is not a value of scale ${left.scale} (${scale.values.map((v) => `'${v}'`).join(', ')})`,
          e.at,
        );
      return { t: 'value', scale: left.scale };
    }
    if (e.k === 'literal' && typeof e.value === 'string' && left.t === 'date') {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(e.value))
        throw new RuleError('incompatible', 'A date is written YYYY-MM-DD', e.at);
      return left;
    }
    const right = this.type(e, domain);
    const element = left.t === 'set' ? ({ t: 'value', scale: left.scale } as const) : left;
    if (!same(element, right) && !same(left, right))
      throw new RuleError('incompatible', `"${op}" cannot compare ${show(left)} with ${show(right)}`, e.at);
    return right;
  }
}

/** Parses and checks a rule's condition: it must be true or false. */
export function checkCondition(checker: RuleChecker, source: string): Expr {
  const tree = parseRule(source);
  const type = checker.type(tree, undefined);
  if (type.t !== 'boolean')
    throw new RuleError('not_a_condition', `A condition must be true or false, not ${show(type)}`, tree.at);
  return tree;
}
