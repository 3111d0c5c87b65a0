-- Conflicts of interest reviewed (docs/cases.md): 0018 recused an account on any match of a
-- person's identifiers with it. A match on the name alone, or one that names the case's lead or a
-- team lead, is now only suspected until the lead or a team lead confirms it; a confirmed or
-- declared conflict recuses. Rows of 0018 stay as they were: recused.
alter table person_conflicts add column status text not null default 'recused'
  check (status in ('recused', 'suspected'));

-- Relations and conflicts name persons of their own case only (the services check it too).
alter table case_persons add constraint case_persons_id_case unique (id, case_id);
alter table person_relations add constraint person_relations_from_case
  foreign key (from_person, case_id) references case_persons (id, case_id);
alter table person_relations add constraint person_relations_to_case
  foreign key (to_person, case_id) references case_persons (id, case_id);
alter table person_conflicts add constraint person_conflicts_person_case
  foreign key (person_id, case_id) references case_persons (id, case_id);
