import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  type CaseDetail,
  type CaseStatus,
  type ChangeStatus,
  OPEN_STATUSES,
  type SetPriority,
  type UpdateCase,
} from '../../contract/cases.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { type DataKey, sealField } from '../platform/crypto/sealed-field.ts';
import type { DB } from '../platform/db/schema.ts';
import { ValidationError } from '../platform/http/errors.ts';
import { type CaseRow, casesRepository, stale } from './cases.repository.ts';
import { present } from './cases.service.ts';
import { aboutCase, type CasesContext, guarded, need, type Origin, recheck } from './context.ts';
import { indexedTexts, openTexts, reasonPlace, sealTexts } from './texts.ts';

/**
 * Changes of the case record by members who hold the whole case (not experts, not a break-glass):
 * each locks the case, checks the version the editor saw (409 stale_version otherwise), changes it
 * and records the event in one transaction.
 */
interface Editing {
  readonly tx: Kysely<DB>;
  readonly current: CaseRow;
  readonly key: DataKey;
  readonly now: Date;
  /** Everything an audit event of this edit carries but its action and detail. */
  readonly about: ReturnType<typeof aboutCase>;
}

async function edit(
  ctx: CasesContext,
  actor: Actor,
  id: string,
  expectedVersion: number,
  origin: Origin,
  change: (editing: Editing) => Promise<CaseRow>,
): Promise<CaseDetail> {
  await need(ctx, actor, id, { kind: 'edit' }, origin);
  const now = ctx.clock.now();
  const { row, reach } = await guarded(ctx, actor, id, origin, () =>
    ctx.database.transaction(async (tx) => {
      const current = await casesRepository.lock(tx, id);
      // The case row is locked now: no grant or revocation changes the reach until this commits.
      const reach = await recheck(ctx, tx, actor, id, { kind: 'edit' });
      if (current === undefined || current.version !== expectedVersion) throw stale();
      const key = await ctx.keys.keyFor('case', id, tx);
      return { row: await change({ tx, current, key, now, about: aboutCase(actor, origin, id) }), reach };
    }),
  );
  return present(ctx, row, reach, actor);
}

/** Title, summary and tags; a save that changes nothing takes no version and records nothing. */
export function updateCase(ctx: CasesContext, actor: Actor, id: string, input: UpdateCase, origin: Origin) {
  return edit(ctx, actor, id, input.expectedVersion, origin, async ({ tx, current, key, now, about }) => {
    const before = await openTexts(ctx.keys.using(tx), id, current);
    const after = { title: input.title, summary: input.summary, tags: input.tags };
    const fields = (['title', 'summary', 'tags'] as const).filter(
      (f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]),
    );
    if (fields.length === 0) {
      // Nothing changed, nothing written; the answer still shows the case's content: a read.
      await recordAudit(tx, now, { action: 'case.viewed', ...about, detail: { part: 'case', via: 'member' } });
      return current;
    }
    const updated = await casesRepository.bump(tx, id, input.expectedVersion, {
      ...sealTexts(key, id, after),
      updated_at: now,
    });
    await ctx.search.indexMany(tx, indexedTexts(id, after));
    await recordAudit(tx, now, { action: 'case.updated', ...about, detail: { fields } });
    return updated;
  });
}

const rank = (status: CaseStatus) => OPEN_STATUSES.indexOf(status as (typeof OPEN_STATUSES)[number]);

/**
 * The workflow intake → assessment → management → monitoring → closed. Forward needs nothing;
 * back a step, closing and reopening need a reason; closing needs the closure reason too.
 */
function checkTransition(from: CaseStatus, input: ChangeStatus): void {
  const problems: { path: string; message: string }[] = [];
  const to = input.status;
  if (from === to) problems.push({ path: 'status', message: 'the case has this status already' });
  const closing = to === 'closed';
  const reopening = from === 'closed';
  const backwards = !closing && !reopening && rank(to) < rank(from);
  if ((closing || reopening || backwards) && input.reason === undefined)
    problems.push({ path: 'reason', message: 'a reason is required' });
  if (closing && input.closureReason === undefined)
    problems.push({ path: 'closureReason', message: 'a closure reason is required' });
  if (!closing && input.closureReason !== undefined)
    problems.push({ path: 'closureReason', message: 'only a closing names a closure reason' });
  if (problems.length > 0) throw new ValidationError(problems);
}

export function changeStatus(ctx: CasesContext, actor: Actor, id: string, input: ChangeStatus, origin: Origin) {
  return edit(ctx, actor, id, input.expectedVersion, origin, async ({ tx, current, key, now, about }) => {
    checkTransition(current.status, input);
    const closing = input.status === 'closed';
    const updated = await casesRepository.bump(tx, id, input.expectedVersion, {
      status: input.status,
      closure_reason: closing ? (input.closureReason ?? null) : null,
      closed_at: closing ? now : null,
      updated_at: now,
    });
    const changeId = randomUUID();
    const reason = input.reason;
    await tx
      .insertInto('case_status_changes')
      .values({
        id: changeId,
        case_id: id,
        from_status: current.status,
        to_status: input.status,
        reason_sealed:
          reason === undefined ? null : sealField(key, reason, reasonPlace('case_status_changes', changeId)),
        changed_by: about.actorUserId,
        changed_at: now,
      })
      .execute();
    await recordAudit(tx, now, {
      action: 'case.status_changed',
      ...about,
      detail: { from: current.status, to: input.status },
    });
    return updated;
  });
}

/** A manual priority, with its reason, until assessments set it. */
export function setPriority(ctx: CasesContext, actor: Actor, id: string, input: SetPriority, origin: Origin) {
  return edit(ctx, actor, id, input.expectedVersion, origin, async ({ tx, current, key, now, about }) => {
    if (current.priority === input.priority)
      throw new ValidationError([{ path: 'priority', message: 'the case has this priority already' }]);
    const updated = await casesRepository.bump(tx, id, input.expectedVersion, {
      priority: input.priority,
      updated_at: now,
    });
    const changeId = randomUUID();
    await tx
      .insertInto('case_priority_changes')
      .values({
        id: changeId,
        case_id: id,
        from_priority: current.priority,
        to_priority: input.priority,
        reason_sealed: sealField(key, input.reason, reasonPlace('case_priority_changes', changeId)),
        changed_by: about.actorUserId,
        changed_at: now,
      })
      .execute();
    await recordAudit(tx, now, {
      action: 'case.priority_changed',
      ...about,
      detail: { from: current.priority, to: input.priority, change: changeId },
    });
    return updated;
  });
}
