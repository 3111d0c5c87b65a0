import type { ColumnType, Generated } from 'kysely';

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
