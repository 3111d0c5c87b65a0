import type { Kysely } from 'kysely';
import type { AssessmentDetail } from '../../../contract/assessments.ts';
import { caseReference } from '../../../contract/cases.ts';
import type { ModelDefinition } from '../../../contract/models/definition.ts';
import { type PersonRole, pseudonymOf } from '../../../contract/persons.ts';
import type { Actor } from '../../access/actor.ts';
import { userRefs } from '../../cases/cases.repository.ts';
import { openIdentity } from '../../cases/persons.service.ts';
import { meets, type Reach } from '../../cases/reach.ts';
import type { DB } from '../../platform/db/schema.ts';
import { present, type visibleRow } from '../assessments.service.ts';
import { pinnedOf } from '../present.ts';
import type { AssessmentsContext } from '../store.ts';
import type { Language } from './labels.ts';

/**
 * What the PDF of one finalised assessment shows, gathered as the reader may have it: the
 * assessment as its page presents it (special categories withheld, evidence they may not see left
 * out), the model it is pinned to, the case's reference, and the persons of the case by pseudonym
 * and role, with their names only when asked for (and the reader's scope holds the identities).
 */
export interface ExportPerson {
  readonly id: string;
  readonly pseudonym: string;
  readonly role: PersonRole;
  /** Only with identities; '' when none is recorded. */
  readonly name: string | null;
}

export interface ExportData {
  readonly detail: AssessmentDetail;
  readonly model: ModelDefinition;
  readonly reference: string;
  readonly language: Language;
  readonly identities: boolean;
  readonly timeZone: string;
  /** Display names of the rater, the dissenters and the exporter, by user id (null: a former user). */
  readonly names: ReadonlyMap<string, string | null>;
  /** Null when the persons of the case are not in the reader's scope. */
  readonly persons: readonly ExportPerson[] | null;
  readonly exporter: string;
  readonly exportedAt: Date;
}

export const IDENTITIES = { kind: 'section', section: 'identities', write: false } as const;
const PERSONS = { kind: 'section', section: 'persons', write: false } as const;

export async function gather(
  ctx: AssessmentsContext,
  tx: Kysely<DB>,
  actor: Actor,
  reach: Reach,
  row: Awaited<ReturnType<typeof visibleRow>>,
  options: { language: Language; identities: boolean },
): Promise<ExportData> {
  const detail = await present(ctx, tx, actor, reach, row);
  const model = (await pinnedOf(ctx, tx, row)).definition;
  const kase = await tx
    .selectFrom('cases')
    .select(['year', 'number'])
    .where('id', '=', row.case_id)
    .executeTakeFirstOrThrow();
  const dissenters = Object.values(detail.content.judgments).flatMap((j) => j.dissents.map((d) => d.rater));
  const refs = await userRefs(tx, ctx.keys, [actor.userId, row.rater_id, ...dissenters]);
  const names = new Map([...refs].map(([id, ref]) => [id, ref.displayName]));
  return {
    detail,
    model,
    reference: caseReference(kase.year, kase.number),
    language: options.language,
    identities: options.identities,
    timeZone: ctx.timeZone,
    names,
    persons: await personsOf(ctx, tx, reach, row.case_id, options.identities),
    exporter: actor.userId,
    exportedAt: ctx.clock.now(),
  };
}

/**
 * The persons by pseudonym and role for readers of the persons (or the identities); the identity
 * is opened only when the names were asked for, which the caller has checked against the scope.
 */
async function personsOf(
  ctx: AssessmentsContext,
  tx: Kysely<DB>,
  reach: Reach,
  caseId: string,
  identities: boolean,
): Promise<ExportPerson[] | null> {
  if (!meets(reach, PERSONS) && !meets(reach, IDENTITIES)) return null;
  const rows = await tx
    .selectFrom('case_persons')
    .select(['id', 'role', 'ordinal', 'identity_sealed'])
    .where('case_id', '=', caseId)
    .orderBy('ordinal')
    .execute();
  const ring = ctx.keys.using(tx);
  return Promise.all(
    rows.map(async (p) => ({
      id: p.id,
      pseudonym: pseudonymOf(p.ordinal),
      role: p.role,
      name: identities ? (await openIdentity(ring, p)).name : null,
    })),
  );
}
