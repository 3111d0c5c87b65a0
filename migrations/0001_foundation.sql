-- Foundation: instance settings, a minimal user table for the accounts issue to extend, and the job queue.
-- Forward-only: never edit this file once it has landed; add a new migration instead.

create table settings (
  key text primary key check (key ~ '^[a-z][a-z0-9_.]{0,99}$'),
  value jsonb not null,
  version integer not null default 1,
  updated_at timestamptz not null default now()
);

create table users (
  id uuid primary key,
  role text not null check (role in ('reporter', 'threat_manager', 'team_lead', 'expert', 'admin', 'auditor')),
  status text not null check (status in ('invited', 'active', 'locked')),
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Payloads carry identifiers only, never personal data (see docs/architecture.md, "Jobs").
create table jobs (
  id bigint generated always as identity primary key,
  type text not null,
  payload_version integer not null,
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'running', 'done', 'failed')),
  run_at timestamptz not null default now(),
  attempts integer not null default 0,
  max_attempts integer not null check (max_attempts between 1 and 100),
  last_error text,
  locked_until timestamptz,
  singleton_key text,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
create index jobs_due on jobs (run_at, id) where status in ('pending', 'running');
create unique index jobs_singleton on jobs (type, singleton_key)
  where singleton_key is not null and status in ('pending', 'running');

create table job_schedules (
  name text primary key,
  type text not null,
  payload_version integer not null,
  payload jsonb not null,
  every_seconds integer not null check (every_seconds > 0),
  next_run_at timestamptz not null
);
