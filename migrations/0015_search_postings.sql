-- Search postings (docs/security.md, "Search without plaintext"): one row per token of an entry,
-- under a B-tree, instead of the entry's token array under GIN. A query over many cases carries a
-- token per case and word form, tens of thousands; GIN de-duplicates its scan keys pairwise and
-- grew worse than linearly with them (measured: 3,000 cases, p95 213 ms), where B-tree lookups of
-- a posting table cost about 2 µs a token. The entry keeps its object, field and scope.
alter table search_entries add column id bigint generated always as identity;
create unique index search_entries_id on search_entries (id);
create table search_postings (
  token bigint not null,
  entry_id bigint not null references search_entries (id) on delete cascade,
  primary key (token, entry_id)
);
create index search_postings_entry on search_postings (entry_id);
-- The tokens written before move over as they are.
insert into search_postings (token, entry_id)
  select distinct unnest(tokens), id from search_entries;
drop index search_entries_tokens;
alter table search_entries drop column tokens;
