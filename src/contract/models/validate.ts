import { own, type RuleEnv, type RuleType } from '../rules/check.ts';
import { type CompiledRules, compileRules, ModelRulesError } from '../rules/evaluate.ts';
import { type Domain, type Item, type ModelDefinition, RATED_KINDS, type Text } from './definition.ts';

/** What is wrong with a definition, and where: a path into it (and within a rule, line and column). */
export interface ModelProblem {
  readonly path: readonly (string | number)[];
  readonly code: string;
  readonly message: string;
}

export type Path = readonly (string | number)[];

/** Every item of a domain with its path, nested domains' items included, in order. */
export function itemsOf(domains: readonly Domain[], base: Path = ['domains']): { item: Item; path: Path }[] {
  return domains.flatMap((d, i) => [
    ...(d.items ?? []).map((item, j) => ({ item, path: [...base, i, 'items', j] })),
    ...itemsOf(d.domains ?? [], [...base, i, 'domains']),
  ]);
}

/** Whether a domain, nested ones included, has an item outside the set (or no items at all). */
export function domainShown(domain: Domain, hidden: ReadonlySet<string>): boolean {
  const items = itemsOf([domain]);
  return items.length === 0 || items.some(({ item }) => !hidden.has(item.key));
}

function domainsOf(domains: readonly Domain[], base: Path = ['domains']): { domain: Domain; path: Path }[] {
  return domains.flatMap((d, i) => [
    { domain: d, path: [...base, i] },
    ...domainsOf(d.domains ?? [], [...base, i, 'domains']),
  ]);
}

const allItems = (d: Domain): Item[] => [...(d.items ?? []), ...(d.domains ?? []).flatMap(allItems)];

/** The ratings an item gives rules (docs/rules.md), by facet; '' is the item's own value. */
export function facetsOf(item: Item): Record<string, RuleType> {
  const scale = item.scale ?? '';
  switch (item.kind) {
    case 'risk':
    case 'protective':
    case 'context': {
      const facets: Record<string, RuleType> = { presence: { t: 'value', scale }, observed: { t: 'date' } };
      if (item.relevance !== undefined) facets.relevance = { t: 'value', scale: item.relevance };
      if (item.timeframes?.includes('past')) facets.past_presence = { t: 'value', scale };
      return facets;
    }
    case 'stage':
      return { '': { t: 'value', scale } };
    case 'multi_select':
      return { '': { t: 'set', scale } };
    case 'text':
      return { '': { t: 'text' } };
    case 'date':
      return { '': { t: 'date' } };
    case 'number':
    case 'evidence':
      return { '': { t: 'number' } };
  }
}

/** The model as its rules see it. */
export function ruleEnvOf(model: ModelDefinition): RuleEnv {
  return {
    scales: Object.fromEntries(
      model.scales.map((s) => [
        s.key,
        { values: s.values.map((v) => v.key), unknown: s.values.filter((v) => v.unknown === true).map((v) => v.key) },
      ]),
    ),
    items: Object.fromEntries(itemsOf(model.domains).map(({ item }) => [item.key, facetsOf(item)])),
    domains: Object.fromEntries(
      domainsOf(model.domains).map(({ domain }) => [domain.key, allItems(domain).map((i) => i.key)]),
    ),
    indicators: Object.fromEntries(
      (model.indicators ?? []).map((i) => [
        i.key,
        i.builtin === undefined ? (i.expression ?? '') : { builtin: i.builtin },
      ]),
    ),
    counted: Object.fromEntries(
      itemsOf(model.domains)
        .filter(({ item }) => item.optional !== true && item.kind !== 'evidence')
        .map(({ item }) => [item.key, RATED_KINDS.has(item.kind) ? 'presence' : '']),
    ),
  };
}

/** The fields a rule may make required: the formulation, the scenarios, an item's evidence or date. */
export function requirableOf(model: ModelDefinition): Set<string> {
  const fields = new Set(['formulation', 'scenarios']);
  for (const { item } of itemsOf(model.domains))
    if (RATED_KINDS.has(item.kind)) for (const f of ['evidence', 'observed']) fields.add(`${item.key}.${f}`);
  return fields;
}

/** Every licensed-content placeholder the definition names, with where. */
export function placeholdersOf(value: unknown, path: Path = []): { key: string; path: Path }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholdersOf(v, [...path, i]));
  if (value === null || typeof value !== 'object') return [];
  const text = value as Partial<Record<'licensed', unknown>>;
  if (typeof text.licensed === 'string' && Object.keys(value).length === 1) return [{ key: text.licensed, path }];
  return Object.entries(value).flatMap(([k, v]) => (k === 'licensedContent' ? [] : placeholdersOf(v, [...path, k])));
}

/** The placeholders not yet filled in: publishing waits for them, importing does not. */
export const unfilledOf = (model: ModelDefinition) =>
  placeholdersOf(model).filter((p) => own(model.licensedContent, p.key) === undefined);

