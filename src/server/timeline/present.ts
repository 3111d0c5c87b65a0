import type { Kysely } from 'kysely';
import { pseudonymOf } from '../../contract/persons.ts';
import type { TimelineEntry } from '../../contract/timeline.ts';
import { userRefs } from '../cases/cases.repository.ts';
import { meets, type Reach } from '../cases/reach.ts';
import { reasonPlace } from '../cases/texts.ts';
import { namePlace } from '../documents/documents.repository.ts';
import { reportReference } from '../intake/content.ts';
import type { KeyRing } from '../platform/crypto/key-ring.ts';
import { unlessUnreadable } from '../platform/crypto/unreadable.ts';
import type { DB } from '../platform/db/schema.ts';
import { contentPlace, type EntryContent, reads, type TimelineContext } from './context.ts';
import type { EntryRow } from './list.service.ts';
import { wallClockOf } from './zone.ts';

type DocumentRef = TimelineEntry['documents'][number];
type Change = NonNullable<TimelineEntry['change']>;

/** The document an upload, download or deletion tells of, with the version it concerned. */
function subjectDocument(
  row: EntryRow,
  detail: Record<string, unknown>,
  documents: ReadonlyMap<string, DocumentRef>,
): DocumentRef | null {
  if (!row.kind.startsWith('document_') || row.subject_id === null) return null;
  const found = documents.get(row.subject_id);
  if (found === undefined) return null;
  return { ...found, version: typeof detail.version === 'number' ? detail.version : null };
}

/** The names of the documents a page names (current versions), deleted ones too: an entry tells of them. */
async function documentNames(
  ctx: TimelineContext,
  db: Kysely<DB>,
  caseId: string,
  ids: ReadonlySet<string>,
): Promise<Map<string, DocumentRef>> {
  const found = new Map<string, DocumentRef>();
  if (ids.size === 0) return found;
  const rows = await db
    .selectFrom('documents as d')
    .innerJoin('document_versions as v', (join) =>
      join.onRef('v.document_id', '=', 'd.id').onRef('v.version', '=', 'd.current_version'),
    )
    .select(['d.id', 'd.current_version', 'd.deleted_at', 'v.id as version_id', 'v.name_sealed'])
    .where('d.owner_type', '=', 'case')
    .where('d.owner_id', '=', caseId)
    .where('d.id', 'in', [...ids])
    .execute();
  const ring = ctx.keys.using(db);
  for (const row of rows)
    found.set(row.id, {
      id: row.id,
      name: await ring.openText(row.name_sealed, namePlace(row.version_id)),
      version: row.deleted_at === null ? row.current_version : null,
    });
  return found;
}

/**
 * Entries as the reader may see them: persons by pseudonym only with the persons section (else
 * just how many), attachments only those they may read, a recorded entry's subject named.
 */
