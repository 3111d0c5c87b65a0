import { createHash } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';
import { SESSIONS_BY_TOKEN_HASHES } from '../src/server/access/sessions/sessions.repository.ts';
import { INSERT_EVENT, INSERT_EVENT_NAME } from '../src/server/audit/record.ts';

/**
 * What the floors of the case benches share (bench/cases-floor.ts, bench/timeline-floor.ts): a bare
 * `pg` Pool of the server's size (POOL_MAX), the statements every case request issues in TMA (the
 * session lookup, the reach, the users' names, the audit event) and a bare node:http server. Each
 * statement runs on whichever pooled connection is free, as Kysely outside a transaction does.
 */
export const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_MAX ?? 10),
  // The server's connection settings (platform/db/database.ts, its defaults). The idle timeout
  // too: pg's default (10 s) closes the pool between a round's loads, and every new backend plans
  // its first statements with cold caches, which the server's pool (30 s) does not pay.
  statement_timeout: 15_000,
  idle_in_transaction_session_timeout: 60_000,
  connectionTimeoutMillis: 5_000,
  idleTimeoutMillis: 30_000,
  application_name: 'tma-bench-floor',
});
pool.on('error', () => {});

export const REACH =
  'select "c"."id", "c"."merged_into", "m"."role", "m"."full_scope", "m"."sections", "m"."expires_at", (select max(b.expires_at) as "until" from "break_glass" as "b" where "b"."case_id" = "c"."id" and "b"."user_id" = $1 and "b"."ended_at" is null and "b"."expires_at" > $2) as "glass_until", exists (select "pc"."user_id" from "person_conflicts" as "pc" where "pc"."status" = $3 and "pc"."case_id" = "c"."id" and "pc"."user_id" = $4) as "recused" from "cases" as "c" left join "case_members" as "m" on "m"."case_id" = "c"."id" and "m"."user_id" = $5 and ("m"."expires_at" is null or "m"."expires_at" > $6) where "c"."id" = $7';

/** A list of n parameters from $from on: `$1, $2, $3`. */
export const params = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `$${i + from}`).join(', ');

const NAMES = 'select "id", "display_name", "display_name_sealed" from "users" where id = any($1::uuid[])';

export interface Session {
  user_id: string;
  role: string;
  status: string;
  ended_at: Date | null;
  expires_at: Date;
}

const TOKEN = /(?:^|;\s*)__Host-tma=([A-Za-z0-9_-]{43})(?:;|$)/;
export const base64 = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('base64'));

/** The session lookup: the same named prepared statement, here one per request (TMA coalesces the lookups of requests that arrive together). */
export async function actorOf(req: http.IncomingMessage): Promise<Session | undefined> {
  const token = req.headers.cookie?.match(TOKEN)?.[1];
  if (token === undefined) return undefined;
  const hash = createHash('sha256').update(token).digest('hex');
  const { rows } = await pool.query<Session>({
    name: 'tma_sessions_by_token_hashes_v3',
    text: SESSIONS_BY_TOKEN_HASHES,
    values: [[hash]],
  });
  const s = rows[0];
  const live = s !== undefined && s.status === 'active' && s.ended_at === null && s.expires_at.getTime() > Date.now();
  return live ? s : undefined;
}

export interface ReachRow {
  role: string | null;
  full_scope: boolean | null;
  recused: boolean;
}

/** The reach, named as the server prepares it (platform/db/prepared.ts): undefined without a membership. */
export async function reachOf(s: Session, caseId: string): Promise<ReachRow | undefined> {
  const now = new Date();
  const reach = await pool.query<ReachRow>({
    name: 'floor_reach',
    text: REACH,
    values: [s.user_id, now, 'recused', s.user_id, s.user_id, now, caseId],
  });
  const r = reach.rows[0];
  return r === undefined || r.recused || r.role === null ? undefined : r;
}

/** The users' names (cases.repository.ts userRefs), sealed as stored. */
/** The users' names as TMA reads them (cases.repository.ts userRefs): `prepared` where TMA prepares them too. */
export async function names(ids: readonly string[], prepared = false) {
  if (ids.length === 0) return [];
  const { rows } = await pool.query<{ id: string; display_name_sealed: Uint8Array | null }>({
    text: NAMES,
    values: [[...ids]],
    ...(prepared ? { name: 'floor_user_refs' } : {}),
  });
  return rows.map((r) => ({ id: r.id, name: base64(r.display_name_sealed) }));
}

export function audit(
  req: http.IncomingMessage,
  at: Date,
  userId: string,
  action: string,
  detail: object,
  caseId?: string,
) {
  // Named, as TMA sends it outside a transaction (audit/record.ts).
  return pool.query({
    name: INSERT_EVENT_NAME,
    text: INSERT_EVENT,
    values: [
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
    ],
  });
}

/**
 * The bare server: /livez, and every other answer from `answer` as JSON. On SIGTERM it ends once
 * the answers under way are done (a load's last requests may still be queued for the pool).
 */
export function serve(answer: (req: http.IncomingMessage) => Promise<[number, unknown]>): void {
  let busy = 0;
  let ending = false;
  const end = () => {
    if (!ending || busy > 0) return;
    ending = false;
    void pool.end().then(() => process.exit(0));
  };
  const server = http.createServer((req, res) => {
    busy++;
    answer(req)
      .finally(() => {
        busy--;
        end();
      })
      .then(
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
  process.on('SIGTERM', () => {
    ending = true;
    server.close();
    server.closeAllConnections();
    end();
  });
}
