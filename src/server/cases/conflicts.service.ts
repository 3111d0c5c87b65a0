import type { Kysely } from 'kysely';
import { CONTENT_ROLES } from '../../contract/accounts.ts';
import { type ConflictList, type PersonIdentity, pseudonymOf } from '../../contract/persons.ts';
import type { Actor } from '../access/actor.ts';
import { openIdentity as openAccount } from '../access/identity.ts';
import { recordAudit } from '../audit/record.ts';
import type { DB } from '../platform/db/schema.ts';
import { ConflictError, NotFoundError } from '../platform/http/errors.ts';
import { type PersonIndex, personForms } from '../search/persons.ts';
import { casesRepository, userRefs } from './cases.repository.ts';
import { aboutCase, type CasesContext, guarded, need, type Origin, recheck } from './context.ts';

/**
 * Conflicts of interest (docs/cases.md): an account related to a person of a case is recused from
 * the case: it sees nothing of it (cases/reach.ts), cannot be granted, and loses its membership.
 *
 * - Declared: by a member for themself; by the lead for a member; by a team lead who reads the whole
 *   case for anyone (the lead and team leads only by a team lead). Each with a fresh step-up.
 * - Recognised: a person's e-mail address equals an account's: recused at once. A match on the name
 *   alone (common names are shared), or one that names the case's lead or a team lead, is only
 *   suspected: it recuses nobody until the lead or a team lead confirms it (a declaration).
 * - Lifted: by the lead or a team lead who reads the whole case, with a step-up and an event.
 *
 * The events name the account as their object, not the person: the audit trail's readers learn
 * that an account was recused from a case, never which person of it the account is.
 */
type Status = 'recused' | 'suspected';

interface Recusal {
  readonly caseId: string;
  readonly personId: string;
  readonly userId: string;
  readonly source: 'declared' | 'recognised';
  readonly status: Status;
  readonly actor: Actor;
  readonly origin: Origin;
  readonly now: Date;
}

const aboutAccount = (r: Pick<Recusal, 'actor' | 'origin' | 'caseId' | 'userId'>) => ({
  ...aboutCase(r.actor, r.origin, r.caseId),
  object: { type: 'user' as const, id: r.userId },
});

async function record(tx: Kysely<DB>, r: Recusal): Promise<void> {
  const row = await tx
    .insertInto('person_conflicts')
    .values({
      user_id: r.userId,
      person_id: r.personId,
      case_id: r.caseId,
      source: r.source,
      status: r.status,
      declared_by: r.source === 'declared' ? r.actor.userId : null,
      declared_at: r.now,
    })
    // A declaration confirms a suspected conflict; a suspicion never weakens a recusal.
    .onConflict((oc) =>
      r.status === 'recused'
        ? oc.columns(['user_id', 'person_id']).doUpdateSet({
            status: 'recused',
            source: r.source,
            declared_by: r.source === 'declared' ? r.actor.userId : null,
            declared_at: r.now,
          })
        : oc.columns(['user_id', 'person_id']).doNothing(),
    )
    .returning('status')
    .executeTakeFirst();
  // A suspicion that was known already (or a recusal) records nothing new.
  if (row === undefined) return;
  await recordAudit(tx, r.now, {
    action: 'person.conflict_recorded',
    ...aboutAccount(r),
    detail: { source: r.source, status: row.status },
  });
  if (r.status !== 'recused') return;
  const gone = await tx
    .deleteFrom('case_members')
    .where('case_id', '=', r.caseId)
    .where('user_id', '=', r.userId)
    .returning('role')
    .executeTakeFirst();
  if (gone === undefined) return;
  // Their membership goes like any other revocation: an event, and a new version of the case.
  await tx
    .updateTable('cases')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: r.now }))
    .where('id', '=', r.caseId)
    .execute();
  await recordAudit(tx, r.now, {
    action: 'case.member_revoked',
    ...aboutCase(r.actor, r.origin, r.caseId),
    detail: { user: r.userId },
  });
}

/** Whether the account is the case's lead or a team lead: only a team lead may recuse them. */
async function overseer(tx: Kysely<DB>, caseId: string, userId: string): Promise<boolean> {
  const user = await tx.selectFrom('users').select('role').where('id', '=', userId).executeTakeFirst();
  return user?.role === 'team_lead' || (await casesRepository.leadOf(tx, caseId)) === userId;
}

/**
 * Compares the person's name and contact with every account that sees case content (their name
 * and address, opened in memory), in the transaction that wrote the person.
 */
export async function recogniseConflicts(
  ctx: CasesContext,
  tx: Kysely<DB>,
  person: { caseId: string; personId: string; identity: PersonIdentity; actor: Actor; origin: Origin; now: Date },
): Promise<void> {
  const wanted = new Map(
    personForms({ fullName: person.identity.name, email: person.identity.contact })
      .filter((f) => f.kind === 'name' || f.kind === 'email')
      .map((f) => [`${f.kind}:${f.form}`, f.kind]),
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
    const kinds = personForms({ fullName: displayName ?? undefined, email: email ?? undefined })
      .map((f) => wanted.get(`${f.kind}:${f.form}`))
      .filter((kind) => kind !== undefined);
    if (kinds.length === 0) continue;
    const strong = kinds.includes('email') && !(await overseer(tx, person.caseId, user.id));
    await record(tx, { ...person, userId: user.id, source: 'recognised', status: strong ? 'recused' : 'suspected' });
  }
}

