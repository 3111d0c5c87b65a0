import { randomBytes, randomUUID } from 'node:crypto';
import { type Insertable, type Kysely, sql } from 'kysely';
import { WARNING_BEHAVIOURS } from '../src/contract/reports.ts';
import type { EntryKind, WrittenKind } from '../src/contract/timeline.ts';
import { namePlace } from '../src/server/documents/documents.repository.ts';
import { KeyRing } from '../src/server/platform/crypto/key-ring.ts';
import { LocalKeyProvider } from '../src/server/platform/crypto/local-key-provider.ts';
import { type DataKey, sealField } from '../src/server/platform/crypto/sealed-field.ts';
import { openPostgres } from '../src/server/platform/db/database.ts';
import type { DB } from '../src/server/platform/db/schema.ts';
import type { TimelineEntryTable, TimelineEntryVersionTable } from '../src/server/platform/db/schema-timeline.ts';
import { contentPlace, type EntryContent } from '../src/server/timeline/context.ts';
import { momentOf, wallClockOf } from '../src/server/timeline/zone.ts';
import { between, DAY, pick, random, sentence } from './cases-seed.ts';

/**
 * The timeline generator (issue 11), run after bench/cases-seed.ts on the same database: every
 * case gets the recorded entries its history tells of (opened, each status and priority change,
 * each membership granted), and written and recorded entries on top, until the database holds
 * `entries` in all (more only when the measured cases and the others' histories alone need more);
 * the measured cases hold `caseEntries` each. Rows are what the services write
 * (timeline/entries.service.ts createEntry and updateEntry, timeline/recorded.ts): a written entry
 * has one to three versions, each with its title, text and source sealed with the case's data key
 * (the real KeyRing on the server's master key file) at contentPlace(entry, version), so the
 * server opens them as its own; a recorded entry has no version, and the subject and detail its
 * kind needs (the migration's checks). Entries spread over up to three years from the case's
 * opening, and go in in the order they were recorded, all cases mixed, so that a case's entries lie
 * scattered over the table as years of use leave them. Left out: the entries' words in the blind
 * index (no bench load uses the `q` filter, and indexing the measured cases' 20,000 entries alone
 * took longer than writing 100,000), the reports that `report` entries name (the page looks them up
 * and finds none) and the documents that filler cases' document entries name; the measured cases
 * have documents of their own (names sealed as the documents service does), which their entries
 * name and attach. Deterministic but for the ids: the generator of cases-seed.ts goes on.
 */
export interface TimelineSeedOptions {
  readonly url: string;
  /** The server's secrets directory: its master key file unwraps the cases' data keys. */
  readonly secretsDir: string;
  /** Timeline entries in the whole database. */
  readonly entries: number;
  /** Entries of each measured case. */
  readonly caseEntries: number;
  /** Cases to measure are taken from these (the bench user's), the ones open for three years first. */
  readonly candidates: readonly string[];
  readonly measured: number;
  /** The company's time zone (TMA_TIME_ZONE): days of entries dated by the day are its midnights. */
  readonly timeZone: string;
}

export interface TimelineSeeded {
  readonly measuredCaseIds: string[];
  readonly entries: number;
  readonly versions: number;
  readonly seconds: number;
}

