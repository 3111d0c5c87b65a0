-- Optional items of a model (docs/models.md, Optional items): off unless a team lead switches them
-- on for the organisation. By item key, for every version of the model: a version that adds an
-- optional item brings it in off. Nothing here is sealed: model and item keys are the model's
-- vocabulary, in the clear on every assessment already.
create table model_optional_items (
  model_key text not null check (model_key ~ '^[a-z][a-z0-9_]*$'),
  item_key text not null check (item_key ~ '^[a-z][a-z0-9_]*$'),
  enabled_by uuid not null references users (id),
  enabled_at timestamptz not null,
  primary key (model_key, item_key)
);

-- The optional items an assessment uses, fixed as it starts like its model version. Null: it
-- started before organisations chose, when every optional item was shown; it keeps them all. The
-- default is for what starts later without naming them (an instance of the release before, during
-- a rolling upgrade): none, never all.
alter table assessments add column optional_items text[];
alter table assessments alter column optional_items set default '{}';

-- As in 0026, with the optional items among what an assessment is and never changes.
create or replace function assessments_final_immutable() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    if new.status <> 'draft' then
      raise exception 'an assessment starts as a draft';
    end if;
    return new;
  end if;
  if old.status = 'final' then
    raise exception 'assessment % is final: it cannot change', old.id;
  end if;
  if tg_op = 'DELETE' then
    return old;
  end if;
  if new.id <> old.id or new.case_id <> old.case_id or new.rater_id <> old.rater_id or new.kind <> old.kind
     or new.model_key <> old.model_key or new.model_version <> old.model_version
     or new.from_id is distinct from old.from_id or new.basis <> old.basis
     or new.started_at <> old.started_at or new.optional_items is distinct from old.optional_items then
    raise exception 'assessment %: what it is cannot change', old.id;
  end if;
  return new;
end
$$;
