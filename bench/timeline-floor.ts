import type http from 'node:http';
import { TIMELINE_PAGE, WRITTEN_KINDS } from '../src/contract/timeline.ts';
import { actorOf, audit, base64, names, params, pool, reachOf, type Session, serve } from './floor.ts';

/**
 * The floor of bench/timeline.ts: a bare node:http server over a bare `pg` Pool of the server's
 * size (POOL_MAX, bench/floor.ts) that answers GET /api/cases/:id/timeline (the first page, with
 * the chart) with the statements TMA issues for it, in the same order, one after another. The
 * texts are those PostgreSQL logged for TMA's own request (see the header of timeline.ts for how);
 * the session lookup, the reach and the audit event are named prepared statements as in the
 * server, the rest unnamed as Kysely sends them. It checks what the answer depends on (a live session, a full-scope
 * membership: the bench user's) and nothing more; rows go out as JSON with the sealed bytes in
 * base64, unopened. The kinds are those the reach sees (timeline/context.ts visibleKinds): the
 * break-glass and the downloads only for a lead or a team lead. Restricted documents are not
 * seeded, so the page and the chart never carry the clause that leaves them out; a case with one
 * is answered 500.
 */
const TIME_ZONE = process.env.TIME_ZONE ?? 'Europe/Berlin';

const HIDDEN =
  'select "d"."id" from "documents" as "d" where "d"."owner_type" = $1 and "d"."owner_id" = $2 and "d"."restricted" = $3 and not exists (select "r"."user_id" from "document_readers" as "r" where "r"."document_id" = "d"."id" and "r"."user_id" = $4)';
/** Reports whose persons name the reader stay out of the timeline, as out of the case's reports. */
const CONFLICT = (n: number) =>
  `not (e.kind = 'report' and exists (select 1 from report_conflicts x where x.report_id = e.subject_id and x.user_id = $${n}))`;
/** Prepared, as TMA prepares it (timeline/list.service.ts pageOf), the kinds an array parameter. */
const PAGE = `select "e"."id", "e"."kind", "e"."occurred_at", "e"."precision", "e"."tags", "e"."person_ids", "e"."document_ids", "e"."author_id", "e"."subject_id", "e"."detail", "e"."version", "e"."written", "v"."content_sealed", "v"."edited_by", "v"."edited_at" from "timeline_entries" as "e" left join "timeline_entry_versions" as "v" on "v"."entry_id" = "e"."id" and "v"."version" = "e"."version" where "e"."case_id" = $1 and e.kind = any($2::text[]) and ${CONFLICT(3)} order by "e"."occurred_at" desc, "e"."id" desc limit $4`;
/** timeline/list.service.ts perDay: per key (a kind, a warning behaviour), its days and the rows on each. */
const PER_DAY = (rows: string) =>
  ` select k.key, array_agg(k.day order by k.day) as days, array_agg(k.n order by k.day) as counts from (select d.key, d.day, count(*)::int as n from ((${rows})) as d group by d.key, d.day) as k group by k.key order by k.key`;
const KINDS = PER_DAY(
  `select (e.occurred_at at time zone $1)::date - date '1970-01-01' as "day", "e"."kind" as "key" from "timeline_entries" as "e" where "e"."case_id" = $2 and e.kind = any($3::text[]) and ${CONFLICT(4)}`,
);
const TAGS = PER_DAY(
  `select (e.occurred_at at time zone $1)::date - date '1970-01-01' as "day", unnest(e.tags) as "key" from "timeline_entries" as "e" where "e"."case_id" = $2 and e.kind = any($3::text[]) and ${CONFLICT(4)} and cardinality(e.tags) > 0`,
);
/** timeline/chart-cache.ts chartStateOf: the revision of the case's timeline and the reader's conflicts. */
const CHART_STATE =
  'select (select r.revision from timeline_revisions r where r.case_id = $1)::text as revision, array(select x.report_id::text from report_conflicts x where x.user_id = $2 order by 1) as conflicts';
const PERSONS = (n: number) =>
  `select "id", "ordinal" from "case_persons" where "case_id" = $1 and "id" in (${params(n, 2)})`;
const DOCUMENTS = (n: number) =>
  `select "d"."id", "d"."current_version", "d"."deleted_at", "v"."id" as "version_id", "v"."name_sealed" from "documents" as "d" inner join "document_versions" as "v" on "v"."document_id" = "d"."id" and "v"."version" = "d"."current_version" where "d"."owner_type" = $1 and "d"."owner_id" = $2 and "d"."id" in (${params(n, 3)})`;
const REPORTS = (n: number) => `select "id", "reference", "received_on" from "reports" where "id" in (${params(n)})`;

interface Row {
  id: string;
  kind: string;
  occurred_at: Date;
  person_ids: string[];
  document_ids: string[];
  author_id: string | null;
  subject_id: string | null;
  edited_by: string | null;
  content_sealed: Uint8Array | null;
}

