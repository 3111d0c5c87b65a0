import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  type CaseDetail,
  type CaseList,
  type CaseListFilter,
  type CreateCase,
  caseReference,
} from '../../contract/cases.ts';
import type { Actor } from '../access/actor.ts';
import { recordAudit } from '../audit/record.ts';
import type { DB } from '../platform/db/schema.ts';
import { type CaseRow, casesRepository, stale, userRefs } from './cases.repository.ts';
import { aboutCase, type CasesContext, need, type Origin } from './context.ts';
import { accessOf, meets, type Reach, reachOf } from './reach.ts';
import { readableCases } from './readable.ts';
import { indexedTexts, openTexts, openTitle, sealTexts } from './texts.ts';

/** The case record (docs/cases.md): create, list and read; its edits are in edits.service.ts. */

export async function present(
  ctx: CasesContext,
  row: CaseRow & { readonly lead_id?: string | null },
  reach: Reach,
  actor: Actor,
): Promise<CaseDetail> {
  const db = ctx.database.db;
  const leadId = row.lead_id !== undefined ? row.lead_id : await casesRepository.leadOf(db, row.id);
  const refs = await userRefs(db, ctx.keys, [leadId]);
  return {
    id: row.id,
    reference: caseReference(row.year, row.number),
    status: row.status,
    priority: row.priority,
    closureReason: row.closure_reason,
    lead: leadId === null ? null : (refs.get(leadId) ?? null),
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    closedAt: row.closed_at?.toISOString() ?? null,
    access: accessOf(reach),
    overview: meets(reach, { kind: 'overview' })
      ? await openTexts(ctx.keys, row.id, row).then((t) => ({ ...t, tags: [...t.tags] }))
      : null,
    mergedInto: await mergedInto(ctx, row, actor),
  };
}

/** Where a merged case went, named only to someone who reaches that case as well. */
async function mergedInto(ctx: CasesContext, row: CaseRow, actor: Actor): Promise<CaseDetail['mergedInto']> {
  if (row.merged_into === null) return null;
  const db = ctx.database.db;
  if ((await reachOf(db, actor, row.merged_into, ctx.clock.now())) === undefined) return null;
  const target = await casesRepository.find(db, row.merged_into);
  return target === undefined ? null : { id: target.id, reference: caseReference(target.year, target.number) };
}

/**
 * A new case under a key of its own, in the caller's transaction; its creator leads it (a case
 * opened from a report is made here too, in the report's transaction).
 */
