import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  type AssessmentDetail,
  type AssessmentList,
  type ListedModel,
  modelId,
  type StartAssessment,
} from '../../contract/assessments.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { userRefs } from '../cases/cases.repository.ts';
import { aboutCase, guarded, need, type Origin, RefusedInTransaction, recheck } from '../cases/context.ts';
import type { Need, Reach } from '../cases/reach.ts';
import { optionalInUse, optionalKeys, unusedOf } from '../models/optional-items.ts';
import { isoText } from '../platform/db/iso-text.ts';
import { preparedRead } from '../platform/db/prepared.ts';
import type { AssessmentRow, DB } from '../platform/db/schema.ts';
import { ConflictError } from '../platform/http/errors.ts';
import { reads } from '../timeline/context.ts';
import { wallClockOf } from '../timeline/zone.ts';
import {
  AssessmentNotFoundError,
  detailOf,
  listedModel,
  listedOf,
  pinnedOf,
  SUMMARY_COLUMNS,
  sightOf,
} from './present.ts';
import { specialItems } from './ratings.ts';
import { reviewOf } from './review.ts';
import { startOf, withoutUnused } from './starting.ts';
import { type AssessmentsContext, type Finals, keptFinals, openFinals, sealContent, sealPrevious } from './store.ts';

/**
 * Assessments of a case (docs/assessments.md): read and started by members whose scope holds the
 * assessments section. A draft is its rater's alone: to anyone else it does not exist.
 */
export const assessments = (write: boolean): Need => ({ kind: 'section', section: 'assessments', write });

const audited = (actor: Actor, origin: Origin, caseId: string, id: string) => ({
  ...aboutCase(actor, origin, caseId),
  object: { type: 'assessment' as const, id },
});

/** The list's rows: every finalised assessment, and the reader's own drafts. */
const summaryRows = preparedRead('tma_assessments', (db, v: { caseId: string; userId: string }) =>
  db
    .selectFrom('assessments')
    .select(SUMMARY_COLUMNS)
    .select([isoText('started_at').as('started'), isoText('finalised_at').$castTo<string | null>().as('finalised')])
    .where('case_id', '=', v.caseId)
    .where((eb) => eb.or([eb('status', '=', 'final'), eb('rater_id', '=', v.userId)]))
    .orderBy('started_at')
    .orderBy('id'),
);

/** The incidents the risk curve marks on its axis. */
const incidentRows = preparedRead('tma_incidents', (db, v: { caseId: string }) =>
  db
    .selectFrom('timeline_entries')
    .select(['id', isoText('occurred_at').as('occurred'), 'tags'])
    .where('case_id', '=', v.caseId)
    .where('kind', '=', 'incident')
    .orderBy('occurred_at'),
);

/**
 * The model versions the rows are pinned to, each looked up once (a case's fifty assessments are
 * mostly of one or two).
 */
async function modelsOf(
  ctx: AssessmentsContext,
  rows: readonly Pick<AssessmentRow, 'model_key' | 'model_version'>[],
): Promise<ListedModel[]> {
  const models = new Map<string, ListedModel>();
  for (const row of rows) {
    const id = modelId({ key: row.model_key, version: row.model_version });
    if (!models.has(id)) models.set(id, listedModel(row, (await pinnedOf(ctx, ctx.database.db, row)).definition));
  }
  return [...models.values()];
}

/** The assessments the reader sees, oldest first, with the incidents for the risk curve's axis. */
export async function listAssessments(
  ctx: AssessmentsContext,
  actor: Actor,
  caseId: string,
  origin: Origin,
): Promise<AssessmentList> {
  const reach = await need(ctx, actor, caseId, assessments(false), origin);
  const db = ctx.database.db;
  const now = ctx.clock.now();
  // Read at once, each as a prepared statement (the tab of every case page): the list, the
  // incidents for the curve's axis, when the case is to be assessed again; then the raters' names.
  const [rows, incidents, review] = await Promise.all([
    summaryRows(ctx.database, { caseId, userId: actor.userId }),
    reads(reach, 'timeline') ? incidentRows(ctx.database, { caseId }) : [],
    reviewOf(ctx.database, caseId, wallClockOf(now, ctx.timeZone).day),
  ]);
  const ring = ctx.keys.using(db);
  const raters = await userRefs(
    db,
    ctx.keys,
    rows.map((r) => r.rater_id),
    ctx.database,
  );
  const models = await modelsOf(ctx, rows);
  // The finals the ring keeps opened are read as they are; only the rest wait to be opened.
  const kept = rows.map((row) => keptFinals(ring, row) ?? openFinals(ring, row));
  const finals = kept.some((f) => f instanceof Promise) ? await Promise.all(kept) : (kept as Finals[]);
  const list = rows.map((row, i) => listedOf(row, finals[i] as Finals, raters));
  await recordAudit(db, now, {
    action: 'case.viewed',
    ...aboutCase(actor, origin, caseId),
    detail: { part: 'assessments', via: reach.kind },
  });
  return {
    assessments: list,
    models,
    raters: [...raters.values()],
    // The incident that prompts it is named to readers of the timeline only.
    review:
      review === undefined
        ? null
        : { due: review.due, state: review.state, prompt: reads(reach, 'timeline') ? review.prompt : null },
    incidents: incidents.map((i) => ({ id: i.id, occurredAt: i.occurred, tags: i.tags })),
  };
}

