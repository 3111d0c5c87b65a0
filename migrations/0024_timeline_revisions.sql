-- The chart of a case's timeline counts every entry of the case, and a case is read far more often
-- than it is written. The server keeps a chart between reads (timeline/chart-cache.ts), valid only
-- for the revision of the case's timeline it was counted at: a number the database changes, in the
-- transaction that makes the change, whenever an entry of the case is inserted, updated, deleted or
-- moved to another case. A trigger, not the services, so that no write can forget it.
create sequence timeline_revision;
create table timeline_revisions (
  case_id uuid primary key references cases (id),
  revision bigint not null
);

-- Once per statement, not per row: a merge moves thousands of entries in one update. Cases in
-- order of their ids, so that two statements touching the same cases never wait on each other in
-- a circle.
create function timeline_revise() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    insert into timeline_revisions (case_id, revision)
      select c.case_id, nextval('timeline_revision') from (select distinct case_id from after_rows order by 1) c
      on conflict (case_id) do update set revision = excluded.revision;
  elsif tg_op = 'UPDATE' then
    insert into timeline_revisions (case_id, revision)
      select c.case_id, nextval('timeline_revision')
      from (select case_id from after_rows union select case_id from before_rows order by 1) c
      on conflict (case_id) do update set revision = excluded.revision;
  else
    insert into timeline_revisions (case_id, revision)
      select c.case_id, nextval('timeline_revision') from (select distinct case_id from before_rows order by 1) c
      on conflict (case_id) do update set revision = excluded.revision;
  end if;
  return null;
end
$$;
create trigger timeline_entries_revise_insert after insert on timeline_entries
  referencing new table as after_rows for each statement execute function timeline_revise();
create trigger timeline_entries_revise_update after update on timeline_entries
  referencing old table as before_rows new table as after_rows for each statement execute function timeline_revise();
create trigger timeline_entries_revise_delete after delete on timeline_entries
  referencing old table as before_rows for each statement execute function timeline_revise();

-- The timelines written before this migration.
insert into timeline_revisions (case_id, revision)
  select c.case_id, nextval('timeline_revision') from (select distinct case_id from timeline_entries order by 1) c;
