/**
 * The syntax of rule expressions (docs/rules.md): a small language of comparisons, logic, counts
 * and membership over an assessment's ratings. Parsed into a tree here; nothing is ever run as
 * code. Shared by the browser (live feedback) and the server (the authority).
 */

/** Where in the expression's text: the first character of a token, from 1. */
export interface Pos {
  readonly line: number;
  readonly column: number;
}

export type Comparison = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type Aggregate = 'any' | 'all' | 'count';

export type Expr =
  | { readonly k: 'literal'; readonly value: boolean | number | string; readonly at: Pos }
  /** An item's value (`item`) or one of its ratings (`item.facet`). */
  | { readonly k: 'field'; readonly item: string; readonly facet: string; readonly at: Pos }
  /** Inside an aggregate: a rating of the item in hand (`.facet`). */
  | { readonly k: 'each'; readonly facet: string; readonly at: Pos }
  /** A computed indicator of the model (`$name`). */
  | { readonly k: 'indicator'; readonly name: string; readonly at: Pos }
  | { readonly k: 'not'; readonly operand: Expr; readonly at: Pos }
  | { readonly k: 'logic'; readonly op: 'and' | 'or'; readonly left: Expr; readonly right: Expr; readonly at: Pos }
  | { readonly k: 'compare'; readonly op: Comparison; readonly left: Expr; readonly right: Expr; readonly at: Pos }
  | { readonly k: 'arith'; readonly op: '+' | '-'; readonly left: Expr; readonly right: Expr; readonly at: Pos }
  | { readonly k: 'in'; readonly operand: Expr; readonly options: readonly Expr[]; readonly at: Pos }
  | {
      readonly k: 'aggregate';
      readonly fn: Aggregate;
      readonly domain: string;
      readonly where: Expr;
      readonly at: Pos;
    }
  /** `assessed(x)`: whether x has been rated at all. */
  | { readonly k: 'assessed'; readonly operand: Expr; readonly at: Pos };

/** A rule expression that cannot be read or used, with where and why. */
export class RuleError extends Error {
  readonly at: Pos;
  readonly code: string;
  constructor(code: string, message: string, at: Pos) {
    super(`${message} (line ${at.line}, column ${at.column})`);
    this.name = 'RuleError';
    this.code = code;
    this.at = at;
  }
}

/** The longest expression text and the deepest nesting a model may hold: parsing stays bounded. */
export const MAX_SOURCE = 2_000;
export const MAX_DEPTH = 24;

type TokenKind = 'name' | 'number' | 'string' | 'op' | 'indicator' | 'facet' | 'end';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly at: Pos;
}

const NAME = /[a-z][a-z0-9_]*/y;
const NUMBER = /\d+(?:\.\d+)?/y;
const OPERATORS = ['==', '!=', '<=', '>=', '<', '>', '+', '-', '(', ')', '[', ']', ','];

function tokens(source: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const at = (index: number): Pos => ({ line, column: index - lineStart + 1 });
  const match = (pattern: RegExp, from: number) => {
    pattern.lastIndex = from;
    return pattern.exec(source)?.[0];
  };
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '\n') {
      line += 1;
      i += 1;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i += 1;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = source.indexOf(c, i + 1);
      const text = end < 0 ? undefined : source.slice(i + 1, end);
      if (text === undefined || text.includes('\n'))
        throw new RuleError('unterminated_text', 'A text in quotes is not closed on its line', at(i));
      out.push({ kind: 'string', text, at: at(i) });
      i = end + 1;
      continue;
    }
    if ((c === '$' || c === '.') && /[a-z]/.test(source[i + 1] ?? '')) {
      const name = match(NAME, i + 1) ?? '';
      out.push({ kind: c === '$' ? 'indicator' : 'facet', text: name, at: at(i) });
      i += 1 + name.length;
      continue;
    }
    const name = match(NAME, i);
    if (name !== undefined) {
      out.push({ kind: 'name', text: name, at: at(i) });
      i += name.length;
      continue;
    }
    const number = match(NUMBER, i);
    if (number !== undefined) {
      out.push({ kind: 'number', text: number, at: at(i) });
      i += number.length;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op === undefined) throw new RuleError('unexpected_character', `"${c}" has no meaning here`, at(i));
    out.push({ kind: 'op', text: op, at: at(i) });
    i += op.length;
  }
  out.push({ kind: 'end', text: '', at: at(i) });
  return out;
}

const COMPARISONS = new Set<string>(['==', '!=', '<', '<=', '>', '>=']);
const AGGREGATES = new Set<string>(['any', 'all', 'count']);
const RESERVED = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'any', 'all', 'count', 'assessed']);

