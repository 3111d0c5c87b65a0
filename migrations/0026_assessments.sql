-- Assessments of a case (docs/assessments.md): a structured professional judgment on a published
-- model version, pinned for ever. A draft is its rater's alone; once final, nothing of it changes.
-- What it says is sealed with the case's key: the ratings, formulation, scenarios, judgments and
-- overrides as one JSON value, bound to the assessment and its version; the ratings of
-- special-category items apart, so that a reader without that scope never has them opened; the
-- ratings it started from (a copy or a migration), to show what changed, split the same way; and, once final, the
-- judgments' values alone, which the risk curve opens for each assessment without the rest.
-- In the clear: the model, the kind, who rates, the dates, and the case priority it set (the case
-- row holds the priority in the clear already) with the review date the model's schedule gives
-- and whether a new incident asks for a re-assessment, so that the dashboard and the reminders
-- know what is due without opening anything.
create table assessments (
  id uuid primary key,
  case_id uuid not null references cases (id),
  model_key text not null,
  model_version text not null,
  kind text not null check (kind in ('single', 'rater', 'consensus')),
  status text not null check (status in ('draft', 'final')),
  rater_id uuid not null references users (id),
  version integer not null default 1 check (version > 0),
  content_sealed bytea not null,
  special_sealed bytea not null,
  previous_sealed bytea,
  previous_special_sealed bytea,
  judgments_sealed bytea,
  priority smallint check (priority between 1 and 4),
  review_due date,
  -- The model asks for a re-assessment when an incident tagged with warning behaviours is written.
  reassess_on_incident boolean not null default false,
  from_id uuid references assessments (id),
  basis uuid[] not null default '{}',
  started_at timestamptz not null,
  updated_at timestamptz not null,
  finalised_at timestamptz,
  foreign key (model_key, model_version) references models (key, version),
  check ((status = 'final') = (finalised_at is not null)),
  check ((status = 'final') = (judgments_sealed is not null)),
  check ((kind = 'consensus') = (cardinality(basis) > 0)),
  check ((previous_sealed is null) = (previous_special_sealed is null))
);
create index assessments_case on assessments (case_id, started_at, id);

-- Final means final, for the application's role and the owner alike unless it disables the
-- triggers on purpose: an assessment starts as a draft; what it is (its case, rater, kind, model
-- version, where it started) never changes, not even as it is finalised; a finalised one is never
-- changed or deleted, nor the table truncated.
create function assessments_final_immutable() returns trigger language plpgsql as $$
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
     or new.started_at <> old.started_at then
    raise exception 'assessment %: what it is cannot change', old.id;
  end if;
  return new;
end
$$;
create trigger assessments_final_immutable before insert or update or delete on assessments
  for each row execute function assessments_final_immutable();
create function assessments_no_truncate() returns trigger language plpgsql as $$
begin
  raise exception 'assessments cannot be truncated';
end
$$;
create trigger assessments_no_truncate before truncate on assessments
  for each statement execute function assessments_no_truncate();

-- The case's standing assessment: its latest finalised single assessment or consensus.
create index assessments_standing on assessments (case_id, finalised_at desc)
  where status = 'final' and kind <> 'rater';

-- Reminders of re-assessment in the bell: the review the model's schedule set has passed, or an
-- incident tagged with warning behaviours was written since; once per person, assessment and reason.
alter table notifications add column assessment_id uuid references assessments (id);
alter table notifications add column review text check (review in ('overdue', 'incident'));
alter table notifications drop constraint notifications_kind_check;
alter table notifications add constraint notifications_kind_check
  check (kind in ('break_glass', 'urgent_report', 'deadline', 'grant', 'revoke', 'review'));
alter table notifications add constraint notifications_review
  check ((kind = 'review') = (assessment_id is not null and review is not null and case_id is not null));
create unique index notifications_one_review on notifications (user_id, assessment_id, review) where review is not null;
