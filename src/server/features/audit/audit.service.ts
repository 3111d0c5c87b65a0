import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  AUDIT_EXPORT_MAX_ROWS,
  type AuditEventView,
  type AuditFilter,
  type AuditPage,
  type AuditQuery,
  type AuditStatus,
  type AuditVerification,
} from '../../../contract/audit.ts';
import type { Actor } from '../../access/actor.ts';
import { chainRepository } from '../../audit/chain.repository.ts';
import { chainAll, writeCheckpoint } from '../../audit/chainer.ts';
import { CHECKPOINT_FILE, checkpointsRepository, readCheckpointFile } from '../../audit/checkpoints.ts';
import { AUDIT_ACTIONS, type AuditEvent } from '../../audit/events.ts';
import { recordAudit } from '../../audit/record.ts';
import { readCutFile } from '../../audit/retention.ts';
import { verifyTrail } from '../../audit/verify.ts';
import type { RequestOrigin } from '../session/context.ts';
import { settingsRepository } from '../settings/settings.repository.ts';
import type { AuditContext } from './audit.context.ts';
import { type AuditRow, auditRepository } from './audit.repository.ts';
import { csvLine } from './csv.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const LAST_VERIFICATION = 'audit.last_verification';

type AuditorAction = 'audit.viewed' | 'audit.exported' | 'audit.verified' | 'audit.checkpoint_requested';

/** An auditor's own use of the trail, as an event of the trail. */
function by<A extends AuditorAction>(
  actor: Actor,
  origin: RequestOrigin,
  action: A,
  detail: Extract<AuditEvent, { action: A }>['detail'],
): AuditEvent {
  const object = {
    type: 'audit' as const,
    id: action === 'audit.viewed' || action === 'audit.exported' ? 'events' : 'chain',
  };
  return {
    action,
    outcome: 'allowed',
    actorUserId: actor.userId,
    object,
    ip: origin.ip,
    userAgent: origin.userAgent,
    detail,
  } as AuditEvent;
}

/**
 * The row as the viewer sees it. Events of the anonymous channel carry neither their id nor their
 * position in the chain: both are counters, and next to precisely timed neighbours they would
 * date the report to the second (SECURITY.md item 29). They sort at midnight of their day.
 */
function present(row: AuditRow): AuditEventView {
  return {
    id: row.anonymous ? `anonymous-${randomUUID()}` : row.id,
    at: row.at.toISOString(),
    anonymous: row.anonymous,
    actor:
      row.actor_user_id === null
        ? null
        : { id: row.actor_user_id, displayName: row.actor_name ?? '', email: row.actor_email ?? '' },
    action: row.action,
    objectType: row.object_type,
    objectId: row.object_id,
    caseId: row.case_id,
    outcome: row.outcome,
    ip: row.ip,
    userAgent: row.user_agent,
    purpose: row.purpose,
    detail: row.detail,
    seq: row.anonymous ? null : row.seq,
  };
}

function filterOf(q: AuditFilter): AuditFilter {
  const { actor, action, objectType, objectId, caseId, outcome, from, to } = q;
  return Object.fromEntries(
    Object.entries({ actor, action, objectType, objectId, caseId, outcome, from, to }).filter(
      ([, v]) => v !== undefined,
    ),
  ) as AuditFilter;
}

/** A page of the trail. Looking at the trail is itself recorded. */
export async function listEvents(
  ctx: AuditContext,
  actor: Actor,
  query: AuditQuery,
  origin: RequestOrigin,
): Promise<AuditPage> {
  const filter = filterOf(query);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const rows = await auditRepository.page(ctx.database.db, ctx.keys, filter, after, query.limit + 1);
  const more = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  if (after === undefined)
    await recordAudit(ctx.database.db, ctx.clock.now(), by(actor, origin, 'audit.viewed', filter));
  const last = page.at(-1);
  return { events: page.map(present), next: more && last !== undefined ? encodeCursor(last) : null };
}

const CSV_HEADER = [
  'id',
  'seq',
  'at',
  'anonymous',
  'actor_id',
  'actor_name',
  'actor_email',
  'action',
  'object_type',
  'object_id',
  'case_id',
  'outcome',
  'ip',
  'user_agent',
  'purpose',
  'detail',
];

