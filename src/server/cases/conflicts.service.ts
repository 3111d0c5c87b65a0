import type { Kysely } from 'kysely';
import { CONTENT_ROLES } from '../../contract/accounts.ts';
import { type ConflictList, type PersonIdentity, pseudonymOf } from '../../contract/persons.ts';
import type { Actor } from '../access/actor.ts';
import { openIdentity as openAccount } from '../access/identity.ts';
import { recordAudit } from '../audit/record.ts';
import type { DB } from '../platform/db/schema.ts';
import { ConflictError, NotFoundError } from '../platform/http/errors.ts';
import { personForms } from '../search/persons.ts';
import { userRefs } from './cases.repository.ts';
import { aboutCase, type CasesContext, guarded, need, type Origin, recheck } from './context.ts';

/**
 * Conflicts of interest (docs/cases.md): an account related to a person of a case is recused from
 * the case: it sees nothing of it (cases/reach.ts), cannot be granted, and loses any membership.
 * Declared by the lead or a team lead, or by the account itself; recognised when a person's name or
 * contact is the account's display name or address. The recognition errs towards recusal: a shared
 * common name recuses too, and the lead or a team lead sees the recusal and its source.
 */
interface Recusal {
  readonly caseId: string;
  readonly personId: string;
  readonly userId: string;
  readonly source: 'declared' | 'recognised';
  readonly actor: Actor;
  readonly origin: Origin;
  readonly now: Date;
}

async function recuse(tx: Kysely<DB>, r: Recusal): Promise<void> {
  const inserted = await tx
    .insertInto('person_conflicts')
    .values({
      user_id: r.userId,
      person_id: r.personId,
      case_id: r.caseId,
      source: r.source,
      declared_by: r.source === 'declared' ? r.actor.userId : null,
      declared_at: r.now,
    })
    .onConflict((oc) => oc.columns(['user_id', 'person_id']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  if (inserted === undefined) return;
  // Their membership goes, the lead's too: a team lead names a new lead.
  await tx.deleteFrom('case_members').where('case_id', '=', r.caseId).where('user_id', '=', r.userId).execute();
  await recordAudit(tx, r.now, {
    action: 'person.conflict_recorded',
    ...aboutCase(r.actor, r.origin, r.caseId),
    object: { type: 'person', id: r.personId },
    detail: { user: r.userId, source: r.source },
  });
}

/**
 * Compares the person's identifiers with every account that sees case content (their name and
 * address, opened in memory), in the transaction that wrote the person; each match is recused.
 */
export async function recogniseConflicts(
  ctx: CasesContext,
  tx: Kysely<DB>,
  person: {
    caseId: string;
    personId: string;
    identity: PersonIdentity;
    actor: Actor;
    origin: Origin;
    now: Date;
  },
): Promise<void> {
  const wanted = new Set(
    personForms({ fullName: person.identity.name, email: person.identity.contact })
      .filter((f) => f.kind === 'name' || f.kind === 'email')
      .map((f) => `${f.kind}:${f.form}`),
  );
  if (wanted.size === 0) return;
  const users = await tx
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'email_sealed', 'display_name_sealed'])
    .where('role', 'in', [...CONTENT_ROLES])
    .execute();
  const ring = ctx.keys.using(tx);
  for (const user of users) {
    const { email, displayName } = await openAccount(ring, user);
    const forms = personForms({ fullName: displayName ?? undefined, email: email ?? undefined });
    if (!forms.some((f) => wanted.has(`${f.kind}:${f.form}`))) continue;
    await recuse(tx, { ...person, userId: user.id, source: 'recognised' });
  }
}

/**
 * Marks an account as related to a person of the case: by the lead or a team lead for anyone, or
 * by a member for themself (who needs to see the persons to know).
 */
export async function declareConflict(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  personId: string,
  userId: string,
  origin: Origin,
): Promise<void> {
  const self = userId === actor.userId;
  const what = self ? ({ kind: 'section', section: 'persons', write: false } as const) : ({ kind: 'manage' } as const);
  await need(ctx, actor, caseId, what, origin);
  await guarded(ctx, actor, caseId, origin, () =>
    ctx.database.transaction(async (tx) => {
      await tx.selectFrom('cases').select('id').where('id', '=', caseId).forUpdate().execute();
      await recheck(ctx, tx, actor, caseId, what);
      const person = await tx
        .selectFrom('case_persons')
        .select('id')
        .where('id', '=', personId)
        .where('case_id', '=', caseId)
        .executeTakeFirst();
      if (person === undefined) throw new NotFoundError();
      const user = await tx.selectFrom('users').select('role').where('id', '=', userId).executeTakeFirst();
      if (user === undefined) throw new ConflictError('There is no such account.', 'unknown_user');
      await recuse(tx, { caseId, personId, userId, source: 'declared', actor, origin, now: ctx.clock.now() });
    }),
  );
}

/** Who is recused from the case, from which person, and how it came to be: for the lead and team leads. */
export async function listConflicts(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  origin: Origin,
): Promise<ConflictList> {
  const reach = await need(ctx, actor, caseId, { kind: 'manage' }, origin);
  const db = ctx.database.db;
  const rows = await db
    .selectFrom('person_conflicts as pc')
    .innerJoin('case_persons as p', 'p.id', 'pc.person_id')
    .select(['pc.user_id', 'pc.person_id', 'pc.source', 'p.ordinal'])
    .where('pc.case_id', '=', caseId)
    .orderBy('p.ordinal')
    .execute();
  const refs = await userRefs(
    db,
    ctx.keys,
    rows.map((r) => r.user_id),
  );
  await recordAudit(db, ctx.clock.now(), {
    action: 'case.viewed',
    ...aboutCase(actor, origin, caseId),
    detail: { part: 'conflicts', via: reach.kind },
  });
  return {
    conflicts: rows.map((r) => ({
      user: refs.get(r.user_id) ?? { id: r.user_id, displayName: null },
      personId: r.person_id,
      pseudonym: pseudonymOf(r.ordinal),
      source: r.source,
    })),
  };
}
