import type { Domain, Item, ModelDefinition } from '../../../contract/models/definition.ts';
import { itemsOf, type Path } from '../../../contract/models/validate.ts';

/** An optional item of a model and the domains it sits in, outermost first. */
export interface OptionalItem {
  readonly item: Item;
  readonly domains: readonly Domain[];
}

/** The domains along an item's path (`domains.1.domains.0.items.2`), outermost first. */
function domainsAlong(model: ModelDefinition, path: Path): Domain[] {
  const trail: Domain[] = [];
  let level: readonly Domain[] = model.domains;
  for (let i = 0; i + 1 < path.length && path[i] === 'domains'; i += 2) {
    const domain = level[path[i + 1] as number];
    if (domain === undefined) break;
    trail.push(domain);
    level = domain.domains ?? [];
  }
  return trail;
}

/** The model's optional items, in the model's order, each with its domains. */
export const optionalItemsOf = (model: ModelDefinition): OptionalItem[] =>
  itemsOf(model.domains)
    .filter(({ item }) => item.optional === true)
    .map(({ item, path }) => ({ item, domains: domainsAlong(model, path) }));

/**
 * The set of optional items in use to save from one version's page: the items it shows as the team
 * lead ticked them, and, unchanged, those in use that this version does not have (the set spans the
 * model's published versions; a page cannot switch off what it does not show).
 */
export function nextOptionalItems(
  inUse: readonly string[],
  shown: readonly string[],
  chosen: ReadonlySet<string>,
): string[] {
  const here = new Set(shown);
  const kept = inUse.filter((key) => !here.has(key));
  return [...new Set([...kept, ...shown.filter((key) => chosen.has(key))])];
}
