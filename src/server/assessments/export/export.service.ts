import type { Actor } from '../../access/actor.ts';
import { recordAudit } from '../../audit/record.ts';
import { aboutCase, guarded, need, type Origin, RefusedInTransaction, recheck, refused } from '../../cases/context.ts';
import { meets } from '../../cases/reach.ts';
import { ConflictError, ForbiddenError } from '../../platform/http/errors.ts';
import { wallClockOf } from '../../timeline/zone.ts';
import { assessments, visibleRow } from '../assessments.service.ts';
import type { AssessmentsContext } from '../store.ts';
import { gather, IDENTITIES } from './gather.ts';
import type { Language } from './labels.ts';
import { renderAssessment } from './render.ts';

export interface ExportRequest {
  readonly language: Language;
  /** Real names of the case's persons instead of pseudonyms: only for a scope that holds the identities. */
  readonly identities: boolean;
}

export interface ExportedAssessment {
  readonly pdf: Buffer;
  /** No personal data: the case's reference and the day it was finalised. */
  readonly fileName: string;
}

/**
 * One finalised assessment as a PDF (docs/assessments.md, "Export"), for a reader of the case's
 * assessments who has just confirmed their password (the route's step-up). A draft is refused
 * (another rater's draft does not exist for the caller); the real names of the persons only for a
 * scope that holds the identities. Read, checked again and recorded in one transaction: a
 * revocation that came in meanwhile refuses it, and no PDF leaves without its event.
 */
export async function exportAssessment(
  ctx: AssessmentsContext,
  actor: Actor,
  caseId: string,
  id: string,
  request: ExportRequest,
  origin: Origin,
): Promise<ExportedAssessment> {
  const reach = await need(ctx, actor, caseId, assessments(false), origin);
  if (request.identities && !meets(reach, IDENTITIES)) {
    await refused(ctx, actor, caseId, 'read', origin);
    throw new ForbiddenError(
      'Your scope in this case does not include the identities of its persons: export with pseudonyms.',
      'identities_out_of_scope',
    );
  }
  return guarded(
    ctx,
    actor,
    caseId,
    origin,
    () =>
      ctx.database.transaction(async (tx) => {
        const current = await recheck(ctx, tx, actor, caseId, assessments(false));
        if (request.identities && !meets(current, IDENTITIES)) throw new RefusedInTransaction(caseId);
        const row = await visibleRow(tx, actor, caseId, id);
        if (row.status !== 'final')
          throw new ConflictError('Only a finalised assessment can be exported.', 'assessment_not_final');
        const data = await gather(ctx, tx, actor, current, row, request);
        const pdf = await renderAssessment(data);
        const at = ctx.clock.now();
        const who = aboutCase(actor, origin, caseId);
        await recordAudit(tx, at, {
          action: 'assessment.exported',
          ...who,
          object: { type: 'assessment', id },
          detail: { identities: request.identities, language: request.language, via: current.kind },
        });
        // Each identity that left in the PDF, as a reveal on the person's own trail.
        if (request.identities)
          for (const person of data.persons ?? [])
            await recordAudit(tx, at, {
              action: 'person.revealed',
              ...who,
              object: { type: 'person', id: person.id },
              detail: { via: current.kind },
            });
        const finalised = row.finalised_at ?? at;
        return { pdf, fileName: `assessment-${data.reference}-${wallClockOf(finalised, ctx.timeZone).day}.pdf` };
      }),
    'read',
  );
}
