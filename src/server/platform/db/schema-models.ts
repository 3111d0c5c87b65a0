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
