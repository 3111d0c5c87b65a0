import { type Expression, type Kysely, sql } from 'kysely';
import {
  type EntryKind,
  TIMELINE_PAGE,
  type TimelineChart,
  type TimelinePage,
  type TimelineQuery,
} from '../../contract/timeline.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import { aboutCase, need, type Origin } from '../cases/context.ts';
import { meets } from '../cases/reach.ts';
import { hiddenDocuments } from '../documents/restricted.ts';
import type { Database } from '../platform/db/database.ts';
import { runPrepared } from '../platform/db/prepared.ts';
import type { DB } from '../platform/db/schema.ts';
import { BadRequestError } from '../platform/http/errors.ts';
import { chartStateOf } from './chart-cache.ts';
import { reads, type TimelineContext, visibleKinds } from './context.ts';
import { presentEntries } from './present.ts';
import { momentOf } from './zone.ts';

/** The query as the route parsed it. */
export type Filters = Omit<TimelineQuery, 'kinds'> & { readonly kinds?: readonly EntryKind[] | undefined };

const encodeCursor = (at: Date, id: string) => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const moment = new Date(at ?? '');
  if (id === undefined || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(moment.getTime()))
    throw new BadRequestError('The cursor is not one this list gave out.', { code: 'bad_cursor' });
  return { at: moment, id };
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * A page of a case's timeline, newest first, for readers of its timeline section, with the chart's
 * data on the first page. Filters narrow both; the date range and the cursor the list only.
 */
export async function listTimeline(
  ctx: TimelineContext,
  actor: Actor,
  caseId: string,
  filters: Filters,
  origin: Origin,
): Promise<TimelinePage> {
  const reach = await need(ctx, actor, caseId, { kind: 'section', section: 'timeline', write: false }, origin);
  const db = ctx.database.db;
  const visible = visibleKinds(reach);
  const kinds = filters.kinds === undefined ? visible : visible.filter((k) => filters.kinds?.includes(k));
  if (filters.person !== undefined && !reads(reach, 'persons'))
    throw new BadRequestError('Filtering by person needs the persons section of the case.', {
      code: 'persons_out_of_scope',
    });
  // Restricted documents hide their entries and their attachments on other entries alike.
  const hidden = await hiddenDocuments(db, caseId, actor.userId);
  let matched: readonly string[] | undefined;
  if (filters.q !== undefined && filters.q.trim() !== '') {
    // The case's own texts and its documents' names match too: room for them beside the entries.
    const outcome = await ctx.search.search(db, [{ type: 'case', id: caseId }], filters.q, { limit: 5000 });
    matched =
      outcome.kind === 'hits'
        ? [...new Set(outcome.hits.filter((h) => h.objectType === 'timeline_entry').map((h) => h.objectId))]
        : [];
  }
  const scope: Scope = { caseId, userId: actor.userId, kinds, hidden, filters, matched };
  const page = kinds.length === 0 || matched?.length === 0 ? [] : await pageOf(ctx.database, scope, ctx.timeZone);
  const more = page.length > TIMELINE_PAGE;
  const rows = more ? page.slice(0, TIMELINE_PAGE) : page;
  const last = rows.at(-1);
  const chart =
    filters.cursor === undefined
      ? kinds.length === 0 || matched?.length === 0
        ? { kinds: [], tags: [] }
        : await keptChartOf(ctx, scope)
      : null;
  const entries = await presentEntries(ctx, db, reach, caseId, rows, hidden);
  await recordAudit(db, ctx.clock.now(), {
    action: 'case.viewed',
    ...aboutCase(actor, origin, caseId),
    detail: { part: 'timeline', via: reach.kind },
  });
  return {
    entries,
    next: more && last !== undefined ? encodeCursor(last.occurred_at, last.id) : null,
    chart,
    canWrite: meets(reach, { kind: 'section', section: 'timeline', write: true }) && !reach.merged,
  };
}

export type EntryRow = Awaited<ReturnType<typeof pageOf>>[number];

/** What narrows a read of the timeline: the case, the reader, the kinds they see, and the filters. */
interface Scope {
  readonly caseId: string;
  readonly userId: string;
  readonly kinds: readonly EntryKind[];
  readonly hidden: ReadonlySet<string>;
  readonly filters: Filters;
  readonly matched: readonly string[] | undefined;
}

