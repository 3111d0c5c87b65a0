import type { ColumnType, Generated } from 'kysely';
import type {
  AuditChainTable,
  AuditCheckpointTable,
  AuditCutTable,
  AuditEventTable,
  SecurityEventTable,
} from './schema-audit.ts';
import type {
  BreakGlassTable,
  CaseCounterTable,
  CaseLinkTable,
  CaseMemberTable,
  CaseMergeTable,
  CasePersonTable,
  CasePriorityChangeTable,
  CaseStatusChangeTable,
  CaseTable,
  NotificationTable,
  PersonConflictTable,
  PersonRelationTable,
} from './schema-cases.ts';
import type { AssessmentTable, ModelOptionalItemTable, ModelTable } from './schema-models.ts';
import type { ReportConflictTable, ReportMessageTable, ReportTable } from './schema-reports.ts';
import type {
  DocumentReaderTable,
  TimelineEntryTable,
  TimelineEntryVersionTable,
  TimelineRevisionTable,
} from './schema-timeline.ts';

export type * from './schema-audit.ts';
export type * from './schema-cases.ts';
export type * from './schema-models.ts';
export type * from './schema-reports.ts';
export type * from './schema-timeline.ts';

/**
 * Row types of the database, as Kysely sees them. Migrations in migrations/ are the source of
 * truth; a test compares this file's tables with the migrated schema.
 */
export interface DB {
  schema_migrations: SchemaMigrationTable;
  settings: SettingTable;
  users: UserTable;
  jobs: JobTable;
  job_schedules: JobScheduleTable;
  sessions: SessionTable;
  one_time_links: OneTimeLinkTable;
  approvals: ApprovalTable;
  login_throttle: LoginThrottleTable;
  security_events: SecurityEventTable;
  audit_events: AuditEventTable;
  audit_chain: AuditChainTable;
  audit_checkpoints: AuditCheckpointTable;
  audit_cuts: AuditCutTable;
  mfa_totp: MfaTotpTable;
  mfa_recovery_codes: MfaRecoveryCodeTable;
  mfa_passkeys: MfaPasskeyTable;
  webauthn_challenges: WebauthnChallengeTable;
  user_identities: UserIdentityTable;
  sso_flows: SsoFlowTable;
  data_keys: DataKeyTable;
  documents: DocumentTable;
  document_versions: DocumentVersionTable;
  blob_uploads: BlobUploadTable;
  search_entries: SearchEntryTable;
  search_postings: SearchPostingTable;
  person_tokens: PersonTokenTable;
  search_generations: SearchGenerationTable;
  case_counters: CaseCounterTable;
  cases: CaseTable;
  case_members: CaseMemberTable;
  case_status_changes: CaseStatusChangeTable;
  case_priority_changes: CasePriorityChangeTable;
  break_glass: BreakGlassTable;
  case_persons: CasePersonTable;
  person_relations: PersonRelationTable;
  person_conflicts: PersonConflictTable;
  case_links: CaseLinkTable;
  case_merges: CaseMergeTable;
  notifications: NotificationTable;
  reports: ReportTable;
  report_messages: ReportMessageTable;
  report_conflicts: ReportConflictTable;
  timeline_entries: TimelineEntryTable;
  timeline_entry_versions: TimelineEntryVersionTable;
  timeline_revisions: TimelineRevisionTable;
  models: ModelTable;
  model_optional_items: ModelOptionalItemTable;
  assessments: AssessmentTable;
  document_readers: DocumentReaderTable;
}

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface SchemaMigrationTable {
  id: string;
  checksum: string;
  applied_at: Generated<Date>;
}

export interface SettingTable {
  key: string;
  value: unknown;
  version: Generated<number>;
  updated_at: Timestamp;
}

export interface UserTable {
  id: string;
  role: string;
  status: string;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Plaintext of rows from before sealing (migration 0010), cleared by the job accounts.seal_legacy. */
  email: string | null;
  display_name: string | null;
  /** Sealed with the system key; the address found by its blind index (docs/security.md). */
  email_sealed: Uint8Array | null;
  email_bidx: Uint8Array | null;
  display_name_sealed: Uint8Array | null;
  expertise: string | null;
  password_hash: string | null;
  password_changed_at: Date | null;
  activated_at: Date | null;
}

export interface SessionTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  step_up_at: Date | null;
  user_agent: string | null;
  ended_at: Date | null;
  end_reason: string | null;
  mfa_at: Generated<Date | null>;
  sso_issuer: Generated<string | null>;
}

