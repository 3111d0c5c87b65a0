import type { ColumnType, Selectable } from 'kysely';
import type { ModelStatus } from '../../../contract/models/registry.ts';

/** Row type of the model registry (migration 0025), as Kysely sees it; schema.ts lists it in DB. */
export interface ModelTable {
  key: string;
  version: string;
  status: ModelStatus;
  /** The definition as checked at import, as JSON, sealed with the system key. */
  definition_sealed: Uint8Array;
  /** The YAML or JSON as imported, sealed with the system key. */
  source_sealed: Uint8Array;
  imported_by: string;
  imported_at: Date;
  published_by: string | null;
  published_at: Date | null;
  retired_by: string | null;
  retired_at: Date | null;
}

/** An optional item of a model the organisation uses (migration 0027). */
export interface ModelOptionalItemTable {
  model_key: string;
  item_key: string;
  enabled_by: string;
  enabled_at: Date;
}

/** Row type of a case's assessments (migration 0026). */
export interface AssessmentTable {
  id: string;
  case_id: string;
  model_key: string;
  model_version: string;
  kind: 'single' | 'rater' | 'consensus';
  status: 'draft' | 'final';
  rater_id: string;
  version: ColumnType<number, number | undefined, number>;
  /** Ratings (but special categories'), formulation, scenarios, judgments, overrides: sealed JSON. */
  content_sealed: Uint8Array;
  /** The ratings of special-category items, sealed apart. */
  special_sealed: Uint8Array;
  /** The ratings it started from (a copy or a migration), sealed. */
  previous_sealed: Uint8Array | null;
  /** The special categories' part of the ratings it started from, sealed apart. */
  previous_special_sealed: Uint8Array | null;
  /** Once final: the judgments' values alone, sealed, for the risk curve. */
  judgments_sealed: Uint8Array | null;
  priority: number | null;
  review_due: ColumnType<string | null, string | null | undefined, string | null>;
  /** The model asks for a re-assessment when an incident tagged with warning behaviours is written. */
  reassess_on_incident: ColumnType<boolean, boolean | undefined, boolean>;
  from_id: string | null;
  basis: ColumnType<string[], string[] | undefined, string[]>;
  started_at: Date;
  updated_at: Date;
  finalised_at: Date | null;
  /** The optional items it uses, fixed as it starts (migration 0027); null: all, it started before. */
  optional_items: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
}

/** An assessment as read. */
export type AssessmentRow = Selectable<AssessmentTable>;
