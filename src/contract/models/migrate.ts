import type { ItemRating } from '../assessments.ts';
import { own } from '../rules/check.ts';
import type { Item, ModelDefinition } from './definition.ts';
import { itemsOf } from './validate.ts';

type Ratings = Readonly<Record<string, ItemRating>>;

const SCALED = ['presence', 'relevance', 'pastPresence'] as const;

/** Where an old item's ratings go in the new version: its map entry, else the item of the same key, else nowhere. */
export function targetsOf(to: ModelDefinition, oldKey: string, after: ReadonlyMap<string, Item>): string[] {
  const mapped = own(to.migration?.items ?? {}, oldKey);
  if (mapped !== undefined) return Array.isArray(mapped) ? [...mapped] : [mapped];
  return after.has(oldKey) ? [oldKey] : [];
}

/**
 * The ratings of an assessment on one version carried over to the next by the new version's
 * migration map (docs/models.md): an item renamed or split takes the old item's ratings; items
 * merged take the highest of theirs on the new scale; a value goes where the map sends it, or
 * stays if the new scale has it, else becomes "not assessed". A new item nobody maps starts "not
 * assessed"; a removed item's ratings stay in the old assessment only. Pure.
 */
export function migrateRatings(
  from: ModelDefinition,
  to: ModelDefinition,
  ratings: Ratings,
): Record<string, ItemRating> {
  const before = new Map(itemsOf(from.domains).map(({ item }) => [item.key, item]));
  const after = new Map(itemsOf(to.domains).map(({ item }) => [item.key, item]));
  const scaleOf = (model: ModelDefinition, key: string | undefined) =>
    key === undefined ? undefined : model.scales.find((s) => s.key === key);
  // Without a prototype: an item may be called constructor.
  const carried: Record<string, ItemRating> = Object.create(null);
  for (const [oldKey, rating] of Object.entries(ratings)) {
    const old = before.get(oldKey);
    if (old === undefined) continue;
    for (const newKey of targetsOf(to, oldKey, after)) {
      const item = after.get(newKey);
      if (item === undefined || !compatible(old, item) || !keepsTags(old, item)) continue;
      const value = (v: string | null | undefined, oldScale: string | undefined, newScale: string | undefined) => {
        if (v === null || v === undefined) return null;
        const mapped = oldScale === undefined ? undefined : own(own(to.migration?.values ?? {}, oldScale) ?? {}, v);
        const target = mapped ?? v;
        return scaleOf(to, newScale)?.values.some((s) => s.key === target) === true ? target : null;
      };
      const next: ItemRating = {
        ...(rating.observed === undefined ? {} : { observed: rating.observed }),
        ...(rating.evidence === undefined ? {} : { evidence: rating.evidence }),
        ...(rating.note === undefined ? {} : { note: rating.note }),
      };
      const scaled: Partial<Record<(typeof SCALED)[number], string | null>> = {
        presence: value(rating.presence, old.scale, item.scale),
        relevance: item.relevance === undefined ? null : value(rating.relevance, old.relevance, item.relevance),
        pastPresence:
          item.timeframes?.includes('past') === true ? value(rating.pastPresence, old.scale, item.scale) : null,
      };
      for (const facet of SCALED) if (scaled[facet] !== null) next[facet] = scaled[facet];
      const own_ = rating.value;
      if (own_ !== null && own_ !== undefined) {
        if (item.kind === 'stage' && typeof own_ === 'string') next.value = value(own_, old.scale, item.scale);
        else if (item.kind === 'multi_select' && Array.isArray(own_))
          next.value = own_.flatMap((v) => value(v, old.scale, item.scale) ?? []);
        else if (item.kind !== 'stage' && item.kind !== 'multi_select') next.value = own_;
      }
      const earlier = carried[newKey];
      carried[newKey] = earlier === undefined ? next : merged(scaleOf(to, item.scale)?.values, earlier, next);
    }
  }
  return { ...carried };
}

/** Special-category ratings go only where they stay special (validateMigration refuses a map that says otherwise). */
const keepsTags = (old: Item, next: Item) =>
  (old.dataProtection ?? []).every((t) => (next.dataProtection ?? []).includes(t));

/** Ratings carry over between items rated alike: rated to rated, or the same kind. */
function compatible(old: Item, next: Item): boolean {
  const rated = (i: Item) => i.kind === 'risk' || i.kind === 'protective' || i.kind === 'context';
  return rated(old) ? rated(next) : old.kind === next.kind;
}

/** Two old items merged into one: the higher presence (known over unknown), the later day, all the evidence. */
function merged(
  values: readonly { key: string; unknown?: boolean | undefined }[] | undefined,
  a: ItemRating,
  b: ItemRating,
): ItemRating {
  const rank = (v: string | null | undefined) => {
    if (v === null || v === undefined) return -2;
    const i = values?.findIndex((s) => s.key === v) ?? -1;
    return values?.[i]?.unknown === true ? -1 : i;
  };
  const higher = (x: string | null | undefined, y: string | null | undefined) => (rank(y) > rank(x) ? y : x);
  const later = (x: string | null | undefined, y: string | null | undefined) =>
    x === null || x === undefined ? y : y === null || y === undefined ? x : x > y ? x : y;
  const union = (x: readonly string[] | undefined, y: readonly string[] | undefined) => [
    ...new Set([...(x ?? []), ...(y ?? [])]),
  ];
  const result: ItemRating = {
    ...a,
    presence: higher(a.presence, b.presence) ?? null,
    relevance: higher(a.relevance, b.relevance) ?? null,
    pastPresence: higher(a.pastPresence, b.pastPresence) ?? null,
    observed: later(a.observed, b.observed) ?? null,
    evidence: {
      entries: union(a.evidence?.entries, b.evidence?.entries),
      documents: union(a.evidence?.documents, b.evidence?.documents),
    },
  };
  const notes = [a.note, b.note].filter((n) => n !== undefined && n !== '');
  if (notes.length > 0) result.note = notes.join('\n\n');
  if (a.value === undefined && b.value !== undefined) result.value = b.value;
  return result;
}
