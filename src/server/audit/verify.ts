import type { KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuditProblem, AuditVerification } from '../../contract/audit.ts';
import type { DB } from '../platform/db/schema.ts';
import { type ChainableEvent, GENESIS, linkHash } from './canonical.ts';
import { chainRepository } from './chain.repository.ts';
import { type Checkpoint, checkpointsRepository, signatureValid } from './checkpoints.ts';
import { type Cut, cutSignatureValid, listCuts } from './retention.ts';

const PAGE = 5000;
const MAX_LISTED = 100;
/** Unchained events older than this are a problem: the chain normally follows within seconds. */
const STALLED_MS = 10 * 60_000;
/** How far around a broken link to look for where a moved event belongs. */
const MOVE_WINDOW = 64;

export interface VerifyOptions {
  /** The checkpoint signer's public key: without it signatures cannot be checked (and that is a problem). */
  readonly publicKey: KeyObject | undefined;
  /** Checkpoints kept outside the database (the checkpoint file, or ones exported from the logs). */
  readonly externalCheckpoints: readonly Checkpoint[];
  /** Line numbers of the checkpoint file that were not checkpoints. */
  readonly unreadableLines?: readonly number[];
  /** Retention cuts kept outside the database (cuts.jsonl). */
  readonly externalCuts?: readonly Cut[];
  /** Line numbers of the cut file that were not cuts. */
  readonly unreadableCutLines?: readonly number[];
  readonly now: Date;
}

type Row = Awaited<ReturnType<typeof chainRepository.page>>[number];

/**
 * Recomputes the whole chain, page by page in constant memory, and checks it against every
 * checkpoint (the database's and the external ones). Names each break: a missing link (a
 * deleted chain row), a missing event (a deleted event row), an edited event, a reordered
 * event, a chain that differs from a signed checkpoint (recomputed), and a chain shorter than a
 * checkpoint (truncated, or restored from an older backup). After a break it carries on from the
 * stored hash, so one edit is reported once, not as every later link.
 */
