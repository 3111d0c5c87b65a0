import { type Kysely, sql } from 'kysely';
import type { TimelineChart } from '../../contract/timeline.ts';
import type { DB } from '../platform/db/schema.ts';

/** What a chart was counted from, besides its case: any difference, and it is another chart. */
export interface ChartInputs {
  /** The revision of the case's timeline (migration 0024): it changes with every write to it. */
  readonly revision: string;
  readonly timeZone: string;
  /** The kinds the reader sees, narrowed by their filter. */
  readonly kinds: readonly string[];
  /** The restricted documents of the case hidden from the reader. */
  readonly hidden: ReadonlySet<string>;
  /** The reports the reader's conflicts hide from them (all of theirs, of any case). */
  readonly conflicts: readonly string[];
}

interface Kept {
  readonly revision: string;
  readonly charts: Map<string, TimelineChart>;
}

/**
 * The charts of case timelines, kept between reads. A chart counts every entry of its case (2,000
 * on a long case: most of the time of a first page), and a case is read far more often than it is
 * written. A chart is kept under everything it was counted from (ChartInputs) and handed out only
 * when all of it is the reader's now; whether they may read the timeline at all is decided before,
 * every time (cases/context.ts need), never here. A chart counted at a revision is a chart of that
 * revision or a later one (the revision is read first), so nobody is given one older than what
 * they could have read. Each server process keeps its own; the revision, read from the database
 * on each request, keeps them all right. A case whose timeline changed loses its charts at its
 * next read; the case read least recently goes first when more than `capacity` charts are kept
 * (about 40 KB each for a 2,000-entry case).
 */
export class ChartCache {
  // A Map iterates in insertion order: re-inserting a case on each read keeps the least recent first.
  readonly #cases = new Map<string, Kept>();
  #count = 0;

  readonly capacity: number;

  constructor(capacity = 200) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.#count;
  }

  get(caseId: string, inputs: ChartInputs): TimelineChart | undefined {
    const kept = this.#cases.get(caseId);
    if (kept === undefined) return undefined;
    if (kept.revision !== inputs.revision) {
      this.#forget(caseId, kept);
      return undefined;
    }
    this.#cases.delete(caseId);
    this.#cases.set(caseId, kept);
    return kept.charts.get(variantOf(inputs));
  }

  set(caseId: string, inputs: ChartInputs, chart: TimelineChart): void {
    let kept = this.#cases.get(caseId);
    if (kept !== undefined && kept.revision !== inputs.revision) {
      this.#forget(caseId, kept);
      kept = undefined;
    }
    kept ??= { revision: inputs.revision, charts: new Map() };
    const variant = variantOf(inputs);
    if (!kept.charts.has(variant)) this.#count += 1;
    kept.charts.set(variant, chart);
    this.#cases.delete(caseId);
    this.#cases.set(caseId, kept);
    for (const [id, oldest] of this.#cases) {
      if (this.#count <= this.capacity || id === caseId) break;
      this.#forget(id, oldest);
    }
    // One case with more readers' charts than the capacity: its newest alone stays.
    if (this.#count > this.capacity) {
      this.#count -= kept.charts.size - 1;
      kept.charts.clear();
      kept.charts.set(variant, chart);
    }
  }

  #forget(caseId: string, kept: Kept): void {
    this.#cases.delete(caseId);
    this.#count -= kept.charts.size;
  }
}

const variantOf = (inputs: ChartInputs): string =>
  JSON.stringify([inputs.timeZone, inputs.kinds, [...inputs.hidden].sort(), inputs.conflicts]);

/**
 * The revision of a case's timeline (null: it has never had an entry) and the reports the reader's
 * conflicts hide, in one round trip.
 */
export async function chartStateOf(
  db: Kysely<DB>,
  caseId: string,
  userId: string,
): Promise<{ revision: string | null; conflicts: string[] }> {
  const { rows } = await sql<{ revision: string | null; conflicts: string[] }>`
    select (select r.revision from timeline_revisions r where r.case_id = ${caseId})::text as revision,
      array(select x.report_id::text from report_conflicts x where x.user_id = ${userId} order by 1) as conflicts`.execute(
    db,
  );
  const row = rows[0];
  return { revision: row?.revision ?? null, conflicts: row?.conflicts ?? [] };
}