export async function presentEntries(
  ctx: TimelineContext,
  db: Kysely<DB>,
  reach: Reach,
  caseId: string,
  rows: readonly EntryRow[],
  hidden: ReadonlySet<string>,
): Promise<TimelineEntry[]> {
  const seesPersons = reads(reach, 'persons');
  const seesDocuments = reads(reach, 'documents');
  // Who did what to the case (a recorded entry's actor) is the roster's to tell; a written entry's author signs it.
  const seesRoster = meets(reach, { kind: 'roster' });
  const personIds = new Set(seesPersons ? rows.flatMap((r) => r.person_ids) : []);
  const persons = new Map<string, number>();
  if (personIds.size > 0) {
    const found = await db
      .selectFrom('case_persons')
      .select(['id', 'ordinal'])
      .where('case_id', '=', caseId)
      .where('id', 'in', [...personIds])
      .execute();
    for (const p of found) persons.set(p.id, p.ordinal);
  }
  const documentIds = new Set<string>();
  for (const r of rows) {
    if (seesDocuments) for (const id of r.document_ids) if (!hidden.has(id)) documentIds.add(id);
    if (r.kind.startsWith('document_') && r.subject_id !== null) documentIds.add(r.subject_id);
  }
  const documents = await documentNames(ctx, db, caseId, documentIds);
  const reportIds = rows.filter((r) => r.kind === 'report' && r.subject_id !== null).map((r) => r.subject_id as string);
  const reports = new Map<string, { reference: string; received_on: string }>();
  if (reportIds.length > 0) {
    const found = await db
      .selectFrom('reports')
      .select(['id', 'reference', 'received_on'])
      .where('id', 'in', reportIds)
      .execute();
    for (const r of found) reports.set(r.id, r);
  }
  const refs = await userRefs(
    db,
    ctx.keys,
    rows.flatMap((r) => [
      r.author_id,
      r.edited_by,
      r.kind === 'grant' || r.kind === 'revoke' || r.kind === 'lead' ? r.subject_id : null,
    ]),
  );
  const ref = (id: string | null) => (id === null ? null : (refs.get(id) ?? null));
  const ring = ctx.keys.using(db);
  const reasons = await priorityReasons(db, ring, reach, caseId, rows);
  return Promise.all(
    rows.map(async (row): Promise<TimelineEntry> => {
      // A text that cannot be opened (its case shredded, or tampered with) shows as none, not as an error.
      const opened =
        row.content_sealed === null
          ? null
          : await unlessUnreadable(ring.openText(row.content_sealed, contentPlace(row.id, row.version)));
      const content = opened === null ? null : (JSON.parse(opened) as EntryContent);
      const wall = wallClockOf(row.occurred_at, ctx.timeZone);
      const detail = row.detail === null ? {} : (JSON.parse(row.detail) as Record<string, unknown>);
      const report = row.kind === 'report' && row.subject_id !== null ? reports.get(row.subject_id) : undefined;
      const changed = row.kind === 'status' || row.kind === 'priority';
      const byAssessment =
        typeof detail.assessment === 'string' && reads(reach, 'assessments') ? detail.assessment : null;
      return {
        id: row.id,
        kind: row.kind,
        written: row.written,
        occurredAt: row.occurred_at.toISOString(),
        occurredOn: wall.day,
        occurredTime: row.precision === 'day' ? null : wall.time,
        tags: row.tags as TimelineEntry['tags'],
        persons: seesPersons
          ? row.person_ids.flatMap((id) => {
              const ordinal = persons.get(id);
              return ordinal === undefined ? [] : [{ id, pseudonym: pseudonymOf(ordinal) }];
            })
          : null,
        personCount: row.person_ids.length,
        documents: seesDocuments ? row.document_ids.flatMap((id) => documents.get(id) ?? []) : [],
        author: row.written || seesRoster ? ref(row.author_id) : null,
        title: content?.title ?? null,
        body: content?.body ?? null,
        source: content?.source ?? null,
        change: changed
          ? {
              from: (detail.from ?? null) as Change['from'],
              to: detail.to as Change['to'],
              reason: typeof detail.change === 'string' ? (reasons.get(detail.change) ?? null) : null,
              assessment: byAssessment,
            }
          : null,
        user: row.kind === 'grant' || row.kind === 'revoke' || row.kind === 'lead' ? ref(row.subject_id) : null,
        report:
          report === undefined || row.subject_id === null
            ? null
            : { id: row.subject_id, reference: reportReference(report.reference), receivedOn: report.received_on },
        document: subjectDocument(row, detail, documents),
        version: row.version,
        editedAt: row.written && row.version > 1 && row.edited_at !== null ? row.edited_at.toISOString() : null,
        editedBy: row.written && row.version > 1 ? ref(row.edited_by) : null,
      };
    }),
  );
}

/**
 * The reasons of the priority changes among the entries, by change: a manual change's to every
 * reader of the timeline, an assessment's (its priority judgment's rationale) only to readers of
 * the case's assessments. A reason that cannot be opened is left out.
 */
async function priorityReasons(
  db: Kysely<DB>,
  ring: KeyRing,
  reach: Reach,
  caseId: string,
  rows: readonly EntryRow[],
): Promise<Map<string, string>> {
  const wanted: string[] = [];
  for (const row of rows) {
    if (row.kind !== 'priority' || row.detail === null) continue;
    const detail = JSON.parse(row.detail) as { change?: unknown; assessment?: unknown };
    if (typeof detail.change !== 'string') continue;
    if (typeof detail.assessment === 'string' && !reads(reach, 'assessments')) continue;
    wanted.push(detail.change);
  }
  const reasons = new Map<string, string>();
  if (wanted.length === 0) return reasons;
  const found = await db
    .selectFrom('case_priority_changes')
    .select(['id', 'reason_sealed'])
    .where('case_id', '=', caseId)
    .where('id', 'in', wanted)
    .execute();
  for (const row of found) {
    const reason = await unlessUnreadable(
      ring.openText(row.reason_sealed, reasonPlace('case_priority_changes', row.id)),
    );
    if (reason !== null) reasons.set(row.id, reason);
  }
  return reasons;
}
