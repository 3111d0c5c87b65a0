-- Search without plaintext (docs/security.md, "Search"): HMAC-keyed tokens of normalised words,
-- never the words. The search key is a data key of its own (wrapped by the master key like any
-- other), from which the full-text and the person-identifier keys are derived.
alter table data_keys drop constraint data_keys_purpose_check;
alter table data_keys add constraint data_keys_purpose_check
  check (purpose in ('system', 'index', 'search', 'case', 'report'));
alter table data_keys drop constraint data_keys_owner_check;
alter table data_keys add constraint data_keys_owner_check
  check ((purpose in ('system', 'index', 'search')) = (owner_id is null));
create unique index data_keys_search on data_keys (purpose) where purpose = 'search';

-- Full-text tokens of one sealed text (a field of an object), under keys of its scope (the case or
-- report it belongs to): the same word in two scopes gives unrelated tokens. 64-bit tokens in a
-- GIN-indexed array; written in the transaction that writes the sealed text.
create table search_entries (
  object_type text not null check (object_type ~ '^[a-z_]{1,40}$'),
  object_id uuid not null,
  field text not null check (field ~ '^[a-z_]{1,40}$'),
  scope_type text not null check (scope_type in ('case', 'report')),
  scope_id uuid not null,
  -- Which search key made the tokens (its rotation re-indexes in the background).
  key_generation smallint not null default 1 check (key_generation > 0),
  tokens bigint[] not null,
  primary key (object_type, object_id, field)
);
-- No pending list (fastupdate): every query would scan the unsorted recent entries against all
-- of its tokens, tens of thousands for a query over many cases (measured: 30 times slower).
create index search_entries_tokens on search_entries using gin (tokens) with (fastupdate = off);
create index search_entries_scope on search_entries (scope_type, scope_id);

-- Person identifiers (normalised name, name and date of birth, employee number, e-mail, phone)
-- as tokens under one key for all scopes: the same person is recognised across reports and cases.
create table person_tokens (
  object_type text not null check (object_type ~ '^[a-z_]{1,40}$'),
  object_id uuid not null,
  -- The case or report the person was named in: shredding it removes the person's tokens too.
  scope_type text not null check (scope_type in ('case', 'report')),
  scope_id uuid not null,
  kind text not null check (kind in ('name', 'name_birth', 'employee_number', 'email', 'phone')),
  token bigint not null,
  key_generation smallint not null default 1 check (key_generation > 0),
  primary key (object_type, object_id, kind, token)
);
create index person_tokens_token on person_tokens (token);
create index person_tokens_scope on person_tokens (scope_type, scope_id);
