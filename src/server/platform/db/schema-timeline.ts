import type { Generated } from 'kysely';
import type { EntryKind } from '../../../contract/timeline.ts';

/** Row types of the timeline tables (migrations 0022 and 0024), as Kysely sees them; schema.ts lists them in DB. */
export interface TimelineEntryTable {
  id: string;
  case_id: string;
  kind: EntryKind;
  occurred_at: Date;
  precision: 'day' | 'minute';
  tags: Generated<string[]>;
  person_ids: Generated<string[]>;
  document_ids: Generated<string[]>;
  author_id: string | null;
  subject_id: string | null;
  detail: string | null;
  recorded_at: Date;
  version: Generated<number>;
  written: boolean;
}

export interface TimelineEntryVersionTable {
  entry_id: string;
  version: number;
  kind: EntryKind;
  occurred_at: Date;
  precision: 'day' | 'minute';
  tags: string[];
  person_ids: string[];
  document_ids: string[];
  content_sealed: Uint8Array;
  edited_by: string | null;
  edited_at: Date;
}

export interface DocumentReaderTable {
  document_id: string;
  user_id: string;
}

/** Written by the database alone (trigger timeline_revise): int8, so a string. */
export interface TimelineRevisionTable {
  case_id: string;
  revision: string;
}
