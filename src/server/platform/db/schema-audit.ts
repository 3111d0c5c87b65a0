import type { ColumnType, Generated } from 'kysely';

/** Row types of the audit trail (migration 0003) and its predecessor, as Kysely sees them; schema.ts lists them in DB. */
export interface SecurityEventTable {
  id: Generated<string>;
  at: Date;
  actor_user_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: 'allowed' | 'denied' | 'failed';
  ip: string | null;
  user_agent: string | null;
  detail: unknown;
}

export interface AuditEventTable {
  /** bigint, as a string */
  id: Generated<string>;
  /** xid8, as a string */
  txid: Generated<string>;
  at: Date;
  actor_user_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  case_id: string | null;
  outcome: 'allowed' | 'denied' | 'failed';
  ip: string | null;
  user_agent: string | null;
  /** Always null (migration 0010): the purpose is sealed in purpose_sealed. */
  purpose: string | null;
  purpose_sealed: Generated<Uint8Array | null>;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
  anonymous: Generated<boolean>;
}

export interface AuditChainTable {
  seq: string;
  event_id: string;
  hash: string;
  horizon: string;
}

export interface AuditCheckpointTable {
  seq: string;
  hash: string;
  at: Date;
  key_id: string;
  signature: string;
}

export interface AuditCutTable {
  seq: string;
  hash: string;
  horizon: string;
  before: Date;
  at: Date;
  key_id: string;
  signature: string;
}
