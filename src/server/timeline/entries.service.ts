import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type PersonIdentity, pseudonymOf } from '../../contract/persons.ts';
import type { CreateEntry, EntryHistory, UpdateEntry } from '../../contract/timeline.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { stale, userRefs } from '../cases/cases.repository.ts';
import { aboutCase, guarded, need, type Origin, recheck } from '../cases/context.ts';
import { openIdentity } from '../cases/persons.service.ts';
import type { Need, Reach } from '../cases/reach.ts';
import { hiddenDocuments } from '../documents/restricted.ts';
import { type DataKey, sealField } from '../platform/crypto/sealed-field.ts';
import type { DB } from '../platform/db/schema.ts';
import { AppError, BadRequestError, NotFoundError } from '../platform/http/errors.ts';
import { contentPlace, type EntryContent, reads, type TimelineContext } from './context.ts';
import { momentOf, wallClockOf } from './zone.ts';

/**
 * Written entries of the timeline (docs/timeline.md): made and edited by members whose scope
 * writes the timeline. An edit is a new version; every older one stays readable. Title, text and
 * source are sealed with the case's key and indexed within the case.
 */
type Fields = Required<Omit<CreateEntry, 'personIds' | 'documentIds' | 'tags'>> & {
  readonly tags: readonly string[];
  readonly personIds: readonly string[];
  readonly documentIds: readonly string[];
};

const timeline = (write: boolean): Need => ({ kind: 'section', section: 'timeline', write });

export const indexedContent = (caseId: string, entryId: string, content: EntryContent) =>
  (['title', 'body', 'source'] as const).map((field) => ({
    objectType: 'timeline_entry',
    objectId: entryId,
    scope: { type: 'case' as const, id: caseId },
    field,
    text: content[field],
  }));

/** A write of the timeline: checked before, and again in the transaction with the case row held. */
async function writing<T>(
  ctx: TimelineContext,
  actor: Actor,
  caseId: string,
  origin: Origin,
  write: (tx: Kysely<DB>, reach: Reach, key: DataKey, now: Date) => Promise<T>,
): Promise<T> {
  await need(ctx, actor, caseId, timeline(true), origin);
  return guarded(ctx, actor, caseId, origin, () =>
    ctx.database.transaction(async (tx) => {
      const reach = await recheck(ctx, tx, actor, caseId, timeline(true));
      const key = await ctx.keys.keyFor('case', caseId, tx);
      return write(tx, reach, key, ctx.clock.now());
    }),
  );
}

const refuse = (code: string, detail: string) => new BadRequestError(detail, { code });

/**
 * No such written entry in a case the caller reaches: a plain 404, not a refusal (guarded records a
 * NotFoundError as one), since the caller may well read and write the case.
 */
class EntryNotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
}

/**
 * The checks of what an entry names: its day is not in the future; its persons and documents are
 * the case's and the writer's to name; and none of its persons was born after it happened. The
 * last is asked only of writers who read identities: to anyone else a refusal would tell the day
 * of birth they may not read.
 */
