import type { Kysely } from 'kysely';
import type {
  AssessmentContent,
  AssessmentDetail,
  Blocker,
  ItemRating,
  SaveAssessment,
} from '../../contract/assessments.ts';
import type { ModelDefinition } from '../../contract/models/definition.ts';
import { itemsOf } from '../../contract/models/validate.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { stale } from '../cases/cases.repository.ts';
import { aboutCase, guarded, need, type Origin, recheck } from '../cases/context.ts';
import type { Reach } from '../cases/reach.ts';
import { unusedOf } from '../models/optional-items.ts';
import type { DataKey } from '../platform/crypto/sealed-field.ts';
import type { AssessmentRow, DB } from '../platform/db/schema.ts';
import { AppError, BadRequestError, ConflictError, ValidationError } from '../platform/http/errors.ts';
import { reads } from '../timeline/context.ts';
import { assessments, present, visibleRow } from './assessments.service.ts';
import { pinnedOf, type Sight, sightOf } from './present.ts';
import { changePriority, setPriorityFrom } from './priority.ts';
import { contentProblems, outcomeOf, specialItems, touches } from './ratings.ts';
import {
  type AssessmentsContext,
  type Finals,
  openContent,
  openPrevious,
  openSpecial,
  sealContent,
  sealFinals,
} from './store.ts';

/**
 * An external instrument's result as the risk curve draws it: the first text item (the instrument),
 * the first stage item (the level it gave) and the first date item (when) of a model of kind external.
 */
function resultOf(model: ModelDefinition, content: AssessmentContent): Finals['result'] {
  if (model.kind !== 'external') return null;
  const items = itemsOf(model.domains).map(({ item }) => item);
  const first = (kind: string) => {
    const item = items.find((i) => i.kind === kind);
    const value = item === undefined ? null : (content.ratings[item.key]?.value ?? null);
    return typeof value === 'string' && value !== '' ? value : null;
  };
  return { instrument: first('text'), level: first('stage'), on: first('date') };
}

/** What finalising still waits for, each at its field (docs/assessments.md). */
class IncompleteError extends AppError {
  readonly status = 400;
  readonly code = 'assessment_incomplete';
  override readonly extra: { readonly blockers: readonly Blocker[] };
  constructor(blockers: readonly Blocker[]) {
    super(
      `The assessment cannot be finalised yet: ${blockers.length} thing${blockers.length === 1 ? '' : 's'} to complete.`,
    );
    this.extra = { blockers };
  }
}

type Row = AssessmentRow;

/** A change of the reader's own draft, checked before and again with the row held until commit. */
function drafting<T>(
  ctx: AssessmentsContext,
  actor: Actor,
  caseId: string,
  id: string,
  expectedVersion: number,
  origin: Origin,
  change: (tx: Kysely<DB>, reach: Reach, row: Row, key: DataKey, now: Date) => Promise<T>,
  lockCase = false,
): Promise<T> {
  return need(ctx, actor, caseId, assessments(true), origin).then(() =>
    guarded(ctx, actor, caseId, origin, () =>
      ctx.database.transaction(async (tx) => {
        // Finalising may change the case row: taken for update first, as two finalisations holding
        // it shared and then both updating it would deadlock.
        if (lockCase) await tx.selectFrom('cases').select('id').where('id', '=', caseId).forUpdate().execute();
        const reach = await recheck(ctx, tx, actor, caseId, assessments(true));
        const row = await visibleRow(tx, actor, caseId, id, true);
        if (row.status === 'final')
          throw new ConflictError('The assessment is final: start a new one to assess again.', 'assessment_final');
        // A finalised one is everyone's to read; a draft is only ever its rater's (visibleRow).
        if (row.version !== expectedVersion) throw stale();
        return change(tx, reach, row, await ctx.keys.keyFor('case', caseId, tx), ctx.clock.now());
      }),
    ),
  );
}

const unknownEvidence = () =>
  new BadRequestError('Evidence linked is not an entry or document of the case you can see.', {
    code: 'unknown_evidence',
  });

/**
 * The evidence of a saved content: links the saver cannot see (a section out of their scope, a
 * document restricted from them since) stay as they were; a new link must be an entry or a
 * document of the case that they see.
 */
