import { type KeyObject, verify } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../platform/db/schema.ts';
import type { CheckpointSigner } from './checkpoints.ts';
import { recordAudit } from './record.ts';

/**
 * Retention of audit events: events older than the retention period are deleted by cutting the
 * chain at a signed checkpoint, so that what remains still verifies. A cut is a statement signed
 * with the audit key ("the chain up to seq, whose hash is H, was removed on purpose, for events
 * before T"); the verifier accepts a chain that starts right after a validly signed cut, and
 * nothing else. Someone who deletes old rows without the key cannot make such a statement.
 */
export interface Cut {
  readonly seq: string;
  readonly hash: string;
  /** Events before this time were to be removed. */
  readonly before: string;
  readonly at: string;
  readonly keyId: string;
  readonly signature: string;
}

export const CUT_FILE = 'cuts.jsonl';

function cutText(c: Pick<Cut, 'seq' | 'hash' | 'before' | 'at'>): string {
  return `tma-audit-cut/1\n${c.seq}\n${c.hash}\n${c.before}\n${c.at}`;
}

export function cutSignatureValid(publicKey: KeyObject, c: Cut): boolean {
  try {
    return verify(null, Buffer.from(cutText(c)), publicKey, Buffer.from(c.signature, 'base64'));
  } catch {
    return false;
  }
}

export async function listCuts(db: Kysely<DB>): Promise<Cut[]> {
  const rows = await db.selectFrom('audit_cuts').selectAll().orderBy('seq').execute();
  return rows.map((r) => ({
    seq: r.seq,
    hash: r.hash,
    before: r.before.toISOString(),
    at: r.at.toISOString(),
    keyId: r.key_id,
    signature: r.signature,
  }));
}

export function readCutFile(auditDir: string): Cut[] {
  const file = path.join(auditDir, CUT_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Cut);
}

/**
 * The newest checkpoint at or below which every chained event is older than `before`, after
 * the current start of the chain. Cutting there keeps every newer event and a verifiable chain.
 */
async function cutPoint(db: Kysely<DB>, before: Date): Promise<{ seq: string; hash: string } | undefined> {
  const { rows } = await sql<{ seq: string; hash: string }>`
    select cp.seq::text as seq, cp.hash
    from audit_checkpoints cp
    where cp.seq > coalesce((select max(seq) from audit_cuts), 0)
      and exists (select 1 from audit_chain c where c.seq = cp.seq and c.hash = cp.hash)
      and not exists (
        select 1 from audit_chain c join audit_events e on e.id = c.event_id
        where c.seq <= cp.seq and c.seq > coalesce((select max(seq) from audit_cuts), 0) and e.at >= ${before})
    order by cp.seq desc
    limit 1`.execute(db);
  return rows[0];
}

/**
 * Cuts the trail before `before`, as the schema owner (the application role may not delete audit
 * rows). Signs and records the cut, then deletes the events and links up to it and the older
 * checkpoints, all in one transaction, and records the cut as an audit event. Returns the cut, or
 * undefined when no checkpoint lies wholly before `before` (nothing is deleted then).
 */
export async function cutTrail(
  owner: Kysely<DB>,
  signer: CheckpointSigner,
  auditDir: string,
  log: Pick<Logger, 'info'>,
  before: Date,
  now: Date,
): Promise<Cut | undefined> {
  const cut = await owner.transaction().execute(async (tx) => {
    const point = await cutPoint(tx, before);
    if (point === undefined) return undefined;
    const body = { seq: point.seq, hash: point.hash, before: before.toISOString(), at: now.toISOString() };
    const c: Cut = {
      ...body,
      keyId: signer.keyId,
      signature: signer.signText(cutText(body)),
    };
    await tx
      .insertInto('audit_cuts')
      .values({ seq: c.seq, hash: c.hash, before, at: now, key_id: c.keyId, signature: c.signature })
      .execute();
    await sql`select set_config('tma.audit_cut', ${c.seq}, true)`.execute(tx);
    await sql`delete from audit_events where id in (select event_id from audit_chain where seq <= ${c.seq}::bigint)`.execute(
      tx,
    );
    await tx.deleteFrom('audit_chain').where(sql<boolean>`seq <= ${c.seq}::bigint`).execute();
    await tx.deleteFrom('audit_checkpoints').where(sql<boolean>`seq < ${c.seq}::bigint`).execute();
    await recordAudit(tx, now, {
      action: 'audit.retention_cut',
      outcome: 'allowed',
      object: { type: 'audit', id: 'chain' },
      detail: { seq: c.seq, before: c.before },
    });
    return c;
  });
  if (cut !== undefined) {
    mkdirSync(auditDir, { recursive: true, mode: 0o700 });
    appendFileSync(path.join(auditDir, CUT_FILE), `${JSON.stringify(cut)}\n`, { mode: 0o644 });
    log.info({ auditCut: cut }, 'audit retention cut');
  }
  return cut;
}
