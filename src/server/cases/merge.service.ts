import { randomUUID } from 'node:crypto';
import { caseReference } from '../../contract/cases.ts';
import type { CaseRef, MergeCase } from '../../contract/links.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { sealField } from '../platform/crypto/sealed-field.ts';
import { BadRequestError, ConflictError, NotFoundError } from '../platform/http/errors.ts';
import { moveTimeline } from '../timeline/merge.ts';
import { type CaseRow, casesRepository, stale } from './cases.repository.ts';
import { aboutCase, type CasesContext, guarded, type Origin, recheck, refused } from './context.ts';
import { caseByReference } from './links.service.ts';
import {
  type Move,
  moveDocuments,
  moveLinks,
  moveMembers,
  movePersons,
  moveReports,
  revokeRecused,
} from './merge-moves.ts';
import { type MergeManifest, mergePlace } from './merge-records.ts';
import { meets, reachOf } from './reach.ts';
import { reasonPlace } from './texts.ts';

/**
 * Merging a duplicate case into another (docs/cases.md, "Linking and merging"), by someone who
 * edits the whole of both and manages their members (their lead, or a team lead who is a member
 * of both). Persons with their relations and conflicts, documents, members and links move into the
 * target; the duplicate is closed as merged and points there, and changes nothing any more. The
 * target keeps a sealed record of what moved; both trails record the merge. All in one
 * transaction: a merge happens wholly or not at all.
 */

const alreadyMerged = () => new ConflictError('This case has been merged into another already.', 'already_merged');

export async function mergeCase(
  ctx: CasesContext,
  actor: Actor,
  sourceId: string,
  input: Required<MergeCase>,
  origin: Origin,
): Promise<CaseRef> {
  // Someone who reads a case wholly learns that it was merged already; anyone else gets 404, and
  // the refusal is recorded as the write it was, on the case that refused it.
  const mergeable = async (caseId: string) => {
    const reach = await reachOf(ctx.database.db, actor, caseId, ctx.clock.now(), { database: ctx.database });
    if (reach !== undefined && meets(reach, { kind: 'overview' }) && reach.merged) throw alreadyMerged();
    if (reach === undefined || !meets(reach, { kind: 'merge' })) {
      await refused(ctx, actor, caseId, 'write', origin);
      throw new NotFoundError();
    }
  };
  await mergeable(sourceId);
  const targetId = await caseByReference(ctx.database.db, input.into);
  if (targetId === undefined) throw new NotFoundError();
  if (targetId === sourceId)
    throw new BadRequestError('A case cannot be merged into itself.', { code: 'merge_into_itself' });
  await mergeable(targetId);
  const now = ctx.clock.now();
  return guarded(ctx, actor, sourceId, origin, () =>
    ctx.database.transaction(async (tx) => {
      // Both rows locked in one order (by id): two merges of the same pair cannot deadlock.
      const [first, second] = [sourceId, targetId].sort();
      const locked = new Map<string, CaseRow | undefined>();
      for (const id of [first, second] as string[]) locked.set(id, await casesRepository.lock(tx, id));
      const source = locked.get(sourceId);
      const target = locked.get(targetId);
      if (source === undefined || target === undefined) throw new NotFoundError();
      if (target.merged_into !== null || source.merged_into !== null) throw alreadyMerged();
      await recheck(ctx, tx, actor, sourceId, { kind: 'merge' });
      await recheck(ctx, tx, actor, targetId, { kind: 'merge' });
      if (source.version !== input.expectedVersion) throw stale();
      if (target.status === 'closed')
        throw new ConflictError('The case to merge into is closed; reopen it first.', 'target_closed');
      const ring = ctx.keys.using(tx);
      const move: Move = {
        tx,
        ring,
        sourceId,
        targetId,
        sourceKey: await ring.keyFor('case', sourceId),
        targetKey: await ring.keyFor('case', targetId),
        actor,
        origin,
        now,
      };
      const persons = await movePersons(ctx, move);
      await revokeRecused(move);
      const documents = await moveDocuments(ctx, move);
      const { members, recused } = await moveMembers(move);
      const links = await moveLinks(move);
      const reports = await moveReports(move);
      await moveTimeline(tx, ring, ctx.search, move);
      const manifest: MergeManifest = { persons, documents, members, recused, links };

      await casesRepository.bump(tx, sourceId, input.expectedVersion, {
        status: 'closed',
        closure_reason: 'merged',
        closed_at: source.closed_at ?? now,
        merged_into: targetId,
        updated_at: now,
      });
      const targetReference = caseReference(target.year, target.number);
      if (source.status !== 'closed') {
        const changeId = randomUUID();
        await tx
          .insertInto('case_status_changes')
          .values({
            id: changeId,
            case_id: sourceId,
            from_status: source.status,
            to_status: 'closed',
            // The reason only: the duplicate's readers learn where it went from mergedInto, checked per reader.
            reason_sealed: sealField(move.sourceKey, input.reason, reasonPlace('case_status_changes', changeId)),
            changed_by: actor.userId,
            changed_at: now,
          })
          .execute();
      }
      await tx.updateTable('cases').set({ updated_at: now }).where('id', '=', targetId).execute();
      const mergeId = randomUUID();
      await tx
        .insertInto('case_merges')
        .values({
          id: mergeId,
          source_case: sourceId,
          target_case: targetId,
          merged_by: actor.userId,
          merged_at: now,
          reason_sealed: sealField(move.targetKey, input.reason, mergePlace(mergeId, 'reason')),
          manifest_sealed: sealField(move.targetKey, JSON.stringify(manifest), mergePlace(mergeId, 'manifest')),
        })
        .execute();
      const counts = {
        persons: persons.length,
        documents: documents.length,
        members: members.length,
        recused: recused.length,
        links: links.length,
        reports: reports.length,
      };
      await recordAudit(tx, now, {
        action: 'case.merged',
        ...aboutCase(actor, origin, targetId),
        detail: { from: sourceId, ...counts },
      });
      await recordAudit(tx, now, {
        action: 'case.merged_into',
        ...aboutCase(actor, origin, sourceId),
        detail: { into: targetId, ...counts },
      });
      return { id: targetId, reference: targetReference };
    }),
  );
}
