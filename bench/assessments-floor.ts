import type http from 'node:http';
import { REVIEW_OF_CASE } from '../src/server/assessments/review.ts';
import { actorOf, audit, base64, names, pool, reachOf, type Session, serve } from './floor.ts';

/**
 * The floor of bench/assessments.ts: a bare node:http server over a bare `pg` Pool of the server's
 * size (POOL_MAX, bench/floor.ts) that answers GET /api/cases/:id/assessments (the case's
 * assessments and what its risk curve draws) with the statements TMA issues for it, in the same
 * way. The texts are those PostgreSQL logged for TMA's own request (log_min_duration_statement
 * = 0 during the assessments integration test). The session lookup, the reach, the list, the
 * incidents, the review, the raters' names and the audit event are named prepared statements, as
 * in the server; the list, the incidents and the review are read at once, as the server does. It
 * checks what the answer depends on (a live session, a full-scope membership: the bench user's)
 * and nothing more; the sealed judgments go out in base64, unopened. The model versions the
 * assessments are pinned to are kept in the server's process (assessments/models.ts): no statement
 * of theirs here either.
 */
const TIME_ZONE = process.env.TIME_ZONE ?? 'Europe/Berlin';
const ISO = (column: string) => `to_char("${column}" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const LIST = `select "id", "model_key", "model_version", "kind", "status", "rater_id", "version", "judgments_sealed", "priority", "review_due", "from_id", "basis", ${ISO('started_at')} as "started", ${ISO('finalised_at')} as "finalised" from "assessments" where "case_id" = $1 and ("status" = $2 or "rater_id" = $3) order by "started_at", "id"`;
const INCIDENTS = `select "id", ${ISO('occurred_at')} as "occurred", "tags" from "timeline_entries" where "case_id" = $1 and "kind" = $2 order by "occurred_at"`;
interface Row {
  id: string;
  rater_id: string;
  judgments_sealed: Uint8Array | null;
}

async function assessments(req: http.IncomingMessage, s: Session, caseId: string) {
  const reach = await reachOf(s, caseId);
  if (reach === undefined || reach.full_scope !== true) return undefined;
  // As TMA reads them: at once, each as a named prepared statement.
  const [list, incidents, review] = await Promise.all([
    pool.query<Row>({ name: 'floor_assessments', text: LIST, values: [caseId, 'final', s.user_id] }),
    pool.query({ name: 'floor_incidents', text: INCIDENTS, values: [caseId, 'incident'] }),
    pool.query({ name: 'floor_review', text: REVIEW_OF_CASE, values: [caseId] }),
  ]);
  const raters = await names([...new Set(list.rows.map((r) => r.rater_id))], true);
  await audit(req, new Date(), s.user_id, 'case.viewed', { part: 'assessments', via: 'member' }, caseId);
  return {
    assessments: list.rows.map((r) => ({ ...r, judgments_sealed: base64(r.judgments_sealed) })),
    raters,
    incidents: incidents.rows,
    review: review.rows[0] ?? null,
    timeZone: TIME_ZONE,
  };
}

const PATH = /^\/api\/cases\/([0-9a-f-]{36})\/assessments$/;

async function answer(req: http.IncomingMessage): Promise<[number, unknown]> {
  const u = new URL(req.url ?? '/', 'http://floor');
  if (u.pathname === '/livez') return [200, { status: 'ok' }];
  const s = await actorOf(req);
  if (s === undefined) return [401, { error: 'unauthenticated' }];
  const id = u.pathname.match(PATH)?.[1];
  const body = id === undefined ? undefined : await assessments(req, s, id);
  return body === undefined ? [404, { error: 'not_found' }] : [200, body];
}

serve(answer);
