-- Persons of a case (docs/cases.md, "Persons"): who is involved, shown by a stable pseudonym
-- ("Person A"); the identity (name, date of birth, employee number, organisational unit,
-- location, contact) is sealed with the case's key as one value and shown only to members whose
-- scope holds the identities section, by a deliberate, audited reveal. The identifiers go into
-- the blind index (person_tokens) for recognising the same person elsewhere.
create table case_persons (
  id uuid primary key,
  case_id uuid not null references cases (id),
  role text not null check (role in ('person_of_concern', 'target', 'reporter', 'witness', 'other')),
  -- The pseudonym's number within the case (1 = A, 2 = B, …): never reused, so "Person B" stays B.
  ordinal integer not null check (ordinal > 0),
  identity_sealed bytea not null,
  notes_sealed bytea not null,
  created_by uuid references users (id),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  version integer not null default 1,
  unique (case_id, ordinal)
);
create index case_persons_case on case_persons (case_id, ordinal);

-- The next pseudonym number of each case.
alter table cases add column persons_counted integer not null default 0;

create table person_relations (
  id uuid primary key,
  case_id uuid not null references cases (id),
  from_person uuid not null references case_persons (id),
  to_person uuid not null references case_persons (id),
  kind text not null check (kind in ('partner', 'former_partner', 'relative', 'manager', 'colleague', 'other')),
  created_by uuid references users (id),
  created_at timestamptz not null,
  check (from_person <> to_person),
  unique (from_person, to_person, kind)
);
create index person_relations_case on person_relations (case_id);

-- Conflicts of interest: an account related to a person of a case is recused from that case
-- (it sees nothing of it and cannot be granted). Declared by the lead or a team lead (or by the
-- user themself), or recognised by comparing the person's identifiers with the account's name
-- and address.
create table person_conflicts (
  user_id uuid not null references users (id),
  person_id uuid not null references case_persons (id),
  case_id uuid not null references cases (id),
  source text not null check (source in ('declared', 'recognised')),
  declared_by uuid references users (id),
  declared_at timestamptz not null,
  primary key (user_id, person_id)
);
create index person_conflicts_case on person_conflicts (case_id, user_id);
