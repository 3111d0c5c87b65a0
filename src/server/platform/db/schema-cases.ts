import type { ColumnType, Generated } from 'kysely';

/** Row types of the cases tables (migrations 0017 to 0020), as Kysely sees them; schema.ts lists them in DB. */
export type CaseStatusColumn = 'intake' | 'assessment' | 'management' | 'monitoring' | 'closed';

export interface CaseCounterTable {
  year: number;
  last: number;
}

export interface CaseTable {
  id: string;
  year: number;
  number: number;
  status: CaseStatusColumn;
  priority: number | null;
  title_sealed: Uint8Array;
  summary_sealed: Uint8Array;
  tags_sealed: Uint8Array;
  closure_reason: 'resolved' | 'no_concern' | 'transferred' | 'merged' | 'other' | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  version: Generated<number>;
  /** How many persons the case has numbered (their pseudonyms), migration 0018. */
  persons_counted: Generated<number>;
  /** The case this one was merged into (migration 0020): it is then closed and changes nothing. */
  merged_into: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CaseMemberTable {
  case_id: string;
  user_id: string;
  role: 'lead' | 'member' | 'expert';
  full_scope: boolean;
  sections: ColumnType<string[], string[] | undefined, string[]>;
  expires_at: Date | null;
  granted_by: string | null;
  granted_at: Date;
  version: Generated<number>;
}

export interface CaseStatusChangeTable {
  id: string;
  case_id: string;
  from_status: CaseStatusColumn | null;
  to_status: CaseStatusColumn;
  reason_sealed: Uint8Array | null;
  changed_by: string | null;
  changed_at: Date;
}

export interface CasePriorityChangeTable {
  id: string;
  case_id: string;
  from_priority: number | null;
  to_priority: number;
  reason_sealed: Uint8Array;
  changed_by: string | null;
  changed_at: Date;
}

export interface BreakGlassTable {
  id: string;
  case_id: string;
  user_id: string;
  purpose_sealed: Uint8Array;
  started_at: Date;
  expires_at: Date;
  ended_at: Date | null;
}

export interface CasePersonTable {
  id: string;
  case_id: string;
  role: 'person_of_concern' | 'target' | 'reporter' | 'witness' | 'other';
  ordinal: number;
  identity_sealed: Uint8Array;
  notes_sealed: Uint8Array;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  version: Generated<number>;
}

export interface PersonRelationTable {
  id: string;
  case_id: string;
  from_person: string;
  to_person: string;
  kind: 'partner' | 'former_partner' | 'relative' | 'manager' | 'colleague' | 'other';
  created_by: string | null;
  created_at: Date;
}

export interface PersonConflictTable {
  user_id: string;
  person_id: string;
  case_id: string;
  source: 'declared' | 'recognised';
  declared_by: string | null;
  declared_at: Date;
  /** Migration 0019: a suspected conflict recuses nobody until confirmed. */
  status: Generated<'recused' | 'suspected'>;
}

/** Migration 0020: two related cases, stored once with case_a < case_b. */
export interface CaseLinkTable {
  case_a: string;
  case_b: string;
  linked_by: string | null;
  linked_at: Date;
}

export interface CaseMergeTable {
  id: string;
  source_case: string;
  target_case: string;
  merged_by: string | null;
  merged_at: Date;
  reason_sealed: Uint8Array;
  manifest_sealed: Uint8Array;
}

export interface NotificationTable {
  id: string;
  user_id: string;
  kind: 'break_glass' | 'urgent_report' | 'deadline' | 'grant' | 'revoke' | 'review';
  case_id: string | null;
  report_id: Generated<string | null>;
  /** A reminder to re-assess (migration 0026): the standing assessment, and why. */
  assessment_id: Generated<string | null>;
  review: Generated<'overdue' | 'incident' | null>;
  deadline: Generated<'acknowledge_soon' | 'acknowledge_overdue' | 'feedback_soon' | 'feedback_overdue' | null>;
  actor_user_id: string | null;
  created_at: Date;
  until_at: Date | null;
  read_at: Date | null;
}
