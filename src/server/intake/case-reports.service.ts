import type { CaseReport, CaseReports } from '../../contract/reports.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { userRefs } from '../cases/cases.repository.ts';
import { need } from '../cases/context.ts';
import { meets } from '../cases/reach.ts';
import { openContent, openOriginalReporter, reportReference, withoutIdentities } from './content.ts';
import type { IntakeContext, Origin } from './context.ts';
import { openMessages } from './reporter.service.ts';
import { reportsRepository } from './reports.repository.ts';
import { deadlinesFor } from './submit.service.ts';
import { byTeam } from './triage.service.ts';

/**
 * The reports of a case, for its members with the timeline section (and a team lead's
 * break-glass); who reported and who is named only with the identities section. Each report read
 * is audited.
 */
export async function caseReports(
  ctx: IntakeContext,
  actor: Actor,
  caseId: string,
  origin: Origin,
): Promise<CaseReports> {
  const reach = await need(ctx, actor, caseId, { kind: 'section', section: 'timeline', write: false }, origin);
  const identities = meets(reach, { kind: 'section', section: 'identities', write: false });
  const db = ctx.database.db;
  const rows = await db
    .selectFrom('reports')
    .selectAll()
    .where('case_id', '=', caseId)
    // A report that names the reader stays out of their sight (conflicts.ts), in the case too.
    .where('id', 'not in', (eb) =>
      eb.selectFrom('report_conflicts').select('report_id').where('user_id', '=', actor.userId),
    )
    .orderBy('received_on')
    .orderBy('reference')
    .execute();
  const refs = await userRefs(
    db,
    ctx.keys,
    rows.map((r) => r.reporter_id),
  );
  const reports: CaseReport[] = [];
  for (const row of rows) {
    const content = await openContent(ctx.keys, row.id, row.content_sealed);
    const d = deadlinesFor(ctx, row);
    reports.push({
      id: row.id,
      reference: reportReference(row.reference),
      channel: row.channel,
      urgency: row.urgency,
      receivedOn: row.received_on,
      deadlines: {
        acknowledgeBy: d.acknowledgeBy,
        acknowledgedOn: row.acknowledged_on,
        feedbackBy: d.feedbackBy,
        feedbackOn: row.feedback_on,
      },
      content: identities ? content : withoutIdentities(content),
      identitiesHidden: !identities,
      reporter: identities && row.reporter_id !== null ? (refs.get(row.reporter_id) ?? null) : null,
      originalReporter: identities ? await openOriginalReporter(ctx.keys, row.id, row.original_reporter_sealed) : null,
      messages: await openMessages(ctx, row.id, await reportsRepository.messages(db, row.id)),
    });
  }
  if (rows.length > 0) {
    await ctx.database.transaction(async (tx) => {
      for (const row of rows) {
        await recordAudit(tx, ctx.clock.now(), {
          action: 'report.viewed',
          ...byTeam(actor, origin, row.id, caseId),
          detail: { as: 'case_member' },
        });
      }
    });
  }
  return { reports };
}
