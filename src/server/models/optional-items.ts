import type { Kysely } from 'kysely';
import type { ModelDefinition } from '../../contract/models/definition.ts';
import type { OptionalItems } from '../../contract/models/registry.ts';
import { itemsOf } from '../../contract/models/validate.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import type { RequestOrigin } from '../features/session/context.ts';
import type { DB } from '../platform/db/schema.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../platform/http/errors.ts';
import { definitionOf, type ModelsContext, seesDrafts } from './registry.service.ts';

/**
 * Optional items of a model (docs/models.md, Optional items): off unless a team lead switches them
 * on for the organisation, by item key for every version of the model. An assessment fixes the
 * set as it starts, like its model version; the switch changes only what starts afterwards.
 */

export const optionalKeys = (model: ModelDefinition): string[] =>
  itemsOf(model.domains)
    .filter(({ item }) => item.optional === true)
    .map(({ item }) => item.key);

/**
 * The optional items of the model the organisation uses now, in key order: JavaScript's, not the
 * database's collation (which may weigh "_" differently), so that sets compare as sorted here.
 */
export async function optionalInUse(db: Kysely<DB>, modelKey: string): Promise<string[]> {
  const rows = await db
    .selectFrom('model_optional_items')
    .select('item_key')
    .where('model_key', '=', modelKey)
    .execute();
  return rows.map((r) => r.item_key).sort();
}

/**
 * The optional items of a definition an assessment does not use, given the set it fixed as it
 * started; null (it started before organisations chose): none, every optional item was shown.
 */
export function unusedOf(model: ModelDefinition, inUse: readonly string[] | null): Set<string> {
  if (inUse === null) return new Set();
  return new Set(optionalKeys(model).filter((key) => !inUse.includes(key)));
}

/** The model's versions: those the actor may see, or only the published and retired ones. */
function versionsOf(ctx: ModelsContext, actor: Actor, modelKey: string, published: boolean) {
  let query = ctx.database.db.selectFrom('models').selectAll().where('key', '=', modelKey);
  if (published || !seesDrafts(actor)) query = query.where('status', '!=', 'draft');
  return query.execute();
}

/** Which optional items of the model are in use; 404 for a model the actor sees no version of (nothing opened). */
export async function optionalItemsOf(ctx: ModelsContext, actor: Actor, modelKey: string): Promise<OptionalItems> {
  if ((await versionsOf(ctx, actor, modelKey, false)).length === 0) throw new NotFoundError();
  return { items: await optionalInUse(ctx.database.db, modelKey) };
}

/**
 * Sets the optional items of the model the organisation uses (team leads, after a step-up): each
 * an optional item of a published or retired version. Those kept on keep who switched them on and
 * when; the audit event names what was switched on and off.
 */
export async function setOptionalItems(
  ctx: ModelsContext,
  actor: Actor,
  modelKey: string,
  items: readonly string[],
  expected: readonly string[],
  origin: RequestOrigin,
): Promise<OptionalItems> {
  const rows = await versionsOf(ctx, actor, modelKey, true);
  if (rows.length === 0) throw new NotFoundError();
  const versions = await Promise.all(rows.map((row) => definitionOf(ctx.keys, row)));
  const optional = new Set(versions.flatMap(optionalKeys));
  const wanted = [...new Set(items)];
  const unknown = items.findIndex((key) => !optional.has(key));
  if (unknown >= 0)
    // The index, never the key: it is the caller's text.
    throw new BadRequestError(
      `items.${unknown} is not an optional item of a published or retired version of this model.`,
      {
        code: 'unknown_optional_item',
        extra: { field: `items.${unknown}` },
      },
    );
  const now = ctx.clock.now();
  return ctx.database.transaction(async (tx) => {
    // Two team leads at once: one after the other, each seeing what the other left.
    await tx.selectFrom('models').select('key').where('key', '=', modelKey).forUpdate().execute();
    const before = await optionalInUse(tx, modelKey);
    // The whole set is sent: one read before another team lead's change would undo it.
    if ([...new Set(expected)].sort().join(' ') !== before.join(' '))
      throw new ConflictError(
        "Another team lead changed the model's optional items since you read them; read them again.",
        'stale_version',
      );
    const enabled = wanted.filter((key) => !before.includes(key)).sort();
    const disabled = before.filter((key) => !wanted.includes(key));
    if (disabled.length > 0)
      await tx
        .deleteFrom('model_optional_items')
        .where('model_key', '=', modelKey)
        .where('item_key', 'in', disabled)
        .execute();
    if (enabled.length > 0)
      await tx
        .insertInto('model_optional_items')
        .values(
          enabled.map((item) => ({ model_key: modelKey, item_key: item, enabled_by: actor.userId, enabled_at: now })),
        )
        .execute();
    if (enabled.length + disabled.length > 0)
      await recordAudit(tx, now, {
        action: 'model.optional_items',
        outcome: 'allowed',
        actorUserId: actor.userId,
        ip: origin.ip,
        userAgent: origin.userAgent,
        object: { type: 'model', id: modelKey },
        detail: { key: modelKey, enabled, disabled },
      });
    return { items: await optionalInUse(tx, modelKey) };
  });
}
