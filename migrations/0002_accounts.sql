-- Accounts: sign-in, sessions, one-time links, four-eyes approvals, throttling, and the security
-- event table that the audit issue turns into the tamper-evident trail.
-- E-mail and display name are personal data: the encryption issue seals them and replaces the
-- e-mail index with a blind index. Until then they are the only personal data in the database.

alter table users add column email text;
alter table users add column display_name text;
alter table users add column expertise text check (expertise in (
  'labour_law', 'hr', 'compliance', 'data_protection', 'corporate_security',
  'occupational_health', 'works_council', 'legal', 'other'));
alter table users add column password_hash text;
alter table users add column password_changed_at timestamptz;
alter table users add column activated_at timestamptz;
alter table users add constraint users_expertise_for_experts
  check ((role = 'expert') = (expertise is not null));
create unique index users_email on users (email);

create table sessions (
  id uuid primary key,
  token_hash text not null unique,
  user_id uuid not null references users (id),
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null,
  step_up_at timestamptz,
  user_agent text,
  ended_at timestamptz,
  end_reason text
);
create index sessions_user_open on sessions (user_id) where ended_at is null;

create table one_time_links (
  id uuid primary key,
  token_hash text not null unique,
  user_id uuid not null references users (id),
  purpose text not null check (purpose in ('invite', 'reset')),
  created_by uuid references users (id),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);
create index one_time_links_user on one_time_links (user_id) where used_at is null;

create table approvals (
  id uuid primary key,
  kind text not null check (kind in ('grant_role', 'reset_password')),
  user_id uuid not null references users (id),
  requested_role text check (requested_role in ('reporter', 'threat_manager', 'team_lead', 'expert', 'admin', 'auditor')),
  requested_expertise text,
  requested_by uuid not null references users (id),
  -- The account as the requester saw it: a decision on a changed account is refused.
  user_version integer not null,
  created_at timestamptz not null,
  status text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'superseded')),
  decided_by uuid references users (id),
  decided_at timestamptz,
  check (decided_by is null or decided_by <> requested_by)
);
create unique index approvals_one_pending on approvals (user_id) where status = 'pending';

-- Keys are SHA-256 digests of "account:<e-mail>" or "ip:<address>", never the values themselves.
-- failures counts consecutive attempts without a success; a long quiet period starts afresh.
create table login_throttle (
  key text primary key,
  failures integer not null,
  last_attempt_at timestamptz not null,
  blocked_until timestamptz
);

create table security_events (
  id bigint generated always as identity primary key,
  at timestamptz not null,
  actor_user_id uuid,
  action text not null,
  target_type text,
  target_id text,
  outcome text not null check (outcome in ('allowed', 'denied', 'failed')),
  ip text,
  user_agent text,
  detail jsonb
);
create index security_events_at on security_events (at);