function filtered(db: Kysely<DB>, { caseId, userId, kinds, hidden, filters, matched }: Scope) {
  let query = db
    .selectFrom('timeline_entries as e')
    .where('e.case_id', '=', caseId)
    // Lists as array parameters: one statement text whatever their length, so it can be prepared.
    .where(sql<boolean>`e.kind = any(${[...kinds]}::text[])`)
    // A report whose persons name the reader is not theirs to see, here as in the case's reports.
    .where(
      sql<boolean>`not (e.kind = 'report' and exists (select 1 from report_conflicts x where x.report_id = e.subject_id and x.user_id = ${userId}))`,
    );
  if (hidden.size > 0)
    query = query.where((eb) =>
      eb.or([
        eb('e.subject_id', 'is', null),
        sql<boolean>`e.subject_id <> all(${[...hidden]}::uuid[])`,
        eb('e.written', '=', true),
      ]),
    );
  if (filters.person !== undefined) query = query.where(sql<boolean>`e.person_ids @> array[${filters.person}]::uuid[]`);
  if (filters.tag !== undefined) query = query.where(sql<boolean>`${filters.tag} = any(e.tags)`);
  if (matched !== undefined) query = query.where(sql<boolean>`e.id = any(${[...matched]}::uuid[])`);
  return query;
}

/**
 * Prepared (platform/db/prepared.ts): planning it cost PostgreSQL about as much as running it. Its
 * shapes are bounded: one per combination of filters, every list an array parameter.
 */
async function pageOf(database: Database, scope: Scope, timeZone: string) {
  const { filters } = scope;
  let query = filtered(database.db, scope)
    .leftJoin('timeline_entry_versions as v', (join) =>
      join.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.version'),
    )
    .select([
      'e.id',
      'e.kind',
      'e.occurred_at',
      'e.precision',
      'e.tags',
      'e.person_ids',
      'e.document_ids',
      'e.author_id',
      'e.subject_id',
      'e.detail',
      'e.version',
      'e.written',
      'v.content_sealed',
      'v.edited_by',
      'v.edited_at',
    ]);
  if (filters.from !== undefined) query = query.where('e.occurred_at', '>=', momentOf(filters.from, null, timeZone));
  if (filters.to !== undefined)
    query = query.where('e.occurred_at', '<', momentOf(nextDay(filters.to), null, timeZone));
  if (filters.cursor !== undefined) {
    const { at, id } = decodeCursor(filters.cursor);
    query = query.where(sql<boolean>`(e.occurred_at, e.id) < (${at}, ${id}::uuid)`);
  }
  return runPrepared(
    database,
    'tma_timeline_page',
    query
      .orderBy('e.occurred_at', 'desc')
      .orderBy('e.id', 'desc')
      .limit(TIMELINE_PAGE + 1),
  );
}

/**
 * The chart, kept between reads (chart-cache.ts) unless the reader narrows it by a person, a
 * warning behaviour or words: those charts are one reader's question of the moment.
 */
async function keptChartOf(ctx: TimelineContext, scope: Scope): Promise<TimelineChart> {
  const db = ctx.database.db;
  const { person, tag, q } = scope.filters;
  if (person !== undefined || tag !== undefined || (q !== undefined && q.trim() !== ''))
    return chartOf(db, scope, ctx.timeZone);
  const { revision, conflicts } = await chartStateOf(db, scope.caseId, scope.userId);
  if (revision === null) return chartOf(db, scope, ctx.timeZone);
  const inputs = { revision, timeZone: ctx.timeZone, kinds: scope.kinds, hidden: scope.hidden, conflicts };
  const kept = ctx.charts.get(scope.caseId, inputs);
  if (kept !== undefined) return kept;
  const chart = await chartOf(db, scope, ctx.timeZone);
  ctx.charts.set(scope.caseId, inputs, chart);
  return chart;
}

async function chartOf(db: Kysely<DB>, scope: Scope, timeZone: string): Promise<TimelineChart> {
  // Whole days since 1970-01-01 of the company's calendar; grouped outside, as the zone is a
  // parameter, and two parameters are never the same expression.
  const day = sql<number>`(e.occurred_at at time zone ${timeZone})::date - date '1970-01-01'`;
  const base = filtered(db, scope);
  const kinds = await perDay(db, base.select([day.as('day'), 'e.kind as key']));
  const tags = await perDay(
    db,
    base.where(sql<boolean>`cardinality(e.tags) > 0`).select([day.as('day'), sql<string>`unnest(e.tags)`.as('key')]),
  );
  return {
    kinds: kinds.map((k) => ({ kind: k.key as EntryKind, days: k.days, counts: k.counts })),
    tags: tags.map((t) => ({ tag: t.key as TimelineChart['tags'][number]['tag'], days: t.days, counts: t.counts })),
  };
}

/** Per key (a kind, a warning behaviour) of rows of `key` and `day`: its days, ascending, and the rows on each. */
async function perDay(db: Kysely<DB>, rows: Expression<{ key: string; day: number }>) {
  const { rows: series } = await sql<{ key: string; days: number[]; counts: number[] }>`
    select k.key, array_agg(k.day order by k.day) as days, array_agg(k.n order by k.day) as counts
    from (select d.key, d.day, count(*)::int as n from (${rows}) as d group by d.key, d.day) as k
    group by k.key order by k.key`.execute(db);
  return series;
}
