import { randomUUID } from 'node:crypto';
import type { AccessLog, StartBreakGlass } from '../../contract/cases.ts';
import type { Actor } from '../access/actor.ts';
import { openPurpose, sealPurpose } from '../audit/purpose.ts';
import { recordAudit } from '../audit/record.ts';
import { notify } from '../notifications/notifications.service.ts';
import { sealField } from '../platform/crypto/sealed-field.ts';
import { NotFoundError } from '../platform/http/errors.ts';
import { casesRepository, userRefs } from './cases.repository.ts';
import { aboutCase, type CasesContext, need, type Origin, refused } from './context.ts';
import { reasonPlace } from './texts.ts';

/**
 * Break-glass (docs/cases.md): a team lead opens a case they are not a member of, for a stated
 * purpose and a limited time (at most 8 hours). The purpose is sealed with the case's key, on the
 * row and on the audit event; the case's lead sees it in the access log.
 */
export async function startBreakGlass(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  input: Required<StartBreakGlass>,
  origin: Origin,
): Promise<{ id: string; startedAt: string; expiresAt: string }> {
  await need(ctx, actor, caseId, { kind: 'break_glass' }, origin);
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + input.minutes * 60_000);
  const id = randomUUID();
  await ctx.database.transaction(async (tx) => {
    const ring = ctx.keys.using(tx);
    const key = await ring.keyFor('case', caseId);
    await tx
      .insertInto('break_glass')
      .values({
        id,
        case_id: caseId,
        user_id: actor.userId,
        purpose_sealed: sealField(key, input.purpose, reasonPlace('break_glass', id)),
        started_at: now,
        expires_at: expiresAt,
        ended_at: null,
      })
      .execute();
    const purpose = await sealPurpose(
      ring,
      { caseId, actorUserId: actor.userId, at: now, action: 'case.break_glass_started' },
      input.purpose,
    );
    await recordAudit(tx, now, {
      action: 'case.break_glass_started',
      ...aboutCase(actor, origin, caseId),
      purpose,
      detail: { minutes: input.minutes },
    });
    // The case's lead learns of it at once (the bell; the purpose is in the access log).
    const lead = await casesRepository.leadOf(tx, caseId);
    if (lead !== null && lead !== actor.userId)
      await notify(tx, {
        user_id: lead,
        kind: 'break_glass',
        case_id: caseId,
        actor_user_id: actor.userId,
        created_at: now,
        until_at: expiresAt,
      });
  });
  return { id, startedAt: now.toISOString(), expiresAt: expiresAt.toISOString() };
}

/** Ends the actor's open break-glass on the case before its time. */
export async function endBreakGlass(ctx: CasesContext, actor: Actor, caseId: string, origin: Origin): Promise<void> {
  const now = ctx.clock.now();
  const ended = await ctx.database.transaction(async (tx) => {
    const rows = await tx
      .updateTable('break_glass')
      .set({ ended_at: now })
      .where('case_id', '=', caseId)
      .where('user_id', '=', actor.userId)
      .where('ended_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('id')
      .execute();
    if (rows.length > 0)
      await recordAudit(tx, now, { action: 'case.break_glass_ended', ...aboutCase(actor, origin, caseId) });
    return rows.length;
  });
  if (ended === 0) {
    await refused(ctx, actor, caseId, 'write', origin);
    throw new NotFoundError();
  }
}

const partOf = (action: string, detail: unknown): string | null => {
  if (action === 'case.viewed') return (detail as { part?: string }).part ?? null;
  if (action.startsWith('document.')) return 'documents';
  if (action === 'person.revealed' || action === 'person.identity_changed') return 'identities';
  if (action.startsWith('person.')) return 'persons';
  return null;
};

/**
 * Who did what in the case, newest first: its reads (with the part read), changes, grants,
 * refusals and break-glasses with their purpose. For the lead and team leads; reading it is an
 * event of its own.
 */
export async function accessLog(
  ctx: CasesContext,
  actor: Actor,
  caseId: string,
  page: { cursor?: string | undefined; limit: number },
  origin: Origin,
): Promise<AccessLog> {
  const reach = await need(ctx, actor, caseId, { kind: 'manage' }, origin);
  const db = ctx.database.db;
  let query = db
    .selectFrom('audit_events')
    .select(['id', 'at', 'actor_user_id', 'action', 'outcome', 'detail', 'purpose_sealed'])
    .where('case_id', '=', caseId)
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  if (page.cursor !== undefined) query = query.where('id', '<', page.cursor);
  const rows = await query.execute();
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  const refs = await userRefs(
    db,
    ctx.keys,
    shown.map((r) => r.actor_user_id),
  );
  const entries = await Promise.all(
    shown.map(async (r) => ({
      id: String(r.id),
      at: r.at.toISOString(),
      actor:
        r.actor_user_id === null ? null : (refs.get(r.actor_user_id) ?? { id: r.actor_user_id, displayName: null }),
      action: r.action,
      outcome: r.outcome as 'allowed' | 'denied' | 'failed',
      part: partOf(r.action, r.detail),
      purpose: await openPurpose(
        ctx.keys,
        { caseId, actorUserId: r.actor_user_id, at: r.at, action: r.action },
        r.purpose_sealed,
      ),
    })),
  );
  await recordAudit(db, ctx.clock.now(), {
    action: 'case.viewed',
    ...aboutCase(actor, origin, caseId),
    detail: { part: 'access_log', via: reach.kind },
  });
  const last = shown.at(-1);
  return { entries, nextCursor: more && last !== undefined ? String(last.id) : null };
}
