import type { AssessmentChanges } from '../../contract/assessments.ts';
import type { ModelDefinition } from '../../contract/models/definition.ts';
import { migrateRatings, targetsOf } from '../../contract/models/migrate.ts';
import { itemsOf } from '../../contract/models/validate.ts';
import { own } from '../../contract/rules/check.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { aboutCase, need, type Origin } from '../cases/context.ts';
import { unusedOf } from '../models/optional-items.ts';
import { reads } from '../timeline/context.ts';
import { assessments } from './assessments.service.ts';
import { pinnedOf } from './present.ts';
import { compared, specialItems } from './ratings.ts';
import { type AssessmentsContext, openContent } from './store.ts';

/**
 * The items of the next version an item of the one before maps to (its map entry, or the item of
 * the same key): across versions only these are compared. An item new in the next version was
 * never rated before; "not assessed" to a rating is not a change of it.
 */
function relatedItems(from: ModelDefinition, to: ModelDefinition): Set<string> {
  const after = new Map(itemsOf(to.domains).map(({ item }) => [item.key, item]));
  return new Set(itemsOf(from.domains).flatMap(({ item }) => targetsOf(to, item.key, after)));
}

/**
 * What changed, item by item, between each finalised single assessment or consensus of the case
 * and the one before it (docs/assessments.md, "The risk curve"): on the same version directly, to
 * the next version through its migration map, otherwise not at all. The day last observed, the
 * evidence and the note are not a change of rating. Without the special categories in the reader's
 * scope, those items are neither opened nor compared.
 */
export async function assessmentChanges(
  ctx: AssessmentsContext,
  actor: Actor,
  caseId: string,
  origin: Origin,
): Promise<AssessmentChanges> {
  const reach = await need(ctx, actor, caseId, assessments(false), origin);
  const db = ctx.database.db;
  const rows = await db
    .selectFrom('assessments')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('status', '=', 'final')
    .where('kind', '<>', 'rater')
    .orderBy('finalised_at')
    .orderBy('id')
    .execute();
  const withSpecial = reads(reach, 'special_category');
  const ring = ctx.keys.using(db);
  const opened = await Promise.all(
    rows.map(async (row) => ({
      row,
      model: (await pinnedOf(ctx, db, row)).definition,
      ratings: (await openContent(ring, row, withSpecial)).ratings,
    })),
  );
  const pairs: AssessmentChanges['pairs'] = [];
  for (let i = 1; i < opened.length; i++) {
    const a = opened[i - 1];
    const b = opened[i];
    if (a === undefined || b === undefined) continue;
    const sameVersion = a.row.model_key === b.row.model_key && a.row.model_version === b.row.model_version;
    const mapped = a.row.model_key === b.row.model_key && b.model.migration?.from === a.row.model_version;
    const pair = { from: a.row.id, to: b.row.id, comparable: sameVersion || mapped, acrossVersions: !sameVersion };
    if (!pair.comparable) {
      pairs.push({ ...pair, items: [] });
      continue;
    }
    const before = sameVersion ? a.ratings : migrateRatings(a.model, b.model, a.ratings);
    const withheld = withSpecial ? new Set<string>() : specialItems(b.model);
    // An optional item either of the two did not use is no change: it was not assessed there.
    const unused = new Set([...unusedOf(a.model, a.row.optional_items), ...unusedOf(b.model, b.row.optional_items)]);
    const related = sameVersion ? undefined : relatedItems(a.model, b.model);
    const items = itemsOf(b.model.domains)
      .map(({ item }) => item.key)
      .filter((key) => !withheld.has(key) && !unused.has(key) && (related === undefined || related.has(key)))
      .map((key) => ({ key, before: compared(own(before, key)), after: compared(own(b.ratings, key)) }))
      .filter((c) => JSON.stringify(c.before) !== JSON.stringify(c.after));
    pairs.push({ ...pair, items });
  }
  await recordAudit(db, ctx.clock.now(), {
    action: 'case.viewed',
    ...aboutCase(actor, origin, caseId),
    detail: { part: 'assessments', via: reach.kind },
  });
  return { pairs };
}
