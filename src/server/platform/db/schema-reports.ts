import type { Generated } from 'kysely';

/** Row types of the reports tables (migration 0021), as Kysely sees them; schema.ts lists them in DB. Days are YYYY-MM-DD. */
export type ReportChannelColumn = 'anonymous' | 'employee' | 'phone' | 'email' | 'letter' | 'in_person';

export interface ReportTable {
  id: string;
  reference: string;
  channel: ReportChannelColumn;
  urgency: 'danger_now' | 'urgent' | 'normal';
  reporter_id: string | null;
  recorded_by: string | null;
  receipt_id: string | null;
  receipt_hash: string | null;
  idempotency: string;
  content_sealed: Uint8Array;
  original_reporter_sealed: Uint8Array | null;
  person_ids: string[];
  received_on: string;
  acknowledged_on: string | null;
  feedback_on: string | null;
  status: 'new' | 'case' | 'closed';
  outcome: 'no_concern' | 'malicious' | 'mistaken' | null;
  outcome_reason_sealed: Uint8Array | null;
  case_id: string | null;
  triaged_by: string | null;
  triaged_on: string | null;
  awaiting_reply: Generated<boolean>;
  reporter_seen: Generated<number>;
  version: Generated<number>;
}

export interface ReportMessageTable {
  report_id: string;
  number: number;
  author: 'reporter' | 'team';
  author_id: string | null;
  kind: 'message' | 'acknowledgement' | 'feedback';
  body_sealed: Uint8Array;
  sent_on: string;
}

export interface ReportConflictTable {
  report_id: string;
  user_id: string;
}