/** A named user of an entry: its author, its editor, the member a grant, revocation or hand-over names. */
const roster = new Set(['grant', 'revoke', 'lead']);

/**
 * The chart, counted again only when the case's timeline has another revision or the reader other
 * conflicts, as TMA keeps it (timeline/chart-cache.ts); here in a plain Map, the bench's few cases.
 */
const charts = new Map<string, unknown>();
async function chartOf(caseId: string, userId: string, kinds: readonly string[]) {
  const state = await pool.query<{ revision: string | null; conflicts: string[] }>(CHART_STATE, [caseId, userId]);
  const { revision, conflicts } = state.rows[0] ?? { revision: null, conflicts: [] };
  const key = JSON.stringify([caseId, revision, conflicts, kinds]);
  const kept = charts.get(key);
  if (kept !== undefined && revision !== null) return kept;
  const chartKinds = await pool.query(KINDS, [TIME_ZONE, caseId, kinds, userId]);
  const tags = await pool.query(TAGS, [TIME_ZONE, caseId, kinds, userId]);
  const chart = {
    kinds: chartKinds.rows.map((r) => ({ kind: r.key, days: r.days, counts: r.counts })),
    tags: tags.rows.map((r) => ({ tag: r.key, days: r.days, counts: r.counts })),
  };
  charts.set(key, chart);
  return chart;
}

async function timeline(req: http.IncomingMessage, s: Session, caseId: string) {
  const reach = await reachOf(s, caseId);
  if (reach === undefined || reach.full_scope !== true) return undefined;
  // A full scope reads every section and the roster; the break-glass and the downloads only who
  // manages the case.
  const manages = reach.role === 'lead' || s.role === 'team_lead';
  const kinds = [
    ...WRITTEN_KINDS,
    'opened',
    'status',
    'priority',
    'report',
    'grant',
    'revoke',
    'lead',
    ...(manages ? ['break_glass'] : []),
    'document_uploaded',
    'document_deleted',
    ...(manages ? ['document_downloaded'] : []),
  ];
  const hidden = await pool.query<{ id: string }>(HIDDEN, ['case', caseId, true, s.user_id]);
  if (hidden.rows.length > 0) throw new Error('a restricted document: not in the floor');
  const page = await pool.query<Row>({
    name: 'floor_timeline_page',
    text: PAGE,
    values: [caseId, kinds, s.user_id, TIMELINE_PAGE + 1],
  });
  const chart = await chartOf(caseId, s.user_id, kinds);
  const more = page.rows.length > TIMELINE_PAGE;
  const rows = page.rows.slice(0, TIMELINE_PAGE);
  const personIds = [...new Set(rows.flatMap((r) => r.person_ids))];
  const persons =
    personIds.length === 0 ? [] : (await pool.query(PERSONS(personIds.length), [caseId, ...personIds])).rows;
  const documentIds = new Set<string>();
  for (const r of rows) {
    for (const id of r.document_ids) documentIds.add(id);
    if (r.kind.startsWith('document_') && r.subject_id !== null) documentIds.add(r.subject_id);
  }
  const documents =
    documentIds.size === 0
      ? []
      : (await pool.query<{ name_sealed: Uint8Array }>(DOCUMENTS(documentIds.size), ['case', caseId, ...documentIds]))
          .rows;
  const reportIds = rows.filter((r) => r.kind === 'report' && r.subject_id !== null).map((r) => r.subject_id);
  const reports = reportIds.length === 0 ? [] : (await pool.query(REPORTS(reportIds.length), reportIds)).rows;
  const users = await names([
    ...new Set(
      rows
        .flatMap((r) => [r.author_id, r.edited_by, roster.has(r.kind) ? r.subject_id : null])
        .filter((id): id is string => id !== null),
    ),
  ]);
  await audit(req, new Date(), s.user_id, 'case.viewed', { part: 'timeline', via: 'member' }, caseId);
  const last = rows.at(-1);
  return {
    entries: rows.map((r) => ({ ...r, content_sealed: base64(r.content_sealed) })),
    next:
      more && last !== undefined
        ? Buffer.from(`${last.occurred_at.toISOString()}|${last.id}`).toString('base64url')
        : null,
    chart,
    persons,
    documents: documents.map((d) => ({ ...d, name_sealed: base64(d.name_sealed) })),
    reports,
    users,
  };
}

const TIMELINE_PATH = /^\/api\/cases\/([0-9a-f-]{36})\/timeline$/;

async function answer(req: http.IncomingMessage): Promise<[number, unknown]> {
  const u = new URL(req.url ?? '/', 'http://floor');
  if (u.pathname === '/livez') return [200, { status: 'ok' }];
  const s = await actorOf(req);
  if (s === undefined) return [401, { error: 'unauthenticated' }];
  const id = u.pathname.match(TIMELINE_PATH)?.[1];
  const body = id === undefined ? undefined : await timeline(req, s, id);
  return body === undefined ? [404, { error: 'not_found' }] : [200, body];
}

serve(answer);
