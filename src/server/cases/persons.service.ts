import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  type CasePerson,
  type CreatePerson,
  type PersonIdentity,
  type PersonList,
  pseudonymOf,
  type UpdateIdentity,
  type UpdatePerson,
} from '../../contract/persons.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import { type DataKey, type FieldContext, sealField } from '../platform/crypto/sealed-field.ts';
import type { CasePersonTable, DB } from '../platform/db/schema.ts';
import { NotFoundError } from '../platform/http/errors.ts';
import type { PersonIdentifiers } from '../search/persons.ts';
import { stale } from './cases.repository.ts';
import { recogniseConflicts } from './conflicts.service.ts';
import { aboutCase, type CasesContext, guarded, need, type Origin, recheck } from './context.ts';
import type { Need } from './reach.ts';

/**
 * The persons of a case (docs/cases.md, "Persons"): listed by pseudonym, role and notes for members
 * whose scope holds the persons section; the identity sealed as one value and revealed, one person
 * at a time and audited, to members whose scope holds the identities section.
 */
type PersonRow = Pick<CasePersonTable, 'id' | 'case_id' | 'role' | 'ordinal' | 'notes_sealed' | 'identity_sealed'> & {
  version: number;
};

export const personPlace = (personId: string, column: 'identity' | 'notes'): FieldContext => ({
  table: 'case_persons',
  column,
  rowId: personId,
});

const persons = (what: 'read' | 'write'): Need => ({ kind: 'section', section: 'persons', write: what === 'write' });
const identities = (what: 'read' | 'write'): Need => ({
  kind: 'section',
  section: 'identities',
  write: what === 'write',
});

/** What the blind index holds of a person: the identifiers that can recognise them elsewhere. */
export function identifiersOf(identity: PersonIdentity): PersonIdentifiers {
  return {
    fullName: identity.name,
    dateOfBirth: identity.dateOfBirth,
    employeeNumber: identity.employeeNumber,
    // The contact is one field: an address or a number, whichever it parses as.
    email: identity.contact,
    phone: identity.contact,
  };
}

export async function openIdentity(keys: KeyRing, row: Pick<PersonRow, 'id' | 'identity_sealed'>) {
  return JSON.parse(await keys.openText(row.identity_sealed, personPlace(row.id, 'identity'))) as PersonIdentity;
}

async function present(keys: KeyRing, row: PersonRow): Promise<CasePerson> {
  return {
    id: row.id,
    pseudonym: pseudonymOf(row.ordinal),
    role: row.role,
    notes: await keys.openText(row.notes_sealed, personPlace(row.id, 'notes')),
    version: row.version,
  };
}

const COLUMNS = ['id', 'case_id', 'role', 'ordinal', 'notes_sealed', 'identity_sealed', 'version'] as const;

