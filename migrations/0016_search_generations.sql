-- Search-key generations (docs/security.md, "Search without plaintext"): the search key rotates on
-- its own. A rotation adds a generation with a new data key; new tokens are made under it at once,
-- a background job re-indexes what the older generations made, queries look under every live
-- generation meanwhile, and an older generation (its row and its data key) is deleted once no
-- token made with it remains. The newest generation is the current one.
create table search_generations (
  generation smallint primary key check (generation > 0),
  key_id uuid not null unique references data_keys (id),
  -- How its tokens are made (normalisation, keys, token layout): a release that changes it starts
  -- a rotation, so that the re-indexing remakes every token the new way.
  scheme smallint not null check (scheme > 0),
  created_at timestamptz not null,
  -- When the re-indexing found nothing left under older generations and deleted them.
  completed_at timestamptz
);
-- The key in use so far made its tokens the first way (scheme 1).
insert into search_generations (generation, key_id, scheme, created_at, completed_at)
  select 1, id, 1, created_at, created_at from data_keys where purpose = 'search';
-- Several search keys live during a rotation: the generations order them, not a unique index.
drop index data_keys_search;
-- The re-indexing finds the rows of older generations without reading the rest.
create index search_entries_generation on search_entries (key_generation, id);
create index person_tokens_generation on person_tokens (key_generation, object_type, object_id);
-- Generation 0: made by a server of another release than the current generation's scheme (a
-- rolling upgrade), to be made again by the re-indexing like the rows of an older generation.
alter table search_entries drop constraint search_entries_key_generation_check;
alter table search_entries add constraint search_entries_key_generation_check check (key_generation >= 0);
alter table person_tokens drop constraint person_tokens_key_generation_check;
alter table person_tokens add constraint person_tokens_key_generation_check check (key_generation >= 0);
