import { type Kysely, sql } from 'kysely';
import { CONTENT_ROLES } from '../../contract/accounts.ts';
import type { CaseSection } from '../../contract/cases.ts';
import { pseudonymOf } from '../../contract/persons.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { unwrapDocumentKey, wrapDocumentKey } from '../documents/crypto/document-key.ts';
import { namePlace } from '../documents/documents.repository.ts';
import { documentNameSource } from '../documents/search-source.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import { type DataKey, sealField } from '../platform/crypto/sealed-field.ts';
import type { DB } from '../platform/db/schema.ts';
import { aboutCase, type CasesContext, type Origin } from './context.ts';
import type { MergeManifest } from './merge-records.ts';
import { personPlace } from './persons.service.ts';
import { casePersonSource } from './search-source.ts';

/**
 * What a merge moves from the duplicate (source) into the case it is merged into (target), inside
 * the merge's transaction. Everything that moves is sealed again with the target's key, so that
 * the target's key alone opens it (and a shredding of the target takes it along); the blind index
 * finds it in the target's scope only.
 */
export interface Move {
  readonly tx: Kysely<DB>;
  readonly ring: KeyRing;
  readonly sourceId: string;
  readonly targetId: string;
  readonly sourceKey: DataKey;
  readonly targetKey: DataKey;
  readonly actor: Actor;
  readonly origin: Origin;
  readonly now: Date;
}

/**
 * The persons, numbered on after the target's own ("Person A" of the duplicate may become
 * "Person D"), with their relations and conflicts of interest.
 */