/** Parses one expression, or throws a RuleError naming the line and column. */
export function parseRule(source: string): Expr {
  if (source.length > MAX_SOURCE)
    throw new RuleError('too_long', `An expression may be ${MAX_SOURCE} characters long`, { line: 1, column: 1 });
  const list = tokens(source);
  let next = 0;
  let depth = 0;
  const peek = () => list[next] as Token;
  const take = () => list[next++] as Token;
  const is = (text: string) => {
    const t = peek();
    return (t.kind === 'op' || t.kind === 'name') && t.text === text;
  };
  const expect = (text: string) => {
    const t = take();
    if (t.text !== text || (t.kind !== 'op' && t.kind !== 'name'))
      throw new RuleError('expected', `Expected "${text}" but found ${describe(t)}`, t.at);
    return t;
  };
  const nested = <T>(at: Pos, read: () => T): T => {
    depth += 1;
    if (depth > MAX_DEPTH) throw new RuleError('too_deep', `Expressions may nest ${MAX_DEPTH} levels deep`, at);
    const out = read();
    depth -= 1;
    return out;
  };

  const or = (): Expr => {
    let left = and();
    while (is('or')) {
      const at = take().at;
      left = { k: 'logic', op: 'or', left, right: and(), at };
    }
    return left;
  };
  const and = (): Expr => {
    let left = not();
    while (is('and')) {
      const at = take().at;
      left = { k: 'logic', op: 'and', left, right: not(), at };
    }
    return left;
  };
  const not = (): Expr => {
    if (!is('not')) return comparison();
    const at = take().at;
    return nested(at, () => ({ k: 'not', operand: not(), at }));
  };
  const comparison = (): Expr => {
    const left = sum();
    const t = peek();
    if (t.kind === 'op' && COMPARISONS.has(t.text)) {
      take();
      return { k: 'compare', op: t.text as Comparison, left, right: sum(), at: t.at };
    }
    if (is('in')) {
      const at = take().at;
      expect('[');
      const options: Expr[] = [primary()];
      while (is(',')) {
        take();
        options.push(primary());
      }
      expect(']');
      return { k: 'in', operand: left, options, at };
    }
    return left;
  };
  const sum = (): Expr => {
    let left = primary();
    while (is('+') || is('-')) {
      const t = take();
      left = { k: 'arith', op: t.text as '+' | '-', left, right: primary(), at: t.at };
    }
    return left;
  };
  const primary = (): Expr => {
    const t = take();
    switch (t.kind) {
      case 'number':
        return { k: 'literal', value: Number(t.text), at: t.at };
      case 'string':
        return { k: 'literal', value: t.text, at: t.at };
      case 'indicator':
        return { k: 'indicator', name: t.text, at: t.at };
      case 'facet':
        return { k: 'each', facet: t.text, at: t.at };
      case 'name':
        return named(t);
      case 'op':
        if (t.text === '(')
          return nested(t.at, () => {
            const inner = or();
            expect(')');
            return inner;
          });
        break;
      default:
        break;
    }
    throw new RuleError('unexpected', `Expected a value but found ${describe(t)}`, t.at);
  };
  const named = (t: Token): Expr => {
    if (t.text === 'true' || t.text === 'false') return { k: 'literal', value: t.text === 'true', at: t.at };
    if (AGGREGATES.has(t.text)) {
      expect('(');
      const domain = take();
      if (domain.kind !== 'name' || RESERVED.has(domain.text))
        throw new RuleError('expected_domain', `${t.text}(...) takes a domain first`, domain.at);
      expect(',');
      const where = nested(t.at, or);
      expect(')');
      return { k: 'aggregate', fn: t.text as Aggregate, domain: domain.text, where, at: t.at };
    }
    if (t.text === 'assessed') {
      expect('(');
      const operand = nested(t.at, or);
      expect(')');
      return { k: 'assessed', operand, at: t.at };
    }
    if (RESERVED.has(t.text)) throw new RuleError('unexpected', `"${t.text}" cannot stand here`, t.at);
    // `item.facet`: a facet token right after the name, without a space.
    const f = peek();
    if (f.kind === 'facet' && f.at.line === t.at.line && f.at.column === t.at.column + t.text.length) {
      take();
      return { k: 'field', item: t.text, facet: f.text, at: t.at };
    }
    return { k: 'field', item: t.text, facet: '', at: t.at };
  };

  const tree = or();
  const rest = peek();
  if (rest.kind !== 'end')
    throw new RuleError('unexpected', `Nothing may follow here, but found ${describe(rest)}`, rest.at);
  return tree;
}

function describe(t: Token): string {
  if (t.kind === 'end') return 'the end';
  if (t.kind === 'string') return `'${t.text}'`;
  if (t.kind === 'indicator') return `$${t.text}`;
  if (t.kind === 'facet') return `.${t.text}`;
  return `"${t.text}"`;
}