/** The text of a Text in a language, a filled placeholder's included. */
export function textOf(model: ModelDefinition, text: Text, language: 'de' | 'en'): string | undefined {
  return 'licensed' in text ? own(model.licensedContent, text.licensed)?.[language] : text[language];
}

/**
 * What the schema cannot check: keys used once, scales that exist and say "unknown", items rated
 * on the right kind of scale, rules and indicators that type-check, a review schedule for every
 * value. Returns the problems (none: the model imports) and, if the rules compile, the rules.
 */
export function validateModel(model: ModelDefinition): { problems: ModelProblem[]; rules?: CompiledRules } {
  const problems: ModelProblem[] = [];
  const problem = (path: Path, code: string, message: string) => problems.push({ path, code, message });
  const unique = (entries: { key: string; path: Path }[], what: string) => {
    const seen = new Set<string>();
    for (const { key, path } of entries) {
      if (seen.has(key)) problem([...path, 'key'], 'duplicate_key', `The ${what} key "${key}" is used twice`);
      seen.add(key);
    }
  };
  const scales = new Map(model.scales.map((s) => [s.key, s]));
  unique(
    model.scales.map((s, i) => ({ key: s.key, path: ['scales', i] })),
    'scale',
  );
  // What raters rate needs an explicit "unknown"; a final judgment is given, never unknown.
  const rated = new Set(
    [
      ...itemsOf(model.domains).flatMap(({ item }) => [item.scale, item.relevance]),
      model.scenarios?.severity,
      model.scenarios?.imminence,
      model.scenarios?.likelihood,
    ].filter((k) => k !== undefined),
  );
  model.scales.forEach((s, i) => {
    unique(
      s.values.map((v, j) => ({ key: v.key, path: ['scales', i, 'values', j] })),
      `value of scale ${s.key}`,
    );
    if (rated.has(s.key) && !s.values.some((v) => v.unknown === true))
      problem(
        ['scales', i, 'values'],
        'no_unknown',
        `Scale ${s.key} has no value marked unknown: every rated scale needs one`,
      );
  });
  const scaleAt = (path: Path, key: string | undefined, what: string) => {
    if (key === undefined) problem(path, 'missing_scale', `${what} needs a scale`);
    else if (!scales.has(key)) problem(path, 'unknown_scale', `There is no scale "${key}" (${what})`);
  };
  const items = itemsOf(model.domains);
  unique(
    items.map(({ item, path }) => ({ key: item.key, path })),
    'item',
  );
  unique(
    domainsOf(model.domains).map(({ domain, path }) => ({ key: domain.key, path })),
    'domain',
  );
  for (const { item, path } of items) {
    const scaled = RATED_KINDS.has(item.kind) || item.kind === 'stage' || item.kind === 'multi_select';
    if (scaled) scaleAt([...path, 'scale'], item.scale, `item ${item.key}`);
    else if (item.scale !== undefined)
      problem([...path, 'scale'], 'scale_not_allowed', `A ${item.kind} item has no scale (item ${item.key})`);
    if (item.relevance !== undefined) {
      if (RATED_KINDS.has(item.kind)) scaleAt([...path, 'relevance'], item.relevance, `relevance of ${item.key}`);
      else
        problem(
          [...path, 'relevance'],
          'relevance_not_allowed',
          `Only risk, protective and context items have a relevance (item ${item.key})`,
        );
    }
  }
  const flags = new Set((model.flags ?? []).map((f) => f.key));
  unique(
    (model.flags ?? []).map((f, i) => ({ key: f.key, path: ['flags', i] })),
    'flag',
  );
  unique(
    (model.indicators ?? []).map((f, i) => ({ key: f.key, path: ['indicators', i] })),
    'indicator',
  );
  (model.indicators ?? []).forEach((f, i) => {
    if ((f.expression === undefined) === (f.builtin === undefined))
      problem(['indicators', i], 'indicator_form', `Indicator ${f.key} needs an expression or a builtin, not both`);
  });
  unique(
    model.judgments.map((j, i) => ({ key: j.key, path: ['judgments', i] })),
    'judgment',
  );
  model.judgments.forEach((j, i) => {
    scaleAt(['judgments', i, 'scale'], j.scale, `judgment ${j.key}`);
  });
  (model.rules ?? []).forEach((r, i) => {
    for (const [field, key] of [
      ['flag', r.flag],
      ['review', r.review],
    ] as const)
      if (key !== undefined && !flags.has(key))
        problem(['rules', i, field], 'unknown_flag', `There is no flag "${key}" (rule ${r.key})`);
  });
  if (model.scenarios !== undefined)
    for (const field of ['severity', 'imminence', 'likelihood'] as const)
      scaleAt(['scenarios', field], model.scenarios[field], `the scenarios' ${field}`);
  if (model.review !== undefined) {
    const judgment = model.judgments.find((j) => j.key === model.review?.judgment);
    const scale = judgment === undefined ? undefined : scales.get(judgment.scale);
    if (judgment === undefined)
      problem(['review', 'judgment'], 'unknown_judgment', `There is no judgment "${model.review.judgment}"`);
    else if (scale !== undefined) {
      for (const v of scale.values)
        if (v.unknown !== true && own(model.review.days, v.key) === undefined)
          problem(['review', 'days'], 'missing_interval', `No review interval for ${judgment.key} "${v.key}"`);
      for (const key of Object.keys(model.review.days))
        if (!scale.values.some((v) => v.key === key))
          problem(['review', 'days', key], 'unknown_value', `"${key}" is not a value of scale ${scale.key}`);
    }
  }
  if (problems.length > 0) return { problems };
  return compiledOrProblems(model, problems);
}