/**
 * The filtered trail as CSV, newest first, at most AUDIT_EXPORT_MAX_ROWS rows, streamed page by
 * page. The export is recorded (with its filter and row count) before the first byte leaves.
 */
export async function exportCsv(
  ctx: AuditContext,
  actor: Actor,
  query: AuditFilter,
  origin: RequestOrigin,
): Promise<{ rows: number; stream: Readable }> {
  const filter = filterOf(query);
  const rows = await auditRepository.count(ctx.database.db, filter, AUDIT_EXPORT_MAX_ROWS);
  await recordAudit(ctx.database.db, ctx.clock.now(), by(actor, origin, 'audit.exported', { ...filter, rows }));
  const db = ctx.database.db;
  async function* lines(): AsyncGenerator<string> {
    yield csvLine(CSV_HEADER);
    let after: ReturnType<typeof decodeCursor> | undefined;
    let left = rows;
    while (left > 0) {
      const page = await auditRepository.page(db, ctx.keys, filter, after, Math.min(2000, left));
      if (page.length === 0) return;
      let chunk = '';
      for (const r of page) {
        chunk += csvLine([
          r.anonymous ? '' : r.id,
          r.anonymous ? '' : r.seq,
          r.at.toISOString(),
          String(r.anonymous),
          r.actor_user_id,
          r.actor_name,
          r.actor_email,
          r.action,
          r.object_type,
          r.object_id,
          r.case_id,
          r.outcome,
          r.ip,
          r.user_agent,
          r.purpose,
          JSON.stringify(r.detail),
        ]);
      }
      yield chunk;
      left -= page.length;
      const last = page.at(-1);
      if (last === undefined) return;
      after = { at: last.at, id: last.id };
    }
  }
  return { rows, stream: Readable.from(lines()) };
}

/** Recomputes the chain against the database's checkpoints and the checkpoint file; recorded. */
export async function verify(ctx: AuditContext, actor: Actor, origin: RequestOrigin): Promise<AuditVerification> {
  // Chain what has committed, so the result speaks of the trail up to this request.
  await chainAll(ctx.database);
  const file = readCheckpointFile(path.join(ctx.auditDir, CHECKPOINT_FILE));
  const cuts = readCutFile(ctx.auditDir);
  const result = await verifyTrail(ctx.database.db, {
    publicKey: ctx.signer.publicKey,
    externalCheckpoints: file.checkpoints,
    unreadableLines: file.badLines,
    externalCuts: cuts.cuts,
    unreadableCutLines: cuts.badLines,
    now: ctx.clock.now(),
  });
  await ctx.database.transaction(async (tx) => {
    await settingsRepository.put(tx, LAST_VERIFICATION, result);
    await recordAudit(
      tx,
      ctx.clock.now(),
      by(actor, origin, 'audit.verified', { ok: result.ok, problems: result.problemCount }),
    );
  });
  return result;
}

export async function status(ctx: AuditContext): Promise<AuditStatus> {
  const db = ctx.database.db;
  const head = await chainRepository.head(db);
  const latest =
    head === undefined ? undefined : await checkpointsRepository.latestValid(db, ctx.signer.publicKey, head.seq);
  const unchained = await chainRepository.tail(db);
  const last = await settingsRepository.get(db, LAST_VERIFICATION);
  return {
    chain: { lastSeq: head?.seq ?? null, headHash: head?.hash ?? null },
    latestCheckpoint: latest ? { seq: latest.seq, hash: latest.hash, at: latest.at, keyId: latest.keyId } : null,
    unchained: { count: unchained.count, oldestAt: unchained.oldest?.toISOString() ?? null },
    lastVerification: (last?.value as AuditVerification | undefined) ?? null,
    actions: [...AUDIT_ACTIONS].sort(),
  };
}

/** A checkpoint now (the chainer also writes one every TMA_AUDIT_CHECKPOINT_MINUTES). */
export async function checkpointNow(ctx: AuditContext, actor: Actor, origin: RequestOrigin) {
  await recordAudit(ctx.database.db, ctx.clock.now(), by(actor, origin, 'audit.checkpoint_requested', {}));
  await chainAll(ctx.database);
  const c = await writeCheckpoint(ctx.database, ctx.signer, ctx.auditDir, ctx.log, ctx.clock.now());
  return c ? { seq: c.seq, hash: c.hash, at: c.at, keyId: c.keyId } : null;
}