/**
 * The other way round: a new account compared with the persons of every case, through the blind
 * index of their identifiers (search/persons.ts), in the transaction that makes the account. The
 * same rule as for a new person: the same address recuses at once, unless the account is a team
 * lead's; the name alone is only suspected until the lead or a team lead confirms it.
 */
export async function recogniseAccount(
  deps: { readonly persons: PersonIndex },
  tx: Kysely<DB>,
  account: { userId: string; email: string; displayName: string; actor: Actor; origin: Origin; now: Date },
): Promise<number> {
  const matches = await deps.persons.find(tx, { fullName: account.displayName, email: account.email });
  let found = 0;
  for (const match of matches) {
    if (match.objectType !== 'person' || match.scope.type !== 'case') continue;
    const kinds = match.kinds.filter((k) => k === 'email' || k === 'name');
    if (kinds.length === 0) continue;
    const caseId = match.scope.id;
    const strong = kinds.includes('email') && !(await overseer(tx, caseId, account.userId));
    await record(tx, {
      caseId,
      personId: match.objectId,
      userId: account.userId,
      source: 'recognised',
      status: strong ? 'recused' : 'suspected',
      actor: account.actor,
      origin: account.origin,
      now: account.now,
    });
    found += 1;
  }
  return found;
}

/**
 * Records that an account is related to a person of the case, and recuses it (a suspected conflict
 * is thereby confirmed). Who may: see the module's comment.
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
  const what = self ? ({ kind: 'entry' } as const) : ({ kind: 'manage' } as const);
  const reach = await need(ctx, actor, caseId, what, origin);
  if (self && reach.membership === null) throw new NotFoundError();
  await guarded(ctx, actor, caseId, origin, () =>
    ctx.database.transaction(async (tx) => {
      if ((await casesRepository.lock(tx, caseId)) === undefined) throw new NotFoundError();
      const held = await recheck(ctx, tx, actor, caseId, what);
      // Naming someone else: the lead for members, a team lead who reads the whole case for anyone.
      if (!self) {
        const teamLead = await recheck(ctx, tx, actor, caseId, { kind: 'oversee' }).then(
          () => held.teamLead,
          () => false,
        );
        const lead = held.kind === 'member' && held.role === 'lead';
        if (!teamLead && !lead) throw new NotFoundError();
        if (!teamLead && (await overseer(tx, caseId, userId)))
          throw new ConflictError('Only a team lead may recuse the lead or a team lead.', 'needs_team_lead');
      }
      await personOfCase(tx, caseId, personId);
      const user = await tx.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
      if (user === undefined) throw new ConflictError('There is no such account.', 'unknown_user');
      await record(tx, {
        caseId,
        personId,
        userId,
        source: 'declared',
        status: 'recused',
        actor,
        origin,
        now: ctx.clock.now(),
      });
    }),
  );
}

/** Lifts a conflict that was wrong (a recognition of a namesake, a mistaken declaration). */
export async function liftConflict(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  personId: string,
  userId: string,
  origin: Origin,
): Promise<void> {
  await need(ctx, actor, caseId, { kind: 'oversee' }, origin);
  await guarded(ctx, actor, caseId, origin, () =>
    ctx.database.transaction(async (tx) => {
      if ((await casesRepository.lock(tx, caseId)) === undefined) throw new NotFoundError();
      await recheck(ctx, tx, actor, caseId, { kind: 'oversee' });
      const gone = await tx
        .deleteFrom('person_conflicts')
        .where('case_id', '=', caseId)
        .where('person_id', '=', personId)
        .where('user_id', '=', userId)
        .returning('status')
        .executeTakeFirst();
      if (gone === undefined) throw new NotFoundError();
      await recordAudit(tx, ctx.clock.now(), {
        action: 'person.conflict_lifted',
        ...aboutAccount({ actor, origin, caseId, userId }),
        detail: { status: gone.status },
      });
    }),
  );
}

async function personOfCase(tx: Kysely<DB>, caseId: string, personId: string): Promise<void> {
  const person = await tx
    .selectFrom('case_persons')
    .select('id')
    .where('id', '=', personId)
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  if (person === undefined) throw new NotFoundError();
}

/**
 * Who is recused from the case or suspected of a conflict, from which person, and how it came to
 * be: for the lead and for team leads who read the whole case (a list entry says nothing of persons).
 */
export async function listConflicts(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  origin: Origin,
): Promise<ConflictList> {
  const reach = await need(ctx, actor, caseId, { kind: 'oversee' }, origin);
  const db = ctx.database.db;
  const rows = await db
    .selectFrom('person_conflicts as pc')
    .innerJoin('case_persons as p', 'p.id', 'pc.person_id')
    .select(['pc.user_id', 'pc.person_id', 'pc.source', 'pc.status', 'p.ordinal'])
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
      status: r.status,
    })),
  };
}
