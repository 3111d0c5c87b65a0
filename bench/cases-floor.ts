import type http from 'node:http';
import { actorOf, audit, base64, names, pool, reachOf, type Session, serve } from './floor.ts';

/**
 * The floor of bench/cases.ts: a bare node:http server over a bare `pg` Pool of the server's size
 * (POOL_MAX) that answers GET /api/cases?status=… and GET /api/cases/:id with the statements TMA
 * issues for them, in the same order, one after another, each on whichever pooled connection is
 * free (as Kysely outside a transaction does). The texts are those PostgreSQL logged for TMA's own
 * requests (see the header of cases.ts for how); the session lookup is the same named prepared
 * statement, here one per request (TMA coalesces the lookups of requests that arrive together).
 * It checks what the answer depends on (a live session, a membership) and nothing more: rows go
 * out as JSON with the sealed bytes in base64, unopened. What it shares with the timeline's floor
 * (the pool, the session, the reach, the names, the audit event) is in bench/floor.ts.
 */

const LIST =
  'select "c"."id", "c"."year", "c"."number", "c"."status", "c"."priority", "c"."created_at", "c"."updated_at", "c"."title_sealed", "m"."role", "m"."full_scope", "l"."user_id" as "lead_id", count(*) over () as "total" from "cases" as "c" left join "case_members" as "m" on "m"."case_id" = "c"."id" and "m"."user_id" = $1 and ("m"."expires_at" is null or "m"."expires_at" > $2) left join "case_members" as "l" on "l"."case_id" = "c"."id" and "l"."role" = $3 where "m"."user_id" is not null and not exists (select "pc"."user_id" from "person_conflicts" as "pc" where "pc"."status" = $4 and "pc"."case_id" = "c"."id" and "pc"."user_id" = $5) and "c"."status" = $6 order by "c"."updated_at" desc, "c"."id" limit $7 offset $8';

const CASE =
  'select "c".*, (select "l"."user_id" from "case_members" as "l" where "l"."case_id" = "c"."id" and "l"."role" = $1) as "lead_id" from "cases" as "c" where "c"."id" = $2';

async function list(req: http.IncomingMessage, s: Session, status: string) {
  const now = new Date();
  // Named, as the server prepares the list and the reach (platform/db/prepared.ts).
  const { rows } = await pool.query<{ lead_id: string | null; title_sealed: Uint8Array; total: string }>({
    name: 'floor_list',
    text: LIST,
    values: [s.user_id, now, 'lead', 'recused', s.user_id, status, 50, 0],
  });
  const leads = await names([...new Set(rows.flatMap((r) => (r.lead_id === null ? [] : [r.lead_id])))]);
  await audit(req, now, s.user_id, 'case.listed', { cases: rows.length, search: false });
  return {
    cases: rows.map(({ title_sealed, total: _, ...r }) => ({ ...r, title: base64(title_sealed) })),
    leads,
    total: rows[0] === undefined ? 0 : Number(rows[0].total),
  };
}

async function page(req: http.IncomingMessage, s: Session, id: string) {
  if ((await reachOf(s, id)) === undefined) return undefined;
  const { rows } = await pool.query<Record<string, unknown>>(CASE, ['lead', id]);
  const row = rows[0];
  if (row === undefined) return undefined;
  const lead = row.lead_id as string | null;
  const leads = await names(lead === null ? [] : [lead]);
  await audit(req, new Date(), s.user_id, 'case.viewed', { part: 'case', via: 'member' }, id);
  const sealed = ['title_sealed', 'summary_sealed', 'tags_sealed'] as const;
  return {
    ...row,
    ...Object.fromEntries(sealed.map((k) => [k, base64(row[k] as Uint8Array)])),
    lead: leads[0] ?? null,
  };
}

const CASE_PATH = /^\/api\/cases\/([0-9a-f-]{36})$/;

async function answer(req: http.IncomingMessage): Promise<[number, unknown]> {
  const u = new URL(req.url ?? '/', 'http://floor');
  if (u.pathname === '/livez') return [200, { status: 'ok' }];
  const s = await actorOf(req);
  if (s === undefined) return [401, { error: 'unauthenticated' }];
  if (u.pathname === '/api/cases') return [200, await list(req, s, u.searchParams.get('status') ?? 'intake')];
  const id = u.pathname.match(CASE_PATH)?.[1];
  const body = id === undefined ? undefined : await page(req, s, id);
  return body === undefined ? [404, { error: 'not_found' }] : [200, body];
}

serve(answer);
