import { randomBytes, randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import { WARNING_BEHAVIOURS } from '../src/contract/reports.ts';
import type { EntryKind, WrittenKind } from '../src/contract/timeline.ts';
import { namePlace } from '../src/server/documents/documents.repository.ts';
import { type DataKey, sealField } from '../src/server/platform/crypto/sealed-field.ts';
import type { DB } from '../src/server/platform/db/schema.ts';
import type { TimelineEntryTable } from '../src/server/platform/db/schema-timeline.ts';
import { between, DAY, pick, random, sentence } from './cases-seed.ts';

/**
 * The timeline generator's drafts (bench/timeline-seed.ts): what it knows of each case, the
 * recorded entries its history tells of, and further entries, written or recorded, in the shares
 * members and the server make them. Words and versions come later, in the seed's order.
 */

export const SPAN = 3 * 365 * DAY;
const DOCUMENTS_PER_CASE = 12;
export const SOURCES = [
  '',
  'E-Mail der Kollegin',
  'Gespräch mit HR',
  'Schichtleitung',
  'Betriebsrat',
  'Werkschutz',
  'Anruf der Ehefrau',
  'eigene Beobachtung',
  'Nachricht im Intranet',
];
/** What members write down, most often incidents, observations and notes. */
const WRITTEN_WEIGHTS: readonly [WrittenKind, number][] = [
  ['incident', 0.22],
  ['observation', 0.22],
  ['conversation', 0.18],
  ['measure_note', 0.14],
  ['exculpatory', 0.06],
  ['note', 0.18],
];
/** What the server records besides the history: mostly documents coming and going. */
const RECORDED_WEIGHTS: readonly [EntryKind, number][] = [
  ['document_uploaded', 0.38],
  ['document_downloaded', 0.45],
  ['document_deleted', 0.03],
  ['grant', 0.04],
  ['revoke', 0.03],
  ['lead', 0.01],
  ['report', 0.04],
  ['break_glass', 0.02],
];
const weighted = <T>(weights: readonly [T, number][]): T => {
  let x = random();
  for (const [value, weight] of weights) {
    x -= weight;
    if (x < 0) return value;
  }
  return (weights.at(-1) as [T, number])[0];
};
const WRITTEN_SHARE = 0.65;

export interface CaseRow {
  id: string;
  created_at: Date;
}

export interface Facts {
  members: { user_id: string; role: string; granted_by: string | null; granted_at: Date }[];
  persons: string[];
  statuses: { from_status: string | null; to_status: string; changed_by: string | null; changed_at: Date }[];
  priorities: { from_priority: number | null; to_priority: number; changed_by: string | null; changed_at: Date }[];
  documents: string[];
}

export type Entry = Insertable<TimelineEntryTable>;
/** An entry before its words: a written one gets `edits` versions when its turn comes. */
export interface Draft {
  readonly row: Entry;
  readonly edits: number;
  readonly facts: Facts;
}

const byCase = <T extends { case_id: string }>(
  rows: readonly T[],
  facts: Map<string, Facts>,
  put: (f: Facts, r: T) => void,
) => {
  for (const r of rows) {
    const f = facts.get(r.case_id);
    if (f !== undefined) put(f, r);
  }
};

/** What the generator knows of every case: its members, persons and history, as cases-seed.ts wrote them. */
export async function factsOf(db: Kysely<DB>): Promise<{ cases: CaseRow[]; facts: Map<string, Facts> }> {
  const cases = await db.selectFrom('cases').select(['id', 'created_at']).orderBy('created_at').execute();
  const facts = new Map<string, Facts>(
    cases.map((c) => [c.id, { members: [], persons: [], statuses: [], priorities: [], documents: [] }]),
  );
  byCase(
    await db.selectFrom('case_members').select(['case_id', 'user_id', 'role', 'granted_by', 'granted_at']).execute(),
    facts,
    (f, r) => f.members.push(r),
  );
  byCase(await db.selectFrom('case_persons').select(['case_id', 'id']).execute(), facts, (f, r) =>
    f.persons.push(r.id),
  );
  byCase(
    await db
      .selectFrom('case_status_changes')
      .select(['case_id', 'from_status', 'to_status', 'changed_by', 'changed_at'])
      .execute(),
    facts,
    (f, r) => f.statuses.push(r),
  );
  byCase(
    await db
      .selectFrom('case_priority_changes')
      .select(['case_id', 'from_priority', 'to_priority', 'changed_by', 'changed_at'])
      .execute(),
    facts,
    (f, r) => f.priorities.push(r),
  );
  return { cases, facts };
}

/** Documents of a measured case, one version each, their names sealed as documents.repository.ts seals them. */
export async function documentsOf(db: Kysely<DB>, key: DataKey, caseId: string, f: Facts, opened: Date, now: number) {
  const documents = [];
  const versions = [];
  for (let i = 0; i < DOCUMENTS_PER_CASE; i++) {
    const id = randomUUID();
    const versionId = randomUUID();
    const uploadedBy = pick(f.members).user_id;
    const at = new Date(Math.min(now - DAY, opened.getTime() + between(0, 300) * DAY));
    const bytes = between(20_000, 4_000_000);
    documents.push({
      id,
      owner_type: 'case' as const,
      owner_id: caseId,
      current_version: 1,
      created_by: uploadedBy,
      created_at: at,
    });
    versions.push({
      document_id: id,
      version: 1,
      id: versionId,
      blob_name: randomBytes(16).toString('hex'),
      key_wrapped: randomBytes(60),
      name_sealed: sealField(key, `${sentence(3).replaceAll(' ', '_')}.pdf`, namePlace(versionId)),
      kind: 'application/pdf',
      plaintext_bytes: bytes,
      blob_bytes: bytes + 64,
      integrity: randomBytes(32),
      stripped: true,
      scanned: true,
      uploaded_by: uploadedBy,
      uploaded_at: at,
    });
    f.documents.push(id);
  }
  await db.insertInto('documents').values(documents).execute();
  await db.insertInto('document_versions').values(versions).execute();
}

/** The recorded entries a case's history tells of, as recordOnTimeline would have written them. */
export function history(caseId: string, opened: Date, f: Facts): Entry[] {
  const lead = f.members.find((m) => m.role === 'lead')?.user_id ?? null;
  const recorded = (
    kind: EntryKind,
    at: Date,
    author: string | null,
    subject: string | null,
    detail: object | null,
  ): Entry => ({
    id: randomUUID(),
    case_id: caseId,
    kind,
    occurred_at: at,
    precision: 'minute',
    author_id: author,
    subject_id: subject,
    detail: detail === null ? null : JSON.stringify(detail),
    recorded_at: at,
    written: false,
  });
  return [
    recorded('opened', opened, lead, null, null),
    ...f.statuses
      .filter((s) => s.from_status !== null)
      .map((s) => recorded('status', s.changed_at, s.changed_by, null, { from: s.from_status, to: s.to_status })),
    ...f.priorities.map((p) =>
      recorded('priority', p.changed_at, p.changed_by, null, { from: p.from_priority, to: p.to_priority }),
    ),
    ...f.members
      .filter((m) => m.role !== 'lead')
      .map((m) => recorded('grant', m.granted_at, m.granted_by, m.user_id, { role: m.role })),
  ];
}

/** Subject and detail of a recorded kind: a member for grants, a document (the case's if it has any), a report. */
function subjectOf(kind: EntryKind, f: Facts): { subject: string | null; detail: object | null } {
  switch (kind) {
    case 'grant':
      return { subject: pick(f.members).user_id, detail: { role: 'member' } };
    case 'revoke':
      return { subject: pick(f.members).user_id, detail: null };
    case 'lead':
      return { subject: pick(f.members).user_id, detail: { from: pick(f.members).user_id } };
    case 'break_glass':
      return { subject: null, detail: { minutes: pick([30, 60, 240]) } };
    case 'report':
      return { subject: randomUUID(), detail: null };
    default:
      return {
        subject: f.documents.length > 0 ? pick(f.documents) : randomUUID(),
        detail: kind === 'document_deleted' ? null : { version: 1 },
      };
  }
}

/** One more entry of a case at `at`, written (without its words yet) or recorded, as members and the server make them. */
export function drafted(caseId: string, f: Facts, at: number, now: number, midnight: (at: number) => Date): Draft {
  const id = randomUUID();
  const author = pick(f.members).user_id;
  if (random() >= WRITTEN_SHARE) {
    const kind = weighted(RECORDED_WEIGHTS);
    const { subject, detail } = subjectOf(kind, f);
    const row: Entry = {
      id,
      case_id: caseId,
      kind,
      occurred_at: new Date(at),
      precision: 'minute',
      author_id: author,
      subject_id: subject,
      detail: detail === null ? null : JSON.stringify(detail),
      recorded_at: new Date(at),
      written: false,
    };
    return { row, edits: 0, facts: f };
  }
  const kind = weighted(WRITTEN_WEIGHTS);
  const byDay = random() < 0.35;
  const tagged = random() < (kind === 'incident' ? 0.6 : kind === 'exculpatory' ? 0 : 0.2);
  const edits = random() < 0.75 ? 1 : random() < 0.7 ? 2 : 3;
  const row: Entry = {
    id,
    case_id: caseId,
    kind,
    occurred_at: byDay ? midnight(at) : new Date(at - (at % 60_000)),
    precision: byDay ? 'day' : 'minute',
    tags: tagged ? [...new Set(Array.from({ length: between(1, 3) }, () => pick(WARNING_BEHAVIOURS)))] : [],
    person_ids:
      f.persons.length > 0 && random() < 0.5
        ? [...new Set(Array.from({ length: between(1, 2) }, () => pick(f.persons)))]
        : [],
    document_ids: f.documents.length > 0 && random() < 0.1 ? [pick(f.documents)] : [],
    author_id: author,
    subject_id: null,
    detail: null,
    recorded_at: new Date(Math.min(now - 1000, at + between(0, 72) * 3_600_000)),
    version: edits,
    written: true,
  };
  return { row, edits, facts: f };
}