/**
 * A row the reader may see: a finalised one, or their own draft. Another rater's draft is answered
 * as one that does not exist, and recorded as a refusal (guarded), as reaching for what one may not
 * read always is; a row that does not exist is a plain 404.
 */
export async function visibleRow(db: Kysely<DB>, actor: Actor, caseId: string, id: string, lock = false) {
  let query = db.selectFrom('assessments').selectAll().where('id', '=', id).where('case_id', '=', caseId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (row === undefined) throw new AssessmentNotFoundError();
  if (row.status === 'draft' && row.rater_id !== actor.userId) throw new RefusedInTransaction(caseId);
  return row;
}

export async function present(
  ctx: AssessmentsContext,
  db: Kysely<DB>,
  actor: Actor,
  reach: Reach,
  row: Awaited<ReturnType<typeof visibleRow>>,
): Promise<AssessmentDetail> {
  const pinned = await pinnedOf(ctx, db, row);
  const raters = await userRefs(db, ctx.keys, [row.rater_id]);
  return detailOf(ctx, db, row, pinned, reach, await sightOf(db, reach, row.case_id, actor), raters);
}

export async function assessmentOf(
  ctx: AssessmentsContext,
  actor: Actor,
  caseId: string,
  id: string,
  origin: Origin,
): Promise<AssessmentDetail> {
  const reach = await need(ctx, actor, caseId, assessments(false), origin);
  const db = ctx.database.db;
  const row = await guarded(ctx, actor, caseId, origin, () => visibleRow(db, actor, caseId, id), 'read');
  const detail = await present(ctx, db, actor, reach, row);
  await recordAudit(db, ctx.clock.now(), {
    action: 'case.viewed',
    ...audited(actor, origin, caseId, id),
    detail: { part: 'assessment', via: reach.kind },
  });
  return detail;
}

/**
 * Starts an assessment on a published model version, pinned to it for ever: empty, as a copy of a
 * finalised one, carried over from the version before by the migration map, or (a consensus) from
 * what the raters' finalised ratings agree on. A retired version is not started on any more.
 */
export async function startAssessment(
  ctx: AssessmentsContext,
  actor: Actor,
  caseId: string,
  input: StartAssessment,
  origin: Origin,
): Promise<AssessmentDetail> {
  await need(ctx, actor, caseId, assessments(true), origin);
  return guarded(ctx, actor, caseId, origin, () =>
    ctx.database.transaction(async (tx) => {
      const reach = await recheck(ctx, tx, actor, caseId, assessments(true));
      // Refused on its status alone: nothing of a draft (a licensed model's text, perhaps) is opened.
      const status = await ctx.models.statusOf(tx, input.model.key, input.model.version);
      if (status === undefined || status === 'draft')
        // Never the version asked for in the answer: it is the caller's text.
        throw new ConflictError('This model version is not published.', 'model_not_published');
      if (status === 'retired')
        throw new ConflictError(
          'This model version is retired: start on the version that follows it.',
          'model_retired',
        );
      const target = await ctx.models.get(tx, ctx.keys.using(tx), input.model.key, input.model.version);
      if (target?.status !== 'published')
        throw new ConflictError('This model version is not published.', 'model_not_published');
      // The optional items the organisation uses now, fixed for this assessment like its version;
      // what it starts from keeps no rating of the others.
      const inUse = (await optionalInUse(tx, target.definition.key)).filter((k) =>
        optionalKeys(target.definition).includes(k),
      );
      const start = withoutUnused(await startOf(ctx, tx, caseId, input, target), unusedOf(target.definition, inUse));
      const id = randomUUID();
      const now = ctx.clock.now();
      const key = await ctx.keys.keyFor('case', caseId, tx);
      const special = specialItems(target.definition);
      await tx
        .insertInto('assessments')
        .values({
          id,
          case_id: caseId,
          model_key: target.definition.key,
          model_version: target.definition.version,
          kind: input.kind,
          status: 'draft',
          rater_id: actor.userId,
          version: 1,
          ...sealContent(key, id, 1, start.content, special),
          ...sealPrevious(key, id, start.previous, special),
          judgments_sealed: null,
          priority: null,
          review_due: null,
          from_id: start.from,
          basis: start.basis,
          started_at: now,
          updated_at: now,
          finalised_at: null,
          optional_items: inUse,
        })
        .execute();
      await recordAudit(tx, now, {
        action: 'assessment.started',
        ...audited(actor, origin, caseId, id),
        detail: {
          model: `${target.definition.key}@${target.definition.version}`,
          kind: input.kind,
          from: start.from,
          migrated: start.migrated,
        },
      });
      return present(ctx, tx, actor, reach, await visibleRow(tx, actor, caseId, id));
    }),
  );
}