async function checked(
  ctx: TimelineContext,
  tx: Kysely<DB>,
  actor: Actor,
  caseId: string,
  reach: Reach,
  fields: Fields,
  now: Date,
  attached: ReadonlySet<string> = new Set(),
): Promise<Date> {
  const at = momentOf(fields.occurredOn, fields.occurredTime, ctx.timeZone);
  const today = wallClockOf(now, ctx.timeZone).day;
  if (fields.occurredOn > today || (fields.occurredTime !== null && at > now))
    throw refuse('entry_in_future', 'An entry cannot be dated in the future.');
  if (fields.personIds.length > 0) {
    if (!reads(reach, 'persons'))
      throw refuse('persons_out_of_scope', 'Naming persons needs the persons section of the case.');
    const rows = await tx
      .selectFrom('case_persons')
      .select(['id', 'ordinal', 'identity_sealed'])
      .where('case_id', '=', caseId)
      .where('id', 'in', fields.personIds)
      .execute();
    if (rows.length !== fields.personIds.length)
      throw refuse('unknown_person', 'A person named is not one of the case.');
    if (reads(reach, 'identities')) {
      const ring = ctx.keys.using(tx);
      for (const row of rows) {
        const identity: PersonIdentity = await openIdentity(ring, row);
        if (
          identity.dateOfBirth !== '' &&
          identity.dateOfBirth !== undefined &&
          fields.occurredOn < identity.dateOfBirth
        )
          throw new BadRequestError(
            `The entry is dated before ${pseudonymOf(row.ordinal)} was born (${identity.dateOfBirth}).`,
            {
              code: 'entry_before_birth',
              extra: { birth: { pseudonym: pseudonymOf(row.ordinal), born: identity.dateOfBirth } },
            },
          );
      }
    }
  }
  if (fields.documentIds.length > 0) {
    if (!reads(reach, 'documents'))
      throw refuse('documents_out_of_scope', 'Attaching documents needs the documents section of the case.');
    const rows = await tx
      .selectFrom('documents')
      .select(['id', 'deleted_at'])
      .where('owner_type', '=', 'case')
      .where('owner_id', '=', caseId)
      .where('id', 'in', fields.documentIds)
      .execute();
    const hidden = await hiddenDocuments(tx, caseId, actor.userId);
    // A document deleted since it was attached stays attached; a deleted one is not attached anew.
    const usable = rows.filter((r) => r.deleted_at === null || attached.has(r.id));
    if (usable.length !== fields.documentIds.length || fields.documentIds.some((id) => hidden.has(id)))
      throw refuse('unknown_document', 'A document attached is not one of the case.');
  }
  return at;
}

async function addVersion(
  tx: Kysely<DB>,
  key: DataKey,
  entryId: string,
  version: number,
  fields: Fields,
  at: Date,
  actor: Actor,
  now: Date,
): Promise<EntryContent> {
  const content: EntryContent = { title: fields.title, body: fields.body, source: fields.source };
  await tx
    .insertInto('timeline_entry_versions')
    .values({
      entry_id: entryId,
      version,
      kind: fields.kind,
      occurred_at: at,
      precision: fields.occurredTime === null ? 'day' : 'minute',
      tags: [...fields.tags],
      person_ids: [...fields.personIds],
      document_ids: [...fields.documentIds],
      content_sealed: sealField(key, JSON.stringify(content), contentPlace(entryId, version)),
      edited_by: actor.userId,
      edited_at: now,
    })
    .execute();
  return content;
}

export function createEntry(
  ctx: TimelineContext,
  actor: Actor,
  caseId: string,
  fields: Fields,
  origin: Origin,
): Promise<{ id: string; version: number }> {
  return writing(ctx, actor, caseId, origin, async (tx, reach, key, now) => {
    const at = await checked(ctx, tx, actor, caseId, reach, fields, now);
    const id = randomUUID();
    await tx
      .insertInto('timeline_entries')
      .values({
        id,
        case_id: caseId,
        kind: fields.kind,
        occurred_at: at,
        precision: fields.occurredTime === null ? 'day' : 'minute',
        tags: [...fields.tags],
        person_ids: [...fields.personIds],
        document_ids: [...fields.documentIds],
        author_id: actor.userId,
        subject_id: null,
        detail: null,
        recorded_at: now,
        written: true,
      })
      .execute();
    const content = await addVersion(tx, key, id, 1, fields, at, actor, now);
    await ctx.search.indexMany(tx, indexedContent(caseId, id, content));
    await recordAudit(tx, now, {
      action: 'timeline.entry_written',
      ...aboutCase(actor, origin, caseId),
      object: { type: 'timeline_entry', id },
      detail: { kind: fields.kind, version: 1 },
    });
    return { id, version: 1 };
  });
}

