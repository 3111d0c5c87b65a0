import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ModelDefinition } from '../../contract/models/definition.ts';
import { own } from '../../contract/rules/check.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { aboutCase, type Origin } from '../cases/context.ts';
import { reasonPlace } from '../cases/texts.ts';
import { addDays } from '../intake/deadlines.ts';
import { type DataKey, sealField } from '../platform/crypto/sealed-field.ts';
import type { DB } from '../platform/db/schema.ts';
import { wallClockOf } from '../timeline/zone.ts';
import type { AssessmentsContext } from './store.ts';

/** The judgment that sets the case's priority: the model's judgment "priority", on a scale of four known values. */
export const PRIORITY_JUDGMENT = 'priority';

/** The case priority (1–4) a judgment's value stands for: its place among the scale's known values. */
export function priorityOf(model: ModelDefinition, value: string | null): number | null {
  const judgment = model.judgments.find((j) => j.key === PRIORITY_JUDGMENT);
  const known = model.scales
    .find((s) => s.key === judgment?.scale)
    ?.values.filter((v) => v.unknown !== true)
    .map((v) => v.key);
  if (known === undefined || known.length !== 4 || value === null) return null;
  const at = known.indexOf(value);
  return at < 0 ? null : at + 1;
}

/** What a finalised single assessment or consensus sets: the priority, and when the model's schedule asks for the next review. */
export function setPriorityFrom(
  ctx: Pick<AssessmentsContext, 'timeZone'>,
  model: ModelDefinition,
  values: Readonly<Record<string, string | null>>,
  now: Date,
): { priority: number | null; reviewDue: string | null; judgment: string | null } {
  const priority = priorityOf(model, own(values, PRIORITY_JUDGMENT) ?? null);
  const review = model.review;
  const scheduled = review === undefined ? undefined : own(review.days, own(values, review.judgment) ?? '');
  return {
    priority,
    reviewDue: scheduled === undefined ? null : addDays(wallClockOf(now, ctx.timeZone).day, scheduled),
    judgment: priority === null ? null : PRIORITY_JUDGMENT,
  };
}

/**
 * The case's priority as the assessment set it, with the judgment's rationale as the reason
 * (sealed, as a manual change's is) and its event, which puts the change on the timeline. The same
 * priority again changes nothing.
 */
export async function changePriority(
  tx: Kysely<DB>,
  key: DataKey,
  actor: Actor,
  origin: Origin,
  caseId: string,
  assessmentId: string,
  priority: number,
  rationale: string,
  now: Date,
): Promise<void> {
  const current = await tx.selectFrom('cases').select('priority').where('id', '=', caseId).executeTakeFirstOrThrow();
  if (current.priority === priority) return;
  await tx
    .updateTable('cases')
    .set((eb) => ({ priority, updated_at: now, version: eb('version', '+', 1) }))
    .where('id', '=', caseId)
    .execute();
  const changeId = randomUUID();
  await tx
    .insertInto('case_priority_changes')
    .values({
      id: changeId,
      case_id: caseId,
      from_priority: current.priority,
      to_priority: priority,
      reason_sealed: sealField(key, rationale, reasonPlace('case_priority_changes', changeId)),
      changed_by: actor.userId,
      changed_at: now,
    })
    .execute();
  await recordAudit(tx, now, {
    action: 'case.priority_changed',
    ...aboutCase(actor, origin, caseId),
    detail: { from: current.priority, to: priority, change: changeId, assessment: assessmentId },
  });
}