export async function verifyTrail(db: Kysely<DB>, options: VerifyOptions): Promise<AuditVerification> {
  const problems: AuditProblem[] = [];
  const report = (p: AuditProblem) => problems.push(p);
  for (const line of options.unreadableLines ?? []) {
    report({
      kind: 'unreadable_checkpoint_file',
      seq: null,
      eventId: null,
      message: `line ${line} of the checkpoint file is not a checkpoint`,
    });
  }
  for (const line of options.unreadableCutLines ?? []) {
    report({
      kind: 'unreadable_checkpoint_file',
      seq: null,
      eventId: null,
      message: `line ${line} of the retention cut file is not a cut`,
    });
  }

  // The chain starts after the newest validly signed retention cut, or at 1.
  const anchor = await retentionAnchor(db, options, report);
  const merged = mergeCheckpoints(await checkpointsRepository.all(db), options.externalCheckpoints, anchor);
  const checkpoints = merged.all;
  const wanted = new Map<string, string>(); // seq -> stored link hash, for the checkpointed seqs
  const checkpointSeqs = new Set(checkpoints.map((c) => c.seq));

  let expected = anchor === undefined ? 1n : BigInt(anchor.seq) + 1n;
  let previous = anchor?.hash ?? GENESIS;
  let length = 0;
  let firstSeq: string | null = null;
  let lastSeq: string | null = null;
  let after = '0';
  let carried: Row[] = [];
  // The hash before the first row of the window: where the chain starts, then moving along.
  let windowStart = previous;
  for (;;) {
    const fetched = await chainRepository.page(db, after, PAGE);
    if (fetched.length === 0) break;
    // The last links of the page before, so a move across a page boundary is still recognised.
    const rows = [...carried, ...fetched];
    const first = carried.length;
    const start = windowStart;
    carried = rows.slice(-MOVE_WINDOW);
    const cut = rows.length - carried.length;
    windowStart = cut === 0 ? windowStart : (rows[cut - 1]?.link_hash ?? windowStart);
    rows.forEach((row, i) => {
      if (i < first) return;
      const seq = BigInt(row.seq);
      firstSeq ??= row.seq;
      lastSeq = row.seq;
      length++;
      if (checkpointSeqs.has(row.seq)) wanted.set(row.seq, row.link_hash);
      if (seq !== expected) {
        const gap =
          seq > expected ? `links ${expected} to ${seq - 1n} have been deleted` : `link ${seq} is out of order`;
        report({
          kind: 'missing_link',
          seq: row.seq,
          eventId: row.event_id,
          message: `the chain jumps to ${seq}: ${gap}`,
        });
        // This link was made over a predecessor that is gone: its hash cannot be checked.
      } else if (row.id === null) {
        report({
          kind: 'missing_event',
          seq: row.seq,
          eventId: row.event_id,
          message: `event ${row.event_id}, chained at ${row.seq}, has been deleted`,
        });
      } else if (linkHash(previous, asEvent(row), row.seq) !== row.link_hash) {
        const home = movedTo(rows, i, start);
        report(
          home === undefined
            ? {
                kind: 'edited',
                seq: row.seq,
                eventId: row.id,
                message: `event ${row.id} at ${row.seq} does not match its link: it was changed after it was recorded`,
              }
            : {
                kind: 'reordered',
                seq: row.seq,
                eventId: row.id,
                message: `event ${row.id} stands at ${row.seq} but was chained at ${home}: events were reordered`,
              },
        );
      }
      // Carry on from what is stored, so a single break is reported once.
      previous = row.link_hash;
      expected = seq + 1n;
    });
    after = fetched.at(-1)?.seq ?? after;
    if (fetched.length < PAGE) break;
  }

  for (const c of checkpoints) {
    if (options.publicKey !== undefined && !signatureValid(options.publicKey, c)) {
      report({
        kind: 'bad_signature',
        seq: c.seq,
        eventId: null,
        message: `the checkpoint at ${c.seq} (${c.at}) has no valid signature of the audit key`,
      });
      continue;
    }
    const stored = anchor?.seq === c.seq ? anchor.hash : wanted.get(c.seq);
    if (stored === undefined) {
      report({
        kind: 'truncated',
        seq: c.seq,
        eventId: null,
        message:
          lastSeq === null || BigInt(c.seq) > BigInt(lastSeq)
            ? `a checkpoint signed ${c.at} covers ${c.seq} links, but the chain ends at ${lastSeq ?? 'nothing'}: links were removed from the end, or the database was restored from an older backup`
            : `the link at ${c.seq}, covered by the checkpoint of ${c.at}, is missing`,
      });
    } else if (stored !== c.hash) {
      report({
        kind: 'checkpoint_mismatch',
        seq: c.seq,
        eventId: null,
        message: `the chain at ${c.seq} differs from the checkpoint signed ${c.at}: the chain was rewritten and recomputed`,
      });
    }
  }
  // After the chain's own breaks: a checkpoint gone from the database matters most as evidence of them.
  for (const p of merged.missing) report(p);
  if (options.publicKey === undefined && checkpoints.length > 0) {
    report({
      kind: 'bad_signature',
      seq: null,
      eventId: null,
      message: 'no public key of the audit signing key was given: checkpoint signatures were not checked',
    });
  }

  const unchained = await chainRepository.unchained(db);
  const head = await chainRepository.head(db);
  if (head !== undefined) {
    const orphans = await chainRepository.orphans(db, head.horizon);
    if (orphans.count > 0) {
      report({
        kind: 'orphaned_event',
        seq: null,
        eventId: orphans.firstId,
        message: `${orphans.count} event(s) of transactions that ended before the chain's horizon have no link (the first: ${orphans.firstId}): links were removed, or a link was forged to skip them`,
      });
    }
  }
  if (unchained.oldest !== null && options.now.getTime() - unchained.oldest.getTime() > STALLED_MS) {
    report({
      kind: 'stalled',
      seq: null,
      eventId: null,
      message: `${unchained.count} event(s) have waited more than ${STALLED_MS / 60_000} minutes to be chained, the oldest since ${unchained.oldest.toISOString()}: the chainer is not running, or a transaction has been left open; until chained they are not protected`,
    });
  }
  const latest = checkpoints.at(-1) ?? null;
  return {
    ok: problems.length === 0,
    checkedAt: options.now.toISOString(),
    chain: { length, firstSeq, lastSeq, headHash: lastSeq === null ? null : previous },
    checkpoints: {
      checked: checkpoints.length,
      latest: latest && { seq: latest.seq, hash: latest.hash, at: latest.at, keyId: latest.keyId },
    },
    unchained: {
      count: unchained.count,
      oldestAt: unchained.oldest?.toISOString() ?? null,
      ageSeconds:
        unchained.oldest === null
          ? null
          : Math.max(0, Math.round((options.now.getTime() - unchained.oldest.getTime()) / 1000)),
    },
    problems: problems.slice(0, MAX_LISTED),
    problemCount: problems.length,
  };
}