async function findPerson(db: Kysely<DB>, caseId: string, personId: string, lock = false): Promise<PersonRow> {
  let query = db.selectFrom('case_persons').select(COLUMNS).where('id', '=', personId).where('case_id', '=', caseId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (row === undefined) throw new NotFoundError();
  return row;
}

export async function listPersons(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  origin: Origin,
): Promise<PersonList> {
  const reach = await need(ctx, actor, caseId, persons('read'), origin);
  const db = ctx.database.db;
  const rows = await db
    .selectFrom('case_persons')
    .select(COLUMNS)
    .where('case_id', '=', caseId)
    .orderBy('ordinal')
    .execute();
  const relations = await db
    .selectFrom('person_relations')
    .select(['id', 'from_person', 'to_person', 'kind'])
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .execute();
  const ring = ctx.keys.using(db);
  const list = await Promise.all(rows.map((row) => present(ring, row)));
  await recordAudit(db, ctx.clock.now(), {
    action: 'case.viewed',
    ...aboutCase(actor, origin, caseId),
    detail: { part: 'persons', via: reach.kind },
  });
  return {
    persons: list,
    relations: relations.map((r) => ({ id: r.id, from: r.from_person, to: r.to_person, kind: r.kind })),
  };
}

/** A write of the case's persons: checked before, and again in the transaction with the case row held. */
async function writing<T>(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  origin: Origin,
  needs: Need | readonly Need[],
  write: (tx: Kysely<DB>, key: DataKey, now: Date) => Promise<T>,
): Promise<T> {
  const all = Array.isArray(needs) ? needs : [needs as Need];
  for (const what of all) await need(ctx, actor, caseId, what, origin);
  return guarded(ctx, actor, caseId, origin, () =>
    ctx.database.transaction(async (tx) => {
      for (const what of all) await recheck(ctx, tx, actor, caseId, what);
      const key = await ctx.keys.keyFor('case', caseId, tx);
      return write(tx, key, ctx.clock.now());
    }),
  );
}

export function addPerson(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  input: CreatePerson & { identity: PersonIdentity; notes: string },
  origin: Origin,
): Promise<CasePerson> {
  // Who the person is may be written only by those whose scope holds identities.
  const named = Object.values(input.identity).some((value) => value !== '');
  const needs = named ? [persons('write'), identities('write')] : [persons('write')];
  return writing(ctx, actor, caseId, origin, needs, async (tx, key, now) => {
    const counted = await tx
      .updateTable('cases')
      .set((eb) => ({ persons_counted: eb('persons_counted', '+', 1) }))
      .where('id', '=', caseId)
      .returning('persons_counted')
      .executeTakeFirstOrThrow();
    const id = randomUUID();
    const row = await tx
      .insertInto('case_persons')
      .values({
        id,
        case_id: caseId,
        role: input.role,
        ordinal: counted.persons_counted,
        identity_sealed: sealField(key, JSON.stringify(input.identity), personPlace(id, 'identity')),
        notes_sealed: sealField(key, input.notes, personPlace(id, 'notes')),
        created_by: actor.userId,
        created_at: now,
        updated_at: now,
      })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    await ctx.persons.index(tx, {
      objectType: 'person',
      objectId: id,
      scope: { type: 'case', id: caseId },
      identifiers: identifiersOf(input.identity),
    });
    await recordAudit(tx, now, {
      action: 'person.added',
      ...aboutCase(actor, origin, caseId),
      object: { type: 'person', id },
      detail: { role: input.role },
    });
    await recogniseConflicts(ctx, tx, { caseId, personId: id, identity: input.identity, actor, origin, now });
    return present(ctx.keys.using(tx), row);
  });
}

export function updatePerson(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  personId: string,
  input: UpdatePerson & { notes: string },
  origin: Origin,
): Promise<CasePerson> {
  return writing(ctx, actor, caseId, origin, persons('write'), async (tx, key, now) => {
    const current = await findPerson(tx, caseId, personId, true);
    if (current.version !== input.expectedVersion) throw stale();
    const row = await tx
      .updateTable('case_persons')
      .set((eb) => ({
        role: input.role,
        notes_sealed: sealField(key, input.notes, personPlace(personId, 'notes')),
        updated_at: now,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', personId)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    await recordAudit(tx, now, {
      action: 'person.changed',
      ...aboutCase(actor, origin, caseId),
      object: { type: 'person', id: personId },
      detail: { role: input.role },
    });
    return present(ctx.keys.using(tx), row);
  });
}

export function updateIdentity(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  personId: string,
  input: UpdateIdentity & { identity: PersonIdentity },
  origin: Origin,
): Promise<CasePerson> {
  return writing(ctx, actor, caseId, origin, identities('write'), async (tx, key, now) => {
    const current = await findPerson(tx, caseId, personId, true);
    if (current.version !== input.expectedVersion) throw stale();
    const row = await tx
      .updateTable('case_persons')
      .set((eb) => ({
        identity_sealed: sealField(key, JSON.stringify(input.identity), personPlace(personId, 'identity')),
        updated_at: now,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', personId)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    await ctx.persons.index(tx, {
      objectType: 'person',
      objectId: personId,
      scope: { type: 'case', id: caseId },
      identifiers: identifiersOf(input.identity),
    });
    await recordAudit(tx, now, {
      action: 'person.identity_changed',
      ...aboutCase(actor, origin, caseId),
      object: { type: 'person', id: personId },
    });
    await recogniseConflicts(ctx, tx, { caseId, personId, identity: input.identity, actor, origin, now });
    return present(ctx.keys.using(tx), row);
  });
}

/** The identity of one person, for a member whose scope holds identities: a deliberate act, audited each time. */
export async function revealIdentity(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  personId: string,
  origin: Origin,
): Promise<PersonIdentity> {
  await need(ctx, actor, caseId, identities('read'), origin);
  // Read, checked again and recorded in one transaction: a recusal or revocation that came in
  // meanwhile refuses it, and no identity leaves without its event.
  return guarded(
    ctx,
    actor,
    caseId,
    origin,
    () =>
      ctx.database.transaction(async (tx) => {
        const reach = await recheck(ctx, tx, actor, caseId, identities('read'));
        const row = await findPerson(tx, caseId, personId);
        const identity = await openIdentity(ctx.keys.using(tx), row);
        await recordAudit(tx, ctx.clock.now(), {
          action: 'person.revealed',
          ...aboutCase(actor, origin, caseId),
          object: { type: 'person', id: personId },
          detail: { via: reach.kind },
        });
        return identity;
      }),
    'read',
  );
}

export function addRelation(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  input: {
    from: string;
    to: string;
    kind: 'partner' | 'former_partner' | 'relative' | 'manager' | 'colleague' | 'other';
  },
  origin: Origin,
): Promise<{ id: string; from: string; to: string; kind: typeof input.kind }> {
  return writing(ctx, actor, caseId, origin, persons('write'), async (tx, _key, now) => {
    await findPerson(tx, caseId, input.from);
    await findPerson(tx, caseId, input.to);
    const inserted = await tx
      .insertInto('person_relations')
      .values({
        id: randomUUID(),
        case_id: caseId,
        from_person: input.from,
        to_person: input.to,
        kind: input.kind,
        created_by: actor.userId,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['from_person', 'to_person', 'kind']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted === undefined) {
      // Recorded already: the existing relation, and no second event.
      const existing = await tx
        .selectFrom('person_relations')
        .select('id')
        .where('from_person', '=', input.from)
        .where('to_person', '=', input.to)
        .where('kind', '=', input.kind)
        .executeTakeFirstOrThrow();
      return { id: existing.id, ...input };
    }
    const id = inserted.id;
    await recordAudit(tx, now, {
      action: 'person.relation_added',
      ...aboutCase(actor, origin, caseId),
      object: { type: 'person', id: input.from },
      detail: { kind: input.kind, to: input.to },
    });
    return { id, ...input };
  });
}

export function removeRelation(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  relationId: string,
  origin: Origin,
): Promise<void> {
  return writing(ctx, actor, caseId, origin, persons('write'), async (tx, _key, now) => {
    const gone = await tx
      .deleteFrom('person_relations')
      .where('id', '=', relationId)
      .where('case_id', '=', caseId)
      .returning(['from_person', 'kind'])
      .executeTakeFirst();
    if (gone === undefined) throw new NotFoundError();
    await recordAudit(tx, now, {
      action: 'person.relation_removed',
      ...aboutCase(actor, origin, caseId),
      object: { type: 'person', id: gone.from_person },
      detail: { kind: gone.kind },
    });
  });
}