async function withEvidence(
  tx: Kysely<DB>,
  caseId: string,
  sight: Sight,
  incoming: Record<string, ItemRating>,
  stored: Record<string, ItemRating>,
): Promise<Record<string, ItemRating>> {
  const newEntries = new Set<string>();
  const newDocuments = new Set<string>();
  const result: Record<string, ItemRating> = {};
  for (const [key, rating] of Object.entries(incoming)) {
    const before = stored[key]?.evidence ?? { entries: [], documents: [] };
    const given = rating.evidence ?? { entries: [], documents: [] };
    for (const e of given.entries) if (!before.entries.includes(e)) newEntries.add(e);
    for (const d of given.documents) if (!before.documents.includes(d)) newDocuments.add(d);
    const keptEntries = sight.entries ? [] : before.entries;
    const keptDocuments = before.documents.filter((d) => !sight.documents || sight.hidden.has(d));
    const entries = [...new Set([...given.entries, ...keptEntries])];
    const documents = [...new Set([...given.documents, ...keptDocuments])];
    result[key] =
      entries.length + documents.length === 0
        ? { ...rating, evidence: undefined }
        : { ...rating, evidence: { entries, documents } };
    if (result[key].evidence === undefined) delete result[key].evidence;
  }
  if ((newEntries.size > 0 && !sight.entries) || (newDocuments.size > 0 && !sight.documents)) throw unknownEvidence();
  if (newEntries.size > 0) {
    // Written entries only: every reader of the timeline sees those (recorded ones are shown by kind).
    const found = await tx
      .selectFrom('timeline_entries')
      .select('id')
      .where('case_id', '=', caseId)
      .where('written', '=', true)
      .where('id', 'in', [...newEntries])
      .execute();
    if (found.length !== newEntries.size) throw unknownEvidence();
  }
  if (newDocuments.size > 0) {
    const found = await tx
      .selectFrom('documents')
      .select('id')
      .where('owner_type', '=', 'case')
      .where('owner_id', '=', caseId)
      .where('deleted_at', 'is', null)
      .where('id', 'in', [...newDocuments])
      .execute();
    if (found.length !== newDocuments.size || [...newDocuments].some((d) => sight.hidden.has(d)))
      throw unknownEvidence();
  }
  return result;
}

/** The raters of the ratings a consensus brings together: only they can dissent from it. */
async function basisRaters(tx: Kysely<DB>, row: Row): Promise<Set<string>> {
  if (row.basis.length === 0) return new Set();
  const rows = await tx
    .selectFrom('assessments')
    .select('rater_id')
    .where('case_id', '=', row.case_id)
    .where('id', 'in', row.basis)
    .execute();
  return new Set(rows.map((r) => r.rater_id));
}

/** A dissent is a consensus's, by one of the raters it brings together, once per judgment. */
function dissentProblems(content: AssessmentContent, raters: ReadonlySet<string>) {
  const problems: { path: string; message: string }[] = [];
  for (const [key, judgment] of Object.entries(content.judgments)) {
    const seen = new Set<string>();
    judgment.dissents.forEach((d, i) => {
      const path = `judgments.${key}.dissents.${i}.rater`;
      if (!raters.has(d.rater))
        problems.push({ path, message: 'Only a rater whose rating the consensus brings together dissents from it' });
      else if (seen.has(d.rater)) problems.push({ path, message: 'A rater dissents once per judgment' });
      seen.add(d.rater);
    });
  }
  return problems;
}

/**
 * Saves the rater's draft whole and answers it with the rules' outcome computed again. Items of a
 * special category are the rater's to change only with that scope; without it, what the draft
 * holds for them stays as it is, unseen.
 */
