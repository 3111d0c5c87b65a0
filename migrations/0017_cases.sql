-- Cases with need-to-know (docs/cases.md). A case's texts are sealed with the case's data key
-- (purpose 'case'); what a team lead may see of every case (reference, status, priority, lead,
-- dates) stays in the clear. Access is decided on every request from case_members and
-- break_glass: nothing about it is cached, so a revocation holds from the very next request.

-- The reference numbers: TM-<year>-<number>, counted per year without gaps.
create table case_counters (
  year integer primary key check (year between 2000 and 9999),
  last integer not null check (last > 0)
);

create table cases (
  id uuid primary key,
  year integer not null check (year between 2000 and 9999),
  number integer not null check (number > 0),
  status text not null check (status in ('intake', 'assessment', 'management', 'monitoring', 'closed')),
  -- 1 low / monitor, 2 moderate / manage, 3 high / active management, 4 acute; null until set.
  priority smallint check (priority between 1 and 4),
  title_sealed bytea not null,
  summary_sealed bytea not null,
  -- A JSON array of short labels, sealed as one value.
  tags_sealed bytea not null,
  closure_reason text check (closure_reason in ('resolved', 'no_concern', 'transferred', 'merged', 'other')),
  created_by uuid references users (id),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  closed_at timestamptz,
  -- Optimistic concurrency: every edit names the version it saw.
  version integer not null default 1,
  unique (year, number),
  check ((status = 'closed') = (closure_reason is not null)),
  check ((status = 'closed') = (closed_at is not null))
);
create index cases_updated on cases (updated_at desc, id);
create index cases_status on cases (status, updated_at desc);

-- Who works on a case, in which role, with which scope. A revoked membership is deleted (the audit
-- trail keeps the grant and the revocation); an expired one is ignored and swept later.
create table case_members (
  case_id uuid not null references cases (id),
  user_id uuid not null references users (id),
  role text not null check (role in ('lead', 'member', 'expert')),
  full_scope boolean not null,
  -- The sections of a partial scope (contract/cases.ts, CASE_SECTIONS); empty with full scope.
  sections text[] not null default '{}',
  expires_at timestamptz,
  granted_by uuid references users (id),
  granted_at timestamptz not null,
  version integer not null default 1,
  primary key (case_id, user_id),
  check (full_scope = (cardinality(sections) = 0)),
  check (role <> 'expert' or expires_at is not null),
  check (role <> 'lead' or (full_scope and expires_at is null))
);
create unique index case_members_one_lead on case_members (case_id) where role = 'lead';
create index case_members_user on case_members (user_id, case_id);

-- Every change of status, with its reason (sealed with the case's key): the timeline shows them.
create table case_status_changes (
  id uuid primary key,
  case_id uuid not null references cases (id),
  from_status text check (from_status in ('intake', 'assessment', 'management', 'monitoring', 'closed')),
  to_status text not null check (to_status in ('intake', 'assessment', 'management', 'monitoring', 'closed')),
  reason_sealed bytea,
  changed_by uuid references users (id),
  changed_at timestamptz not null
);
create index case_status_changes_case on case_status_changes (case_id, changed_at);

-- Every manual change of priority, with its reason (sealed); assessments set it later.
create table case_priority_changes (
  id uuid primary key,
  case_id uuid not null references cases (id),
  from_priority smallint check (from_priority between 1 and 4),
  to_priority smallint not null check (to_priority between 1 and 4),
  reason_sealed bytea not null,
  changed_by uuid references users (id),
  changed_at timestamptz not null
);
create index case_priority_changes_case on case_priority_changes (case_id, changed_at);

-- A team lead's time-limited access to a case they are not a member of, with a stated purpose
-- (sealed with the case's key; the audit event carries it too).
create table break_glass (
  id uuid primary key,
  case_id uuid not null references cases (id),
  user_id uuid not null references users (id),
  purpose_sealed bytea not null,
  started_at timestamptz not null,
  expires_at timestamptz not null,
  ended_at timestamptz,
  check (expires_at > started_at)
);
create index break_glass_user on break_glass (user_id, case_id, expires_at);
create index break_glass_case on break_glass (case_id, started_at desc);