function asEvent(row: Row): ChainableEvent {
  return {
    id: row.id ?? '',
    at: row.at ?? new Date(0),
    actor_user_id: row.actor_user_id,
    action: row.action ?? '',
    object_type: row.object_type,
    object_id: row.object_id,
    case_id: row.case_id,
    outcome: row.outcome ?? '',
    ip: row.ip,
    user_agent: row.user_agent,
    purpose: row.purpose,
    anonymous: row.anonymous ?? false,
    detail: row.detail,
  };
}

/** Where a mismatching event would fit the stored chain, if it was only moved. */
function movedTo(rows: readonly Row[], i: number, start: string): string | undefined {
  const row = rows[i];
  if (row === undefined || row.id === null) return undefined;
  const event = asEvent(row);
  for (let j = Math.max(0, i - MOVE_WINDOW); j < Math.min(rows.length, i + MOVE_WINDOW); j++) {
    const at = rows[j];
    // The first link of the chain (or of this window) follows the start hash.
    const before = j === 0 ? start : rows[j - 1]?.link_hash;
    if (j === i || before === undefined || at === undefined) continue;
    if (linkHash(before, event, at.seq) === at.link_hash) return at.seq;
  }
  return undefined;
}

/** One list of distinct checkpoints by seq; the same seq with two different contents is itself a break. */
function mergeCheckpoints(
  database: readonly Checkpoint[],
  external: readonly Checkpoint[],
  anchor: Cut | undefined,
): { all: Checkpoint[]; missing: AuditProblem[] } {
  const missing: AuditProblem[] = [];
  const bySeq = new Map<string, Checkpoint[]>();
  // Checkpoints before a retention cut speak of links that were removed on purpose.
  const kept = (c: Checkpoint) => anchor === undefined || BigInt(c.seq) >= BigInt(anchor.seq);
  const outside = external.filter(kept);
  for (const c of [...database.filter(kept), ...outside]) {
    const list = bySeq.get(c.seq) ?? [];
    if (!list.some((x) => x.hash === c.hash && x.signature === c.signature)) list.push(c);
    bySeq.set(c.seq, list);
  }
  const inDatabase = new Set(database.map((c) => `${c.seq}:${c.signature}`));
  for (const c of outside) {
    if (!inDatabase.has(`${c.seq}:${c.signature}`)) {
      missing.push({
        kind: 'checkpoint_missing',
        seq: c.seq,
        eventId: null,
        message: `the checkpoint at ${c.seq} (${c.at}) kept outside the database is missing from it`,
      });
    }
  }
  const all = [...bySeq.values()].flat().sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
  return { all, missing };
}

/** The newest retention cut with a valid signature; any other cut is reported. */
async function retentionAnchor(
  db: Kysely<DB>,
  options: VerifyOptions,
  report: (p: AuditProblem) => void,
): Promise<Cut | undefined> {
  const cuts = new Map<string, Cut>();
  for (const c of [...(await listCuts(db)), ...(options.externalCuts ?? [])]) cuts.set(`${c.seq}:${c.signature}`, c);
  let anchor: Cut | undefined;
  for (const c of cuts.values()) {
    if (options.publicKey === undefined || !cutSignatureValid(options.publicKey, c)) {
      report({
        kind: 'bad_signature',
        seq: c.seq,
        eventId: null,
        message: `the retention cut at ${c.seq} (${c.at}) has no valid signature of the audit key: it does not account for the links before it`,
      });
      continue;
    }
    if (anchor === undefined || BigInt(c.seq) > BigInt(anchor.seq)) anchor = c;
  }
  return anchor;
}