export function saveAssessment(
  ctx: AssessmentsContext,
  actor: Actor,
  caseId: string,
  id: string,
  input: SaveAssessment & { expectedVersion: number },
  origin: Origin,
): Promise<AssessmentDetail> {
  const { expectedVersion, ...given } = input as AssessmentContent & { expectedVersion: number };
  return drafting(ctx, actor, caseId, id, expectedVersion, origin, async (tx, reach, row, key, now) => {
    const pinned = await pinnedOf(ctx, tx, row);
    const special = specialItems(pinned.definition);
    const withSpecial = reads(reach, 'special_category');
    if (!withSpecial && Object.keys(given.ratings).some((k) => special.has(k)))
      throw new BadRequestError('Items of a special category are not in your scope of this case.', {
        code: 'special_category_out_of_scope',
      });
    const unused = unusedOf(pinned.definition, row.optional_items);
    const problems = [
      ...contentProblems(pinned.definition, given, unused),
      ...dissentProblems(given, await basisRaters(tx, row)),
    ];
    if (problems.length > 0) throw new ValidationError(problems);
    const ring = ctx.keys.using(tx);
    const stored = await openContent(ring, row, withSpecial);
    const sight = await sightOf(tx, reach, caseId, actor);
    const ratings = await withEvidence(tx, caseId, sight, given.ratings, stored.ratings);
    const kept = withSpecial ? {} : await openSpecial(ring, row);
    // Disagreements with flags the saver does not see raised (detailOf) stay as they are.
    const seen = withSpecial
      ? null
      : outcomeOf(pinned.definition, pinned.rules, stored, await openPrevious(ring, row, false), unused).flags;
    const unseen = Object.fromEntries(
      Object.entries(stored.overrides).filter(([flag]) => seen !== null && !seen.includes(flag)),
    );
    const content: AssessmentContent = {
      ...given,
      ratings: { ...ratings, ...kept },
      overrides: { ...unseen, ...given.overrides },
    };
    const version = row.version + 1;
    await tx
      .updateTable('assessments')
      .set({ ...sealContent(key, id, version, content, special), version, updated_at: now })
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, now, {
      action: 'assessment.saved',
      ...aboutCase(actor, origin, caseId),
      object: { type: 'assessment', id },
      detail: { version },
    });
    return present(ctx, tx, actor, reach, await visibleRow(tx, actor, caseId, id));
  });
}

/**
 * Finalises the rater's draft: only when nothing blocks it (judgments with their reasons, critical
 * items known, what the rules require); from then on it is read-only (a trigger keeps it so). A
 * single assessment or a consensus sets the case's priority and the next review date.
 */
export function finaliseAssessment(
  ctx: AssessmentsContext,
  actor: Actor,
  caseId: string,
  id: string,
  expectedVersion: number,
  origin: Origin,
): Promise<AssessmentDetail> {
  return drafting(
    ctx,
    actor,
    caseId,
    id,
    expectedVersion,
    origin,
    async (tx, reach, row, key, now) => {
      const pinned = await pinnedOf(ctx, tx, row);
      const ring = ctx.keys.using(tx);
      const content = await openContent(ring, row, true);
      const unused = unusedOf(pinned.definition, row.optional_items);
      const outcome = outcomeOf(pinned.definition, pinned.rules, content, await openPrevious(ring, row, true), unused);
      if (outcome.blockers.length > 0) {
        if (reads(reach, 'special_category')) throw new IncompleteError(outcome.blockers);
        // Without the special categories in scope, the blockers are those of the rater's own view
        // (detailOf): a blocker only the withheld ratings cause (a rule on them asking for the
        // formulation) would tell of them, so all of those together are one blocker, "withheld".
        const special = specialItems(pinned.definition);
        const visible = outcomeOf(
          pinned.definition,
          pinned.rules,
          await openContent(ring, row, false),
          await openPrevious(ring, row, false),
          unused,
        ).blockers.filter((b) => !touches(b, special));
        const shown = new Set(visible.map((b) => `${b.field} ${b.code}`));
        const hidden = outcome.blockers.some((b) => !shown.has(`${b.field} ${b.code}`));
        throw new IncompleteError(hidden ? [...visible, { field: 'withheld', code: 'required_missing' }] : visible);
      }
      const values = Object.fromEntries(
        pinned.definition.judgments.map((j) => [j.key, content.judgments[j.key]?.value ?? null]),
      );
      const set =
        row.kind === 'rater'
          ? { priority: null, reviewDue: null }
          : setPriorityFrom(ctx, pinned.definition, values, now);
      await tx
        .updateTable('assessments')
        .set({
          status: 'final',
          finalised_at: now,
          judgments_sealed: sealFinals(key, id, { judgments: values, result: resultOf(pinned.definition, content) }),
          priority: set.priority,
          review_due: set.reviewDue,
          reassess_on_incident:
            row.kind !== 'rater' && pinned.definition.review?.triggers.includes('new_incident') === true,
          updated_at: now,
        })
        .where('id', '=', id)
        .execute();
      await recordAudit(tx, now, {
        action: 'assessment.finalised',
        ...aboutCase(actor, origin, caseId),
        object: { type: 'assessment', id },
        detail: { model: `${row.model_key}@${row.model_version}`, kind: row.kind, priority: set.priority },
      });
      if (set.priority !== null) {
        const rationale = content.judgments[set.judgment ?? '']?.rationale ?? '';
        await changePriority(tx, key, actor, origin, caseId, id, set.priority, rationale, now);
      }
      return present(ctx, tx, actor, reach, await visibleRow(tx, actor, caseId, id));
    },
    true,
  );
}
