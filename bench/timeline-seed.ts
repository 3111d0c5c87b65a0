import { type Insertable, sql } from 'kysely';
import { KeyRing } from '../src/server/platform/crypto/key-ring.ts';
import { LocalKeyProvider } from '../src/server/platform/crypto/local-key-provider.ts';
import { type DataKey, sealField } from '../src/server/platform/crypto/sealed-field.ts';
import { openPostgres } from '../src/server/platform/db/database.ts';
import type { TimelineEntryVersionTable } from '../src/server/platform/db/schema-timeline.ts';
import { contentPlace, type EntryContent } from '../src/server/timeline/context.ts';
import { momentOf, wallClockOf } from '../src/server/timeline/zone.ts';
import { between, pick, random, sentence } from './cases-seed.ts';
import {
  type Draft,
  documentsOf,
  drafted,
  type Entry,
  type Facts,
  factsOf,
  history,
  SOURCES,
  SPAN,
} from './timeline-drafts.ts';

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

const BATCH = 2000;
type Version = Insertable<TimelineEntryVersionTable>;

export interface TimelineSeeded {
  readonly measuredCaseIds: string[];
  readonly entries: number;
  readonly versions: number;
  readonly seconds: number;
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
        drafts.push(drafted(c.id, f, opened + Math.floor(random() * (end - opened)), now, midnight));
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