export interface OneTimeLinkTable {
  id: string;
  token_hash: string;
  user_id: string;
  purpose: 'invite' | 'reset';
  created_by: string | null;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

export interface ApprovalTable {
  id: string;
  kind: 'grant_role' | 'reset_password' | 'reset_mfa';
  user_id: string;
  requested_role: string | null;
  requested_expertise: string | null;
  requested_by: string;
  user_version: number;
  created_at: Date;
  status: Generated<'pending' | 'approved' | 'rejected' | 'superseded'>;
  decided_by: string | null;
  decided_at: Date | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  last_attempt_at: Date;
  blocked_until: Date | null;
}

export interface MfaTotpTable {
  user_id: string;
  secret: string | null;
  confirmed_at: Date | null;
  /** bigint, as a string */
  last_step: string | null;
  pending_secret: string | null;
  pending_expires_at: Date | null;
  /** The secret sealed with the system key (docs/security.md); `secret` only on rows from before. */
  secret_sealed: Generated<Uint8Array | null>;
  pending_secret_sealed: Generated<Uint8Array | null>;
}

export interface DataKeyTable {
  id: string;
  purpose: 'system' | 'index' | 'search' | 'case' | 'report';
  owner_id: string | null;
  /** The case a report's key joined (shredding the case deletes it too). */
  case_id: Generated<string | null>;
  wrapped: Uint8Array;
  master_version: number;
  created_at: Date;
}

export interface MfaRecoveryCodeTable {
  id: string;
  user_id: string;
  code_hash: string;
  created_at: Date;
  used_at: Date | null;
}

export interface MfaPasskeyTable {
  id: string;
  user_id: string;
  /** base64url */
  credential_id: string;
  public_key: Uint8Array;
  /** bigint, as a string */
  counter: ColumnType<string, string | undefined, string>;
  transports: ColumnType<string[], string[] | undefined, string[]>;
  /** Only on rows from before names were sealed (migration 0009). */
  name: string | null;
  name_sealed: Generated<Uint8Array | null>;
  backed_up: boolean;
  created_at: Date;
  last_used_at: Date | null;
}

export interface WebauthnChallengeTable {
  challenge: string;
  purpose: 'register' | 'verify' | 'sign_in';
  session_id: string | null;
  expires_at: Date;
}

export interface UserIdentityTable {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: Date;
  last_used_at: Date | null;
}

export interface SsoFlowTable {
  state: string;
  browser_hash: string;
  nonce: string;
  code_verifier: string;
  purpose: 'sign_in' | 'link' | 'step_up';
  session_id: string | null;
  /** Unused since 0011 (the previous release's column); the path is in return_to_sealed. */
  return_to: string | null;
  return_to_sealed: Uint8Array | null;
  created_at: Date;
  expires_at: Date;
}

export interface JobTable {
  id: Generated<string>;
  type: string;
  payload_version: number;
  payload: unknown;
  status: Generated<'pending' | 'running' | 'done' | 'failed'>;
  run_at: Timestamp;
  attempts: Generated<number>;
  max_attempts: number;
  last_error: string | null;
  locked_until: Date | null;
  singleton_key: string | null;
  created_at: Timestamp;
  finished_at: Date | null;
}

export interface JobScheduleTable {
  name: string;
  type: string;
  payload_version: number;
  payload: unknown;
  every_seconds: number;
  next_run_at: Timestamp;
}

export interface DocumentTable {
  id: string;
  owner_type: 'case' | 'report';
  owner_id: string;
  current_version: number;
  created_by: string | null;
  created_at: Date;
  deleted_at: Date | null;
  deleted_by: string | null;
  version: Generated<number>;
  /** Migration 0022: only the accounts in document_readers see it. */
  restricted: Generated<boolean>;
}

export interface DocumentVersionTable {
  document_id: string;
  version: number;
  id: string;
  blob_name: string;
  key_wrapped: Uint8Array;
  name_sealed: Uint8Array;
  kind: string;
  /** bigint, as a string when read */
  plaintext_bytes: ColumnType<string, number, number>;
  blob_bytes: ColumnType<string, number, number>;
  integrity: Uint8Array;
  stripped: boolean;
  /** Codes of what stripping could not remove (STRIP_RESIDUALS). */
  strip_residual: ColumnType<string[], string[] | undefined, never>;
  scanned: boolean;
  uploaded_by: string | null;
  uploaded_at: Date;
}

export interface BlobUploadTable {
  blob_name: string;
  started_at: Date;
}

/** One indexed text (its tokens are its postings: docs/security.md, "Search"). */
export interface SearchEntryTable {
  object_type: string;
  object_id: string;
  field: string;
  scope_type: 'case' | 'report';
  scope_id: string;
  key_generation: ColumnType<number, number | undefined, number>;
  /** bigint identity, as a string when read */
  id: ColumnType<string, never, never>;
}

/** One token of one entry (search_entries.id); bigints as strings when read. */
export interface SearchPostingTable {
  token: ColumnType<string, string, never>;
  entry_id: ColumnType<string, string, never>;
}

/** A search key's generation: the newest is current; older ones live until re-indexed away. */
export interface SearchGenerationTable {
  generation: number;
  key_id: string;
  scheme: number;
  created_at: Date;
  completed_at: Date | null;
}

export interface PersonTokenTable {
  object_type: string;
  object_id: string;
  scope_type: 'case' | 'report';
  scope_id: string;
  kind: 'name' | 'name_birth' | 'employee_number' | 'email' | 'phone';
  token: ColumnType<string, bigint | string, bigint | string>;
  key_generation: ColumnType<number, number | undefined, number>;
}