export function updateEntry(
  ctx: TimelineContext,
  actor: Actor,
  caseId: string,
  entryId: string,
  fields: Fields & Pick<UpdateEntry, 'expectedVersion'>,
  origin: Origin,
): Promise<{ id: string; version: number }> {
  return writing(ctx, actor, caseId, origin, async (tx, reach, key, now) => {
    const current = await tx
      .selectFrom('timeline_entries')
      .select(['id', 'version', 'written', 'person_ids', 'document_ids'])
      .where('id', '=', entryId)
      .where('case_id', '=', caseId)
      .forUpdate()
      .executeTakeFirst();
    if (current === undefined || !current.written) throw new EntryNotFoundError();
    if (current.version !== fields.expectedVersion) throw stale();
    const at = await checked(ctx, tx, actor, caseId, reach, fields, now, new Set(current.document_ids));
    // What the editor cannot see stays as it was: persons without the persons section, documents
    // without the documents section or restricted to others. An edit changes what it shows.
    const hidden = await hiddenDocuments(tx, caseId, actor.userId);
    const keptPersons = reads(reach, 'persons') ? [] : current.person_ids;
    const keptDocuments = current.document_ids.filter((id) => !reads(reach, 'documents') || hidden.has(id));
    const stored: Fields = {
      ...fields,
      personIds: [...new Set([...fields.personIds, ...keptPersons])],
      documentIds: [...new Set([...fields.documentIds, ...keptDocuments])],
    };
    const version = current.version + 1;
    await tx
      .updateTable('timeline_entries')
      .set({
        kind: stored.kind,
        occurred_at: at,
        precision: stored.occurredTime === null ? 'day' : 'minute',
        tags: [...stored.tags],
        person_ids: [...stored.personIds],
        document_ids: [...stored.documentIds],
        version,
      })
      .where('id', '=', entryId)
      .execute();
    const content = await addVersion(tx, key, entryId, version, stored, at, actor, now);
    await ctx.search.indexMany(tx, indexedContent(caseId, entryId, content));
    await recordAudit(tx, now, {
      action: 'timeline.entry_written',
      ...aboutCase(actor, origin, caseId),
      object: { type: 'timeline_entry', id: entryId },
      detail: { kind: stored.kind, version },
    });
    return { id: entryId, version };
  });
}

/** Every version of a written entry, newest first, for readers of the timeline. */
export async function entryHistory(
  ctx: TimelineContext,
  actor: Actor,
  caseId: string,
  entryId: string,
  origin: Origin,
): Promise<EntryHistory> {
  const reach = await need(ctx, actor, caseId, timeline(false), origin);
  const db = ctx.database.db;
  const rows = await db
    .selectFrom('timeline_entry_versions as v')
    .innerJoin('timeline_entries as e', 'e.id', 'v.entry_id')
    .selectAll('v')
    .where('e.id', '=', entryId)
    .where('e.case_id', '=', caseId)
    .orderBy('v.version', 'desc')
    .execute();
  if (rows.length === 0) throw new NotFoundError();
  const ring = ctx.keys.using(db);
  const refs = await userRefs(
    db,
    ctx.keys,
    rows.map((r) => r.edited_by),
  );
  const versions = await Promise.all(
    rows.map(async (row) => {
      const content = JSON.parse(
        await ring.openText(row.content_sealed, contentPlace(entryId, row.version)),
      ) as EntryContent;
      const wall = wallClockOf(row.occurred_at, ctx.timeZone);
      return {
        version: row.version,
        kind: row.kind as Fields['kind'],
        occurredOn: wall.day,
        occurredTime: row.precision === 'day' ? null : wall.time,
        ...content,
        tags: row.tags as EntryHistory['versions'][number]['tags'],
        personCount: row.person_ids.length,
        editedBy: row.edited_by === null ? null : (refs.get(row.edited_by) ?? null),
        editedAt: row.edited_at.toISOString(),
      };
    }),
  );
  await recordAudit(db, ctx.clock.now(), {
    action: 'case.viewed',
    ...aboutCase(actor, origin, caseId),
    object: { type: 'timeline_entry', id: entryId },
    detail: { part: 'timeline', via: reach.kind },
  });
  return { versions };
}
