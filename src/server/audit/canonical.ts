import { createHash } from 'node:crypto';

/**
 * The canonical encoding of a chained audit event, version 1 (docs/audit.md):
 *
 *   UTF-8 of JSON.stringify([
 *     "tma-audit/1", seq, id, at, actor_user_id, action, object_type, object_id, case_id,
 *     outcome, ip, user_agent, purpose, anonymous, detail
 *   ])
 *
 * seq and id are decimal strings; at is ISO 8601 UTC with milliseconds; absent values are null;
 * purpose is the sealed purpose (audit/purpose.ts) in base64, so the chain verifies without keys;
 * detail is a JSON object whose keys are sorted at every depth. JSON.stringify fixes the escaping
 * of strings, so the same event always gives the same bytes.
 *
 *   hash(seq) = hex(SHA-256(prev_hash_hex + "\n" + canonical(event, seq)))
 *
 * with prev_hash_hex of seq 1 being GENESIS. seq in the hash makes a reordering a break; the
 * previous hash makes any edit, insertion or deletion a break of every later link.
 */
export const GENESIS = '0'.repeat(64);

export interface ChainableEvent {
  readonly id: string;
  readonly at: Date;
  readonly actor_user_id: string | null;
  readonly action: string;
  readonly object_type: string | null;
  readonly object_id: string | null;
  readonly case_id: string | null;
  readonly outcome: string;
  readonly ip: string | null;
  readonly user_agent: string | null;
  readonly purpose: string | null;
  readonly anonymous: boolean;
  readonly detail: unknown;
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value !== null && typeof value === 'object') {
    // No prototype: a key named __proto__ stays an ordinary key and is hashed like any other.
    const out: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(value).sort()) out[key] = sorted((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function canonical(event: ChainableEvent, seq: string): string {
  return JSON.stringify([
    'tma-audit/1',
    seq,
    event.id,
    event.at.toISOString(),
    event.actor_user_id,
    event.action,
    event.object_type,
    event.object_id,
    event.case_id,
    event.outcome,
    event.ip,
    event.user_agent,
    event.purpose,
    event.anonymous,
    sorted(event.detail ?? {}),
  ]);
}

export function linkHash(previous: string, event: ChainableEvent, seq: string): string {
  return createHash('sha256')
    .update(`${previous}\n${canonical(event, seq)}`)
    .digest('hex');
}