const SPAN = 3 * 365 * DAY;
const BATCH = 2000;
const DOCUMENTS_PER_CASE = 12;
const SOURCES = [
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

interface CaseRow {
  id: string;
  created_at: Date;
}

interface Facts {
  members: { user_id: string; role: string; granted_by: string | null; granted_at: Date }[];
  persons: string[];
  statuses: { from_status: string | null; to_status: string; changed_by: string | null; changed_at: Date }[];
  priorities: { from_priority: number | null; to_priority: number; changed_by: string | null; changed_at: Date }[];
  documents: string[];
}

type Entry = Insertable<TimelineEntryTable>;
type Version = Insertable<TimelineEntryVersionTable>;
/** An entry before its words: a written one gets `edits` versions when its turn comes. */
interface Draft {
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
async function factsOf(db: Kysely<DB>): Promise<{ cases: CaseRow[]; facts: Map<string, Facts> }> {
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
async function documentsOf(db: Kysely<DB>, key: DataKey, caseId: string, f: Facts, opened: Date, now: number) {
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
function history(caseId: string, opened: Date, f: Facts): Entry[] {
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

export async function seedTimeline(o: TimelineSeedOptions): Promise<TimelineSeeded> {
  const t0 = performance.now();
  const database = await openPostgres({ url: o.url, poolMax: 2, statementTimeoutMs: 600_000, onPoolError: () => {} });
  const db = database.db;
  try {
    const keys = new KeyRing(LocalKeyProvider.open(o.secretsDir, { create: false }), db);
    const now = Date.now();
    const { cases, facts } = await factsOf(db);
    const openedOf = new Map(cases.map((c) => [c.id, c.created_at]));
    // Measured: the bench user's cases open for three years or more first, so that their entries
    // spread over the whole span (and the chart over about 1,100 days).
    const candidates = [...o.candidates].sort(
      (a, b) =>
        Number((openedOf.get(a)?.getTime() ?? now) > now - SPAN) -
        Number((openedOf.get(b)?.getTime() ?? now) > now - SPAN),
    );
    const measuredCaseIds = candidates.slice(0, o.measured);
    const measured = new Set(measuredCaseIds);

    // How many entries each case gets: the measured ones caseEntries; the rest of the total on top
    // of every other case's history, in shares drawn from an exponential (a few cases have many).
    const histories = new Map(cases.map((c) => [c.id, history(c.id, c.created_at, facts.get(c.id) as Facts)]));
    let historical = 0;
    for (const [id, h] of histories) if (!measured.has(id)) historical += h.length;
    const spare = Math.max(0, o.entries - measured.size * o.caseEntries - historical);
    const others = cases.filter((c) => !measured.has(c.id));
    const weights = others.map(() => -Math.log(1 - random()));
    const sum = weights.reduce((a, b) => a + b, 0);
    const extra = new Map<string, number>();
    let given = 0;
    others.forEach((c, i) => {
      const n = Math.floor((spare * (weights[i] ?? 0)) / sum);
      extra.set(c.id, n);
      given += n;
    });
    const last = others.at(-1);
    if (last !== undefined) extra.set(last.id, (extra.get(last.id) ?? 0) + spare - given);

    const midnights = new Map<string, Date>();
    const midnight = (at: number) => {
      const day = wallClockOf(new Date(at), o.timeZone).day;
      let m = midnights.get(day);
      if (m === undefined) {
        m = momentOf(day, null, o.timeZone);
        midnights.set(day, m);
      }
      return m;
    };

    // First every entry, without its words, then all of them in the order they were recorded:
    // the heap holds a case's entries scattered among the others' as years of use leave them, not
    // side by side as one case at a time would.
    const drafts: Draft[] = [];
    for (const c of cases) {
      const f = facts.get(c.id) as Facts;
      const opened = c.created_at.getTime();
      const end = Math.min(now - 60_000, opened + SPAN);
      const isMeasured = measured.has(c.id);
      if (isMeasured) await documentsOf(db, await keys.keyFor('case', c.id, db), c.id, f, c.created_at, now);
      const own = histories.get(c.id) ?? [];
      for (const row of own) drafts.push({ row, edits: 0, facts: f });
      const count = isMeasured ? Math.max(0, o.caseEntries - own.length) : (extra.get(c.id) ?? 0);
      for (let n = 0; n < count; n++) {
        const at = opened + Math.floor(random() * (end - opened));
        const id = randomUUID();
        const author = pick(f.members).user_id;
        if (random() >= WRITTEN_SHARE) {
          const kind = weighted(RECORDED_WEIGHTS);
          const { subject, detail } = subjectOf(kind, f);
          const row: Entry = {
            id,
            case_id: c.id,
            kind,
            occurred_at: new Date(at),
            precision: 'minute',
            author_id: author,
            subject_id: subject,
            detail: detail === null ? null : JSON.stringify(detail),
            recorded_at: new Date(at),
            written: false,
          };
          drafts.push({ row, edits: 0, facts: f });
          continue;
        }
        const kind = weighted(WRITTEN_WEIGHTS);
        const byDay = random() < 0.35;
        const tagged = random() < (kind === 'incident' ? 0.6 : kind === 'exculpatory' ? 0 : 0.2);
        const edits = random() < 0.75 ? 1 : random() < 0.7 ? 2 : 3;
        const row: Entry = {
          id,
          case_id: c.id,
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
        drafts.push({ row, edits, facts: f });
      }
    }
    drafts.sort((a, b) => a.row.recorded_at.getTime() - b.row.recorded_at.getTime());

    let entries: Entry[] = [];
    let versions: Version[] = [];
    let totalVersions = 0;
    let pending: Promise<unknown> = Promise.resolve();
    // One batch goes in (entries before their versions) while the next one is made.
    const flush = async () => {
      const [e, v] = [entries, versions];
      entries = [];
      versions = [];
      await pending;
      pending = (async () => {
        if (e.length > 0) await db.insertInto('timeline_entries').values(e).execute();
        // At most BATCH rows a statement: PostgreSQL takes 65,535 parameters at most.
        for (let i = 0; i < v.length; i += BATCH)
          await db
            .insertInto('timeline_entry_versions')
            .values(v.slice(i, i + BATCH))
            .execute();
      })();
      // Awaited before the next batch and at the end; until then a failure must not end the process.
      pending.catch(() => {});
    };
    const caseKeys = new Map<string, DataKey>();
    for (const { row, edits, facts: f } of drafts) {
      entries.push(row);
      let key = caseKeys.get(row.case_id);
      if (edits > 0 && key === undefined) {
        key = await keys.keyFor('case', row.case_id, db);
        caseKeys.set(row.case_id, key);
      }
      let editedAt = row.recorded_at.getTime();
      for (let v = 1; v <= edits && key !== undefined; v++) {
        const content: EntryContent = {
          title: sentence(between(3, 7)),
          body: `${sentence(between(20, 70))}. ${sentence(between(5, 40))}.`,
          source: pick(SOURCES),
        };
        totalVersions++;
        versions.push({
          entry_id: row.id,
          version: v,
          kind: row.kind,
          occurred_at: row.occurred_at,
          precision: row.precision,
          tags: row.tags as string[],
          person_ids: row.person_ids as string[],
          document_ids: row.document_ids as string[],
          content_sealed: sealField(key, JSON.stringify(content), contentPlace(row.id, v)),
          edited_by: v === 1 ? row.author_id : pick(f.members).user_id,
          edited_at: new Date(editedAt),
        });
        editedAt = Math.min(now - 1000, editedAt + between(1, 20 * 24) * 3_600_000);
      }
      if (entries.length >= BATCH) await flush();
    }
    await flush();
    await pending;
    // What autovacuum would have done for tables this size by the time anyone asks.
    await sql`vacuum analyze timeline_entries, timeline_entry_versions, documents, document_versions`.execute(db);
    return {
      measuredCaseIds,
      entries: drafts.length,
      versions: totalVersions,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await database.close();
  }
}