export async function movePersons(ctx: CasesContext, move: Move): Promise<MergeManifest['persons']> {
  const { tx, ring, sourceId, targetId, targetKey, now } = move;
  const rows = await tx
    .selectFrom('case_persons')
    .select(['id', 'ordinal', 'identity_sealed', 'notes_sealed'])
    .where('case_id', '=', sourceId)
    .orderBy('ordinal')
    .forUpdate()
    .execute();
  if (rows.length === 0) return [];
  // A person, their relations and their conflicts change case in separate statements: the checks
  // tying them together wait for the commit (migration 0020).
  await sql`set constraints person_relations_from_case, person_relations_to_case, person_conflicts_person_case deferred`.execute(
    tx,
  );
  const counted = await tx
    .updateTable('cases')
    .set((eb) => ({ persons_counted: eb('persons_counted', '+', rows.length) }))
    .where('id', '=', targetId)
    .returning('persons_counted')
    .executeTakeFirstOrThrow();
  const first = counted.persons_counted - rows.length + 1;
  const moved: { id: string; from: string; to: string }[] = [];
  for (const [i, row] of rows.entries()) {
    const identity = await ring.openText(row.identity_sealed, personPlace(row.id, 'identity'));
    const notes = await ring.openText(row.notes_sealed, personPlace(row.id, 'notes'));
    await tx
      .updateTable('case_persons')
      .set((eb) => ({
        case_id: targetId,
        ordinal: first + i,
        identity_sealed: sealField(targetKey, identity, personPlace(row.id, 'identity')),
        notes_sealed: sealField(targetKey, notes, personPlace(row.id, 'notes')),
        updated_at: now,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', row.id)
      .execute();
    moved.push({ id: row.id, from: pseudonymOf(row.ordinal), to: pseudonymOf(first + i) });
  }
  await tx.updateTable('person_relations').set({ case_id: targetId }).where('case_id', '=', sourceId).execute();
  await tx.updateTable('person_conflicts').set({ case_id: targetId }).where('case_id', '=', sourceId).execute();
  // Their identifiers again, now in the target's scope.
  const found = await casePersonSource(ctx.keys).persons(
    tx,
    moved.map((p) => p.id),
  );
  for (const [id, person] of found)
    if (person !== null) await ctx.persons.index(tx, { objectType: 'person', objectId: id, ...person });
  return moved;
}

/** The documents (deleted ones too, for their history): each version's key wrapped again, its name sealed again. */
export async function moveDocuments(ctx: CasesContext, move: Move): Promise<string[]> {
  const { tx, sourceId, targetId, sourceKey, targetKey } = move;
  const documents = await tx
    .selectFrom('documents')
    .select(['id', 'deleted_at'])
    .where('owner_type', '=', 'case')
    .where('owner_id', '=', sourceId)
    .forUpdate()
    .execute();
  if (documents.length === 0) return [];
  const ids = documents.map((d) => d.id);
  const versions = await tx
    .selectFrom('document_versions')
    .select(['id', 'key_wrapped', 'name_sealed'])
    .where('document_id', 'in', ids)
    .execute();
  for (const v of versions) {
    // Each version's key is bound to the version's id (documents.service.ts).
    const key = unwrapDocumentKey(sourceKey, v.id, v.key_wrapped);
    const name = await move.ring.openText(v.name_sealed, namePlace(v.id));
    await tx
      .updateTable('document_versions')
      .set({
        key_wrapped: wrapDocumentKey(targetKey, v.id, key),
        name_sealed: sealField(targetKey, name, namePlace(v.id)),
      })
      .where('id', '=', v.id)
      .execute();
    key.fill(0);
  }
  await tx.updateTable('documents').set({ owner_id: targetId }).where('id', 'in', ids).execute();
  const live = documents.filter((d) => d.deleted_at === null).map((d) => d.id);
  const texts = await documentNameSource(ctx.keys).texts(tx, live);
  await ctx.search.indexMany(
    tx,
    [...texts].flatMap(([objectId, entries]) =>
      entries.map((e) => ({ objectType: 'document', objectId, field: e.field, scope: e.scope, text: e.text ?? '' })),
    ),
  );
  return ids;
}

/**
 * The duplicate's members who are not members of the target already join it, in the role they had
 * (its lead as a member: the target keeps its lead), with their scope and end date. Someone
 * recused from the target (now that its persons include the duplicate's) does not, nor does a
 * locked account or one that no longer works on cases (members.service.ts would refuse them too).
 */
export async function moveMembers(
  move: Move,
): Promise<{ members: MergeManifest['members']; recused: MergeManifest['recused'] }> {
  const { tx, sourceId, targetId, actor, origin, now } = move;
  // Only accounts that could be granted now: active or invited, in a role that works on cases.
  const rows = await tx
    .selectFrom('case_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'm.role', 'm.full_scope', 'm.sections', 'm.expires_at'])
    .where('m.case_id', '=', sourceId)
    .where('u.role', 'in', [...CONTENT_ROLES])
    .where('u.status', '!=', 'locked')
    .where((eb) => eb.or([eb('m.expires_at', 'is', null), eb('m.expires_at', '>', now)]))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('case_members as t')
            .select('t.user_id')
            .where('t.case_id', '=', targetId)
            .whereRef('t.user_id', '=', 'm.user_id')
            .where((t) => t.or([t('t.expires_at', 'is', null), t('t.expires_at', '>', now)])),
        ),
      ),
    )
    .orderBy('m.granted_at')
    .execute();
  const recusedRows = await tx
    .selectFrom('person_conflicts')
    .select('user_id')
    .where('case_id', '=', targetId)
    .where('status', '=', 'recused')
    .execute();
  const out = new Set(recusedRows.map((r) => r.user_id));
  const members: string[] = [];
  const recused: string[] = [];
  for (const row of rows) {
    if (out.has(row.user_id)) {
      recused.push(row.user_id);
      continue;
    }
    const role = row.role === 'lead' ? 'member' : row.role;
    const grant = {
      role,
      full_scope: row.full_scope,
      sections: row.sections,
      expires_at: row.expires_at,
      granted_by: actor.userId,
      granted_at: now,
    };
    // An expired membership of the target's own makes way for the one that moves in.
    await tx
      .insertInto('case_members')
      .values({ case_id: targetId, user_id: row.user_id, ...grant })
      .onConflict((oc) =>
        oc
          .columns(['case_id', 'user_id'])
          .doUpdateSet((eb) => ({ ...grant, version: eb('case_members.version', '+', 1) })),
      )
      .execute();
    // A grant like any other in the target's trail.
    await recordAudit(tx, now, {
      action: 'case.member_granted',
      ...aboutCase(actor, origin, targetId),
      detail: {
        user: row.user_id,
        role,
        full: row.full_scope,
        sections: row.sections as CaseSection[],
        expires: row.expires_at?.toISOString() ?? null,
      },
    });
    members.push(row.user_id);
  }
  return { members, recused };
}

/** The duplicate's links now link the target (once; a link between the two goes). */
export async function moveLinks(move: Move): Promise<string[]> {
  const { tx, sourceId, targetId, actor, origin, now } = move;
  const rows = await tx
    .deleteFrom('case_links')
    .where((eb) => eb.or([eb('case_a', '=', sourceId), eb('case_b', '=', sourceId)]))
    .returning(['case_a', 'case_b'])
    .execute();
  const all = rows.map((r) => (r.case_a === sourceId ? r.case_b : r.case_a));
  // Each trail says what happened to its links: the duplicate's went, the target's came.
  for (const other of all) {
    await recordAudit(tx, now, { action: 'case.unlinked', ...aboutCase(actor, origin, sourceId), detail: { other } });
    await recordAudit(tx, now, {
      action: 'case.unlinked',
      ...aboutCase(actor, origin, other),
      detail: { other: sourceId },
    });
  }
  const others = all.filter((id) => id !== targetId);
  for (const other of others) {
    const [case_a, case_b] = other < targetId ? [other, targetId] : [targetId, other];
    const made = await tx
      .insertInto('case_links')
      .values({ case_a, case_b, linked_by: actor.userId, linked_at: now })
      .onConflict((oc) => oc.columns(['case_a', 'case_b']).doNothing())
      .executeTakeFirst();
    if (Number(made.numInsertedOrUpdatedRows ?? 0) === 0) continue;
    await recordAudit(tx, now, { action: 'case.linked', ...aboutCase(actor, origin, targetId), detail: { other } });
    await recordAudit(tx, now, {
      action: 'case.linked',
      ...aboutCase(actor, origin, other),
      detail: { other: targetId },
    });
  }
  return others;
}

/**
 * Members of the target who are recused now that its persons include the duplicate's (a conflict
 * that moved in): their membership goes, as at any recusal (conflicts.service.ts), the lead's too.
 */
export async function revokeRecused(move: Move): Promise<string[]> {
  const { tx, targetId, actor, origin, now } = move;
  const gone = await tx
    .deleteFrom('case_members')
    .where('case_id', '=', targetId)
    .where('user_id', 'in', (eb) =>
      eb
        .selectFrom('person_conflicts')
        .select('user_id')
        .where('case_id', '=', targetId)
        .where('status', '=', 'recused'),
    )
    .returning('user_id')
    .execute();
  for (const { user_id } of gone)
    await recordAudit(tx, now, {
      action: 'case.member_revoked',
      ...aboutCase(actor, origin, targetId),
      detail: { user: user_id },
    });
  return gone.map((g) => g.user_id);
}

/**
 * The duplicate's reports (intake/): they join the target, their keys re-wrapped for it (so the
 * target's shredding takes them along), and follow the target's membership from then on.
 */
export async function moveReports(move: Move): Promise<string[]> {
  const reports = await move.tx.selectFrom('reports').select('id').where('case_id', '=', move.sourceId).execute();
  for (const { id } of reports) {
    await move.ring.joinCase(move.tx, id, move.targetId);
    await move.tx
      .updateTable('reports')
      .set((eb) => ({ case_id: move.targetId, version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .execute();
    await recordAudit(move.tx, move.now, {
      action: 'report.attached',
      outcome: 'allowed',
      actorUserId: move.actor.userId,
      object: { type: 'report', id },
      caseId: move.targetId,
      ip: move.origin.ip,
      userAgent: move.origin.userAgent,
    });
  }
  return reports.map((r) => r.id);
}
