import { type KeyObject, verify } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../platform/db/schema.ts';
import { chainRepository } from './chain.repository.ts';
import { type CheckpointSigner, signatureValid } from './checkpoints.ts';
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

/** The cuts of cuts.jsonl; a line that is not a cut is reported by its number, never a crash. */
export function readCutFile(auditDir: string): { cuts: Cut[]; badLines: number[] } {
  const file = path.join(auditDir, CUT_FILE);
  if (!existsSync(file)) return { cuts: [], badLines: [] };
  const cuts: Cut[] = [];
  const badLines: number[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        const c = JSON.parse(line) as Partial<Cut> | null;
        const fields = [c?.seq, c?.hash, c?.before, c?.at, c?.keyId, c?.signature];
        if (c !== null && fields.every((f) => typeof f === 'string')) cuts.push(c as Cut);
        else badLines.push(i + 1);
      } catch {
        badLines.push(i + 1);
      }
    });
  return { cuts, badLines };
}

/**
 * The newest checkpoint at or below which every chained event is older than `before`, after
 * the current start of the chain, with the horizon of its link. Cutting there keeps every newer
 * event and a verifiable chain.
 */
async function cutPoint(db: Kysely<DB>, before: Date) {
  const { rows } = await sql<{
    seq: string;
    hash: string;
    at: Date;
    key_id: string;
    signature: string;
    horizon: string;
  }>`
    select cp.seq::text as seq, cp.hash, cp.at, cp.key_id, cp.signature, c.horizon::text as horizon
    from audit_checkpoints cp join audit_chain c on c.seq = cp.seq and c.hash = cp.hash
    where cp.seq > coalesce((select max(seq) from audit_cuts), 0)
      and not exists (
        select 1 from audit_chain c2 join audit_events e on e.id = c2.event_id
        where c2.seq <= cp.seq and c2.seq > coalesce((select max(seq) from audit_cuts), 0) and e.at >= ${before})
    order by cp.seq desc
    limit 1`.execute(db);
  return rows[0];
}

/**
 * Cuts the trail before `before`, as the schema owner (the application role may not delete audit
 * rows). Under the chainer's lock: signs and records the cut, then deletes the events and links
 * up to it and the checkpoints before it, all in one transaction, and records the cut as an audit
 * event. The chainer goes on from the cut when no link is left. Returns the cut, or undefined when
 * no checkpoint lies wholly before `before` (nothing is deleted then). A checkpoint without a
 * valid signature is never cut at.
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
    await chainRepository.lock(tx);
    const point = await cutPoint(tx, before);
    if (point === undefined) return undefined;
    const checkpoint = {
      seq: point.seq,
      hash: point.hash,
      at: point.at.toISOString(),
      keyId: point.key_id,
      signature: point.signature,
    };
    if (!signatureValid(signer.publicKey, checkpoint)) {
      throw new Error(`the checkpoint at ${point.seq} has no valid signature: no retention cut is made at it`);
    }
    const body = { seq: point.seq, hash: point.hash, before: before.toISOString(), at: now.toISOString() };
    const c: Cut = { ...body, keyId: signer.keyId, signature: signer.signText(cutText(body)) };
    await tx
      .insertInto('audit_cuts')
      .values({
        seq: c.seq,
        hash: c.hash,
        horizon: point.horizon,
        before,
        at: now,
        key_id: c.keyId,
        signature: c.signature,
      })
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
