import type { Kysely } from 'kysely';
import { caseReference } from '../../contract/cases.ts';
import { type LinkedCase, parseReference, type RelatedCases } from '../../contract/links.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import type { DB } from '../platform/db/schema.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../platform/http/errors.ts';
import { userRefs } from './cases.repository.ts';
import { aboutCase, type CasesContext, guarded, need, type Origin, recheck } from './context.ts';
import { mergeRecords } from './merge-records.ts';
import { meets, type Reach, reachOf } from './reach.ts';
import { openTitle } from './texts.ts';

/**
 * Links between related cases (docs/cases.md, "Linking and merging"). A link is made and removed
 * by someone who edits the whole of both cases, and shown only to someone who reads the whole of
 * both: to anyone else the other case stays out of sight, link and all.
 */

/** The id of the case with this reference; undefined when there is none. */
export async function caseByReference(db: Kysely<DB>, reference: string): Promise<string | undefined> {
  const { year, number } = parseReference(reference);
  const row = await db
    .selectFrom('cases')
    .select('id')
    .where('year', '=', year)
    .where('number', '=', number)
    .executeTakeFirst();
  return row?.id;
}

/** The other case, by reference, if the actor meets the need there; otherwise 404, recorded where it exists. */
export async function otherCase(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  reference: string,
  what: Parameters<typeof need>[3],
  origin: Origin,
  itself: { readonly message: string; readonly code: string },
): Promise<string> {
  const otherId = await caseByReference(ctx.database.db, reference);
  if (otherId === undefined) throw new NotFoundError();
  if (otherId === caseId) throw new BadRequestError(itself.message, { code: itself.code });
  await need(ctx, actor, otherId, what, origin);
  return otherId;
}

const ordered = (x: string, y: string) => (x < y ? { case_a: x, case_b: y } : { case_a: y, case_b: x });

/** Both case rows held in one order (by id), so that two opposite links cannot deadlock. */
async function recheckBoth(ctx: CasesContext, tx: Kysely<DB>, actor: Actor, ids: readonly [string, string]) {
  for (const id of [...ids].sort()) await recheck(ctx, tx, actor, id, { kind: 'edit' });
}

export async function linkCases(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  reference: string,
  origin: Origin,
): Promise<void> {
  await need(ctx, actor, caseId, { kind: 'edit' }, origin);
  const otherId = await otherCase(ctx, actor, caseId, reference, { kind: 'edit' }, origin, {
    message: 'A case cannot be linked to itself.',
    code: 'link_to_itself',
  });
  const now = ctx.clock.now();
  await guarded(ctx, actor, caseId, origin, () =>
    ctx.database.transaction(async (tx) => {
      await recheckBoth(ctx, tx, actor, [caseId, otherId]);
      const made = await tx
        .insertInto('case_links')
        .values({ ...ordered(caseId, otherId), linked_by: actor.userId, linked_at: now })
        .onConflict((oc) => oc.columns(['case_a', 'case_b']).doNothing())
        .executeTakeFirst();
      if (Number(made.numInsertedOrUpdatedRows ?? 0) === 0)
        throw new ConflictError('The cases are linked already.', 'already_linked');
      // One event in each case's trail: both access logs show the link.
      for (const [id, other] of [
        [caseId, otherId],
        [otherId, caseId],
      ] as const)
        await recordAudit(tx, now, { action: 'case.linked', ...aboutCase(actor, origin, id), detail: { other } });
    }),
  );
}

export async function unlinkCases(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  otherId: string,
  origin: Origin,
): Promise<void> {
  await need(ctx, actor, caseId, { kind: 'edit' }, origin);
  await need(ctx, actor, otherId, { kind: 'edit' }, origin);
  const now = ctx.clock.now();
  const removed = await guarded(ctx, actor, caseId, origin, () =>
    ctx.database.transaction(async (tx) => {
      await recheckBoth(ctx, tx, actor, [caseId, otherId]);
      const pair = ordered(caseId, otherId);
      const gone = await tx
        .deleteFrom('case_links')
        .where('case_a', '=', pair.case_a)
        .where('case_b', '=', pair.case_b)
        .executeTakeFirst();
      if (Number(gone.numDeletedRows) === 0) return false;
      for (const [id, other] of [
        [caseId, otherId],
        [otherId, caseId],
      ] as const)
        await recordAudit(tx, now, { action: 'case.unlinked', ...aboutCase(actor, origin, id), detail: { other } });
      return true;
    }),
  );
  // No such link between two cases the actor edits: nothing was refused, so nothing is recorded.
  if (!removed) throw new NotFoundError();
}

/**
 * The cases linked to this one that the actor reads wholly as well, and the cases merged into it
 * with what moved. Reading it is an audit event.
 */
export async function relatedCases(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  origin: Origin,
): Promise<RelatedCases> {
  const reach = await need(ctx, actor, caseId, { kind: 'overview' }, origin);
  const db = ctx.database.db;
  const now = ctx.clock.now();
  const rows = await db
    .selectFrom('case_links')
    .selectAll()
    .where((eb) => eb.or([eb('case_a', '=', caseId), eb('case_b', '=', caseId)]))
    .execute();
  const visible: { otherId: string; linkedAt: Date; linkedBy: string | null; via: Reach['kind'] }[] = [];
  for (const row of rows) {
    const otherId = row.case_a === caseId ? row.case_b : row.case_a;
    const there = await reachOf(db, actor, otherId, now);
    if (there !== undefined && meets(there, { kind: 'overview' }))
      visible.push({ otherId, linkedAt: row.linked_at, linkedBy: row.linked_by, via: there.kind });
  }
  const others =
    visible.length === 0
      ? []
      : await db
          .selectFrom('cases')
          .select(['id', 'year', 'number', 'status', 'title_sealed'])
          .where(
            'id',
            'in',
            visible.map((v) => v.otherId),
          )
          .execute();
  const byId = new Map(others.map((o) => [o.id, o]));
  const refs = await userRefs(
    db,
    ctx.keys,
    visible.map((v) => v.linkedBy),
  );
  const ring = ctx.keys.using(db);
  const links: LinkedCase[] = [];
  for (const v of visible) {
    const other = byId.get(v.otherId);
    if (other === undefined) continue;
    links.push({
      id: other.id,
      reference: caseReference(other.year, other.number),
      status: other.status,
      title: await openTitle(ring, other.id, other.title_sealed),
      linkedAt: v.linkedAt.toISOString(),
      linkedBy: v.linkedBy === null ? null : (refs.get(v.linkedBy) ?? null),
    });
  }
  links.sort((x, y) => x.reference.localeCompare(y.reference));
  const merges = await mergeRecords(ctx, actor, reach, caseId);
  await recordAudit(db, now, {
    action: 'case.viewed',
    ...aboutCase(actor, origin, caseId),
    detail: { part: 'related', via: reach.kind },
  });
  // The linked cases' titles and states were read too: each case's trail says so.
  for (const v of visible)
    await recordAudit(db, now, {
      action: 'case.viewed',
      ...aboutCase(actor, origin, v.otherId),
      detail: { part: 'related', via: v.via },
    });
  return { links, merges };
}
