import { z } from 'zod';
import { own } from '../rules/check.ts';
import type { Domain, ModelDefinition } from './definition.ts';
import { itemsOf } from './validate.ts';

/** What happened to one part of a model between two versions. */
export const Change = z.strictObject({
  part: z.enum(['scale', 'domain', 'item', 'indicator', 'flag', 'rule', 'judgment', 'review', 'model']),
  key: z.string(),
  change: z.enum(['added', 'removed', 'changed']),
  /** For a change: which of its fields differ, as dotted paths. */
  fields: z.array(z.string()),
  /** Where a removed item's ratings go in the newer version, by its migration map. */
  mappedTo: z.array(z.string()).optional(),
});
export type Change = z.infer<typeof Change>;

/** The paths at which two JSON values differ (a list compared as a whole where its order matters). */
function differing(a: unknown, b: unknown, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const objects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object';
  if (!objects || Array.isArray(a) || Array.isArray(b)) return [path === '' ? '(value)' : path];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) =>
    differing((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path === '' ? k : `${path}.${k}`),
  );
}

function byKey<T extends { key: string }>(
  part: Change['part'],
  before: readonly T[],
  after: readonly T[],
  shape: (t: T) => unknown = (t) => t,
): Change[] {
  const old = new Map(before.map((t) => [t.key, t]));
  const next = new Map(after.map((t) => [t.key, t]));
  const changes: Change[] = [];
  for (const [key, t] of old) {
    const u = next.get(key);
    if (u === undefined) changes.push({ part, key, change: 'removed', fields: [] });
    else {
      const fields = differing(shape(t), shape(u));
      if (fields.length > 0) changes.push({ part, key, change: 'changed', fields });
    }
  }
  for (const key of next.keys()) if (!old.has(key)) changes.push({ part, key, change: 'added', fields: [] });
  return changes;
}

/**
 * What changed from one version of a model to the next, part by part (for the registry's diff
 * view); a removed item names where its migration map sends its ratings.
 */
export function diffModels(from: ModelDefinition, to: ModelDefinition): Change[] {
  const meta = (m: ModelDefinition) => ({
    title: m.title,
    description: m.description,
    publisher: m.publisher,
    citation: m.citation,
    licence: m.licence,
    kind: m.kind,
    formulation: m.formulation,
    scenarios: m.scenarios,
  });
  const model = differing(meta(from), meta(to));
  const mapped = to.migration?.items ?? {};
  const items = byKey(
    'item',
    itemsOf(from.domains).map((i) => i.item),
    itemsOf(to.domains).map((i) => i.item),
  ).map((c) => {
    const target = own(mapped, c.key);
    return c.change === 'removed' && target !== undefined
      ? { ...c, mappedTo: Array.isArray(target) ? [...target] : [target] }
      : c;
  });
  const domains = (m: ModelDefinition) => {
    const flat: { key: string; label: unknown; mode: unknown; temporal: unknown; items: string[] }[] = [];
    const walk = (ds: readonly Domain[]) => {
      for (const d of ds) {
        flat.push({
          key: d.key,
          label: d.label,
          mode: d.mode,
          temporal: d.temporal,
          items: (d.items ?? []).map((i) => i.key),
        });
        walk(d.domains ?? []);
      }
    };
    walk(m.domains);
    return flat;
  };
  return [
    ...(model.length > 0 ? [{ part: 'model' as const, key: to.key, change: 'changed' as const, fields: model }] : []),
    ...byKey('scale', from.scales, to.scales),
    ...byKey('domain', domains(from), domains(to)),
    ...items,
    ...byKey('indicator', from.indicators ?? [], to.indicators ?? []),
    ...byKey('flag', from.flags ?? [], to.flags ?? []),
    ...byKey('rule', from.rules ?? [], to.rules ?? []),
    ...byKey('judgment', from.judgments, to.judgments),
    ...byKey(
      'review',
      from.review === undefined ? [] : [{ key: 'review', ...from.review }],
      to.review === undefined ? [] : [{ key: 'review', ...to.review }],
    ),
  ];
}
