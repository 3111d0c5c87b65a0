import { createHash } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';
import { SESSIONS_BY_TOKEN_HASHES } from '../src/server/access/sessions/sessions.repository.ts';

/**
 * The floor of bench/cases.ts: a bare node:http server over a bare `pg` Pool of the server's size
 * (POOL_MAX) that answers GET /api/cases?status=… and GET /api/cases/:id with the statements TMA
 * issues for them, in the same order, one after another, each on whichever pooled connection is
 * free (as Kysely outside a transaction does). The texts are those PostgreSQL logged for TMA's own
 * requests (see the header of cases.ts for how); the session lookup is the same named prepared
 * statement, here one per request (TMA coalesces the lookups of requests that arrive together).
 * It checks what the answer depends on (a live session, a membership) and nothing more: rows go
 * out as JSON with the sealed bytes in base64, unopened.
 */
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_MAX ?? 10),
  // The server's connection settings (platform/db/database.ts, its defaults).
  statement_timeout: 15_000,
  idle_in_transaction_session_timeout: 60_000,
  application_name: 'tma-bench-floor',
});
pool.on('error', () => {});

const SESSIONS = SESSIONS_BY_TOKEN_HASHES;

const LIST =
  'select "c"."id", "c"."year", "c"."number", "c"."status", "c"."priority", "c"."title_sealed", "c"."created_at", "c"."updated_at", "m"."role", "m"."full_scope", "l"."user_id" as "lead_id", count(*) over () as "total" from "cases" as "c" left join "case_members" as "m" on "m"."case_id" = "c"."id" and "m"."user_id" = $1 and ("m"."expires_at" is null or "m"."expires_at" > $2) left join "case_members" as "l" on "l"."case_id" = "c"."id" and "l"."role" = $3 where "m"."user_id" is not null and not exists (select "pc"."user_id" from "person_conflicts" as "pc" where "pc"."status" = $4 and "pc"."case_id" = "c"."id" and "pc"."user_id" = $5) and "c"."status" = $6 order by "c"."updated_at" desc, "c"."id" limit $7 offset $8';

const REACH =
  'select "c"."id", "c"."merged_into", "m"."role", "m"."full_scope", "m"."sections", "m"."expires_at", (select max(b.expires_at) as "until" from "break_glass" as "b" where "b"."case_id" = "c"."id" and "b"."user_id" = $1 and "b"."ended_at" is null and "b"."expires_at" > $2) as "glass_until", exists (select "pc"."user_id" from "person_conflicts" as "pc" where "pc"."status" = $3 and "pc"."case_id" = "c"."id" and "pc"."user_id" = $4) as "recused" from "cases" as "c" left join "case_members" as "m" on "m"."case_id" = "c"."id" and "m"."user_id" = $5 and ("m"."expires_at" is null or "m"."expires_at" > $6) where "c"."id" = $7';

const CASE =
  'select "c".*, (select "l"."user_id" from "case_members" as "l" where "l"."case_id" = "c"."id" and "l"."role" = $1) as "lead_id" from "cases" as "c" where "c"."id" = $2';
const NAMES = (n: number) =>
  `select "id", "display_name", "display_name_sealed" from "users" where "id" in (${Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ')})`;
const AUDIT =
  'insert into "audit_events" ("at", "actor_user_id", "action", "object_type", "object_id", "case_id", "outcome", "ip", "user_agent", "purpose", "purpose_sealed", "detail") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)';

interface Session {
  user_id: string;
  role: string;
  status: string;
  ended_at: Date | null;
  expires_at: Date;
}

const TOKEN = /(?:^|;\s*)__Host-tma=([A-Za-z0-9_-]{43})(?:;|$)/;
const base64 = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('base64'));

async function actorOf(req: http.IncomingMessage): Promise<Session | undefined> {
  const token = req.headers.cookie?.match(TOKEN)?.[1];
  if (token === undefined) return undefined;
  const hash = createHash('sha256').update(token).digest('hex');
  const { rows } = await pool.query<Session>({
    name: 'tma_sessions_by_token_hashes_v3',
    text: SESSIONS,
    values: [[hash]],
  });
  const s = rows[0];
  const live = s !== undefined && s.status === 'active' && s.ended_at === null && s.expires_at.getTime() > Date.now();
  return live ? s : undefined;
}

async function names(ids: readonly string[]) {
  if (ids.length === 0) return [];
  const { rows } = await pool.query<{ id: string; display_name_sealed: Uint8Array | null }>(NAMES(ids.length), [
    ...ids,
  ]);
  return rows.map((r) => ({ id: r.id, name: base64(r.display_name_sealed) }));
}

function audit(req: http.IncomingMessage, at: Date, userId: string, action: string, detail: object, caseId?: string) {
  return pool.query(AUDIT, [
    at,
    userId,
    action,
    caseId === undefined ? null : 'case',
    caseId ?? null,
    caseId ?? null,
    'allowed',
    req.socket.remoteAddress ?? null,
    req.headers['user-agent']?.slice(0, 300) ?? null,
    null,
    null,
    JSON.stringify(detail),
  ]);
}

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
  const now = new Date();
  const reach = await pool.query<{ role: string | null; recused: boolean }>({
    name: 'floor_reach',
    text: REACH,
    values: [s.user_id, now, 'recused', s.user_id, s.user_id, now, id],
  });
  const r = reach.rows[0];
  if (r === undefined || r.recused || r.role === null) return undefined;
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

const server = http.createServer((req, res) => {
  answer(req).then(
    ([status, body]) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
    },
    (error: unknown) => {
      process.stderr.write(`floor: ${(error as Error).message}\n`);
      res.writeHead(500).end();
    },
  );
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
