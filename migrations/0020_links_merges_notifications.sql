-- Linked cases, merged cases and notifications (docs/cases.md, "Linking and merging" and
-- "Notifications").

-- Two related cases, stored once as an ordered pair. A link is shown only to someone who reads
-- the whole of both cases.
create table case_links (
  case_a uuid not null references cases (id),
  case_b uuid not null references cases (id),
  linked_by uuid references users (id),
  linked_at timestamptz not null,
  primary key (case_a, case_b),
  check (case_a < case_b)
);
create index case_links_b on case_links (case_b);

-- A duplicate merged into another case: it stays as a closed record pointing to where its
-- content went, and changes nothing any more.
alter table cases add column merged_into uuid references cases (id);
alter table cases add constraint cases_not_merged_into_itself check (merged_into <> id);

-- The record of what moved: the reason and the list of moved persons, documents, members and
-- links are sealed with the target case's key; the counts stay in the clear for the audit trail.
create table case_merges (
  id uuid primary key,
  source_case uuid not null unique references cases (id),
  target_case uuid not null references cases (id),
  merged_by uuid references users (id),
  merged_at timestamptz not null,
  reason_sealed bytea not null,
  manifest_sealed bytea not null
);
create index case_merges_target on case_merges (target_case, merged_at);

-- A merge moves persons with their relations and conflicts from one case to another in one
-- transaction: the checks that tie them to their case's persons wait until its commit.
alter table person_relations alter constraint person_relations_from_case deferrable initially immediate;
alter table person_relations alter constraint person_relations_to_case deferrable initially immediate;
alter table person_conflicts alter constraint person_conflicts_person_case deferrable initially immediate;

-- What a user should know about: for now that a team lead broke the glass on a case they lead.
-- A notification names ids only; what it says is made when it is read, and only for someone who
-- still reaches the case.
create table notifications (
  id uuid primary key,
  user_id uuid not null references users (id),
  kind text not null check (kind in ('break_glass')),
  case_id uuid references cases (id),
  actor_user_id uuid references users (id),
  created_at timestamptz not null,
  -- The moment the event ends, where it has one (a break-glass's expiry).
  until_at timestamptz,
  read_at timestamptz
);
create index notifications_user on notifications (user_id, created_at desc);