export async function insertCase(
  ctx: CasesContext,
  tx: Kysely<DB>,
  actor: Actor,
  id: string,
  input: Required<CreateCase>,
  origin: Origin,
): Promise<CaseRow> {
  const now = ctx.clock.now();
  const key = await ctx.keys.createKey('case', id, tx);
  const year = now.getUTCFullYear();
  const number = await casesRepository.nextNumber(tx, year);
  const texts = { title: input.title, summary: input.summary, tags: input.tags };
  const created = await tx
    .insertInto('cases')
    .values({
      id,
      year,
      number,
      status: 'intake',
      priority: null,
      ...(sealTexts(key, id, texts) as Required<ReturnType<typeof sealTexts>>),
      closure_reason: null,
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
      closed_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('case_members')
    .values({
      case_id: id,
      user_id: actor.userId,
      role: 'lead',
      full_scope: true,
      sections: [],
      expires_at: null,
      granted_by: actor.userId,
      granted_at: now,
    })
    .execute();
  await tx
    .insertInto('case_status_changes')
    .values({
      id: randomUUID(),
      case_id: id,
      from_status: null,
      to_status: 'intake',
      reason_sealed: null,
      changed_by: actor.userId,
      changed_at: now,
    })
    .execute();
  await ctx.search.indexMany(tx, indexedTexts(id, texts));
  await recordAudit(tx, now, { action: 'case.created', ...aboutCase(actor, origin, id) });
  return created;
}

/** A new case under a key of its own; its creator leads it. */
export async function createCase(
  ctx: CasesContext,
  actor: Actor,
  input: Required<CreateCase>,
  origin: Origin,
): Promise<CaseDetail> {
  const id = randomUUID();
  const row = await ctx.database.transaction((tx) => insertCase(ctx, tx, actor, id, input, origin));
  const reach: Reach = {
    caseId: id,
    kind: 'member',
    role: 'lead',
    fullScope: true,
    sections: [],
    expiresAt: null,
    teamLead: actor.role === 'team_lead',
    membership: { fullScope: true, sections: [] },
    merged: false,
  };
  return present(ctx, row, reach, actor);
}

/** The scopes a search of the case list runs in: the cases whose whole content the actor may see. */
const searchableCases = (ctx: CasesContext, actor: Actor, now: Date): Promise<string[]> =>
  readableCases(ctx.database.db, actor, now, 'whole');

async function openGlasses(ctx: CasesContext, actor: Actor, now: Date): Promise<Set<string>> {
  if (actor.role !== 'team_lead') return new Set();
  const rows = await ctx.database.db
    .selectFrom('break_glass')
    .select('case_id')
    .where('user_id', '=', actor.userId)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now)
    .execute();
  return new Set(rows.map((r) => r.case_id));
}

/**
 * The cases in the actor's reach: a team lead's list holds every case (its title only where their
 * scope holds the whole case), anyone else's only their memberships. A search (q) looks in the
 * cases whose whole content the actor may see, through the blind index.
 */
export async function listCases(
  ctx: CasesContext,
  actor: Actor,
  query: CaseListFilter,
  origin: Origin,
): Promise<CaseList> {
  const now = ctx.clock.now();
  const db = ctx.database.db;
  let ids: string[] | undefined;
  const searching = query.q !== undefined && query.q !== '';
  if (searching) {
    const scopes = (await searchableCases(ctx, actor, now)).map((id) => ({ type: 'case' as const, id }));
    const outcome = await ctx.search.search(db, scopes, query.q ?? '', { limit: 1000 });
    ids = outcome.kind === 'hits' ? [...new Set(outcome.hits.map((h) => h.objectId))] : [];
  }
  const rows = await casesRepository.list(
    db,
    {
      userId: actor.userId,
      all: actor.role === 'team_lead' && query.mine !== 'true',
      status: query.status,
      priority: query.priority,
      ids,
      sort: query.sort,
      order: query.order,
      limit: query.limit,
      offset: query.offset,
    },
    now,
    ctx.database,
  );
  const glasses = await openGlasses(ctx, actor, now);
  const refs = await userRefs(
    db,
    ctx.keys,
    rows.map((r) => r.lead_id),
  );
  const ring = ctx.keys.using(db);
  const cases = await Promise.all(
    rows.map(async (row) => {
      const whole = row.full_scope === true || glasses.has(row.id);
      const access = row.role !== null ? 'member' : glasses.has(row.id) ? 'break_glass' : 'list';
      return {
        id: row.id,
        reference: caseReference(row.year, row.number),
        status: row.status,
        priority: row.priority,
        lead: row.lead_id === null ? null : (refs.get(row.lead_id) ?? null),
        title: whole ? await openTitle(ring, row.id, row.title_sealed) : null,
        createdAt: row.created_at.toISOString(),
        updatedAt: row.updated_at.toISOString(),
        access: access as 'member' | 'break_glass' | 'list',
      };
    }),
  );
  await recordAudit(db, now, {
    action: 'case.listed',
    outcome: 'allowed',
    actorUserId: actor.userId,
    ip: origin.ip,
    userAgent: origin.userAgent,
    detail: { cases: cases.length, search: searching },
  });
  return { cases, total: rows[0] === undefined ? 0 : Number(rows[0].total) };
}

/** One case as the actor may see it; the read is an audit event, with how they reached it. */
export async function getCase(ctx: CasesContext, actor: Actor, id: string, origin: Origin): Promise<CaseDetail> {
  const reach = await need(ctx, actor, id, { kind: 'entry' }, origin);
  const row = await casesRepository.findWithLead(ctx.database.db, id);
  if (row === undefined) throw stale();
  const detail = await present(ctx, row, reach, actor);
  await recordAudit(ctx.database.db, ctx.clock.now(), {
    action: 'case.viewed',
    ...aboutCase(actor, origin, id),
    detail: { part: 'case', via: reach.kind },
  });
  return detail;
}
