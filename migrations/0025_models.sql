-- The registry of assessment models (docs/models.md): every imported version of every model, its
-- definition as checked at import (JSON) and its source as the administrator gave it, both sealed
-- with the system key like every other text a request brings (an administrator's file may hold
-- anything, licensed text included). A version is a draft until a team lead publishes it; from
-- then on nothing of it changes but its retirement.
create table models (
  key text not null check (key ~ '^[a-z][a-z0-9_]*$'),
  version text not null check (version ~ '^\d+\.\d+\.\d+$'),
  status text not null check (status in ('draft', 'published', 'retired')),
  definition_sealed bytea not null,
  source_sealed bytea not null,
  imported_by uuid not null references users (id),
  imported_at timestamptz not null,
  published_by uuid references users (id),
  published_at timestamptz,
  retired_by uuid references users (id),
  retired_at timestamptz,
  primary key (key, version),
  check ((status = 'draft') = (published_at is null)),
  check ((status = 'retired') = (retired_at is not null))
);

-- Published means immutable, for the application's role and the owner alike unless it disables
-- the trigger on purpose: only the step to retired, once.
create function models_published_immutable() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE' then
    if old.status <> 'draft' then
      raise exception 'model % % is %: it cannot be deleted', old.key, old.version, old.status;
    end if;
    return old;
  end if;
  if old.status = 'draft' then
    return new;
  end if;
  if old.status = 'published' and new.status = 'retired'
     and new.key = old.key and new.version = old.version
     and new.retired_at is not null and new.retired_by is not null
     and new.definition_sealed = old.definition_sealed and new.source_sealed = old.source_sealed
     and new.published_at = old.published_at and new.published_by = old.published_by
     and new.imported_at = old.imported_at and new.imported_by = old.imported_by then
    return new;
  end if;
  raise exception 'model % % is %: it cannot change', old.key, old.version, old.status;
end
$$;
create trigger models_published_immutable before update or delete on models
  for each row execute function models_published_immutable();