function compiledOrProblems(model: ModelDefinition, problems: ModelProblem[]) {
  try {
    return { problems, rules: compileRules(ruleEnvOf(model), model.rules ?? [], requirableOf(model)) };
  } catch (error) {
    if (!(error instanceof ModelRulesError)) throw error;
    for (const p of error.problems) {
      const { list, index, field } = p.place;
      problems.push({ path: field === '' ? [list, index] : [list, index, field], code: p.code, message: p.message });
    }
    return { problems };
  }
}

/**
 * A new version's migration map against the version it migrates from: every item it maps exists
 * on both sides, every value it maps is a value of the old scale and of the new one.
 */
export function validateMigration(from: ModelDefinition, to: ModelDefinition): ModelProblem[] {
  const map = to.migration;
  if (map === undefined) return [];
  const problems: ModelProblem[] = [];
  if (from.key !== to.key)
    problems.push({
      path: ['key'],
      code: 'other_model',
      message: `Version ${to.version} is of ${to.key}, not of ${from.key}`,
    });
  if (map.from !== from.version)
    problems.push({
      path: ['migration', 'from'],
      code: 'migration_from',
      message: `The map migrates from ${map.from}, but the version before is ${from.version}`,
    });
  const before = new Set(itemsOf(from.domains).map(({ item }) => item.key));
  const after = new Set(itemsOf(to.domains).map(({ item }) => item.key));
  // Special-category ratings stay special: an item they go to keeps every tag of the item they come from.
  const next = new Map(itemsOf(to.domains).map(({ item }) => [item.key, item]));
  for (const { item: old } of itemsOf(from.domains)) {
    const tags = old.dataProtection ?? [];
    if (tags.length === 0) continue;
    const mapped = own(map.items ?? {}, old.key);
    const targets = mapped === undefined ? [old.key] : Array.isArray(mapped) ? mapped : [mapped];
    for (const key of targets) {
      const target = next.get(key);
      if (target !== undefined && !tags.every((t) => (target.dataProtection ?? []).includes(t)))
        problems.push({
          path: mapped === undefined ? ['migration', 'items'] : ['migration', 'items', old.key],
          code: 'special_category_dropped',
          message: `The ratings of ${old.key} (${tags.join(', ')}) would go to ${key}, which is not tagged so: tag it, or map them elsewhere`,
        });
    }
  }
  for (const [old, target] of Object.entries(map.items ?? {})) {
    if (!before.has(old))
      problems.push({
        path: ['migration', 'items', old],
        code: 'unknown_item',
        message: `Version ${from.version} has no item "${old}"`,
      });
    for (const key of Array.isArray(target) ? target : [target])
      if (!after.has(key))
        problems.push({
          path: ['migration', 'items', old],
          code: 'unknown_item',
          message: `Version ${to.version} has no item "${key}"`,
        });
  }
  const scaleIn = (model: ModelDefinition, key: string) => model.scales.find((s) => s.key === key);
  for (const [scale, values] of Object.entries(map.values ?? {})) {
    const old = scaleIn(from, scale);
    const next = scaleIn(to, scale);
    if (old === undefined || next === undefined) {
      problems.push({
        path: ['migration', 'values', scale],
        code: 'unknown_scale',
        message: `Scale ${scale} is not in ${old === undefined ? `version ${from.version}` : `version ${to.version}`}`,
      });
      continue;
    }
    for (const [a, b] of Object.entries(values)) {
      if (!old.values.some((v) => v.key === a))
        problems.push({
          path: ['migration', 'values', scale, a],
          code: 'unknown_value',
          message: `"${a}" is not a value of scale ${scale} in version ${from.version}`,
        });
      if (!next.values.some((v) => v.key === b))
        problems.push({
          path: ['migration', 'values', scale, a],
          code: 'unknown_value',
          message: `"${b}" is not a value of scale ${scale} in version ${to.version}`,
        });
    }
  }
  return problems;
}
