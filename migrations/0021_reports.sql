-- Reports and the anonymous two-way channel (docs/intake.md). Every personal field and narrative
-- is sealed with the report's own data key (purpose 'report'), which joins the case's key
-- hierarchy when the report joins a case. Nothing here holds a time finer than the day: the
-- anonymous channel keeps no such time anywhere (SECURITY.md item 29), and the other channels
-- are stored the same way so that no column tells them apart by precision.

create table reports (
  id uuid primary key,
  -- Eight characters of Crockford's alphabet drawn at random, shown as R-XXXX-XXXX: never a
  -- counter, which would place an anonymous report between two dated ones.
  reference text not null unique check (reference ~ '^[0-9A-HJKMNP-TV-Z]{8}$'),
  channel text not null check (channel in ('anonymous', 'employee', 'phone', 'email', 'letter', 'in_person')),
  urgency text not null check (urgency in ('danger_now', 'urgent', 'normal')),
  -- The signed-in employee who reported (their "My reports"), or the team member who recorded a
  -- report on a caller's behalf; neither for the anonymous channel.
  reporter_id uuid references users (id),
  recorded_by uuid references users (id),
  -- The anonymous receipt: its public id, and the argon2id hash of its secret.
  receipt_id text unique check (receipt_id ~ '^[0-9A-HJKMNP-TV-Z]{8}$'),
  receipt_hash text,
  -- HMAC of the submission's idempotency key (a blind-index key): the same key stores one report.
  idempotency text not null unique,
  -- The report's fields as one sealed JSON value; for a recorded report, the caller's details too.
  content_sealed bytea not null,
  original_reporter_sealed bytea,
  -- The ids under which the persons named in the report are in the blind index (person_tokens),
  -- in the order of the report's list; random, so that they say nothing.
  person_ids uuid[] not null default '{}',
  received_on date not null,
  acknowledged_on date,
  feedback_on date,
  status text not null check (status in ('new', 'case', 'closed')),
  outcome text check (outcome in ('no_concern', 'malicious', 'mistaken')),
  outcome_reason_sealed bytea,
  case_id uuid references cases (id),
  triaged_by uuid references users (id),
  triaged_on date,
  -- The reporter wrote last: the triage inbox shows that an answer is due.
  awaiting_reply boolean not null default false,
  -- The newest team message the signed-in reporter has seen ("My reports" marks newer ones).
  reporter_seen integer not null default 0,
  version integer not null default 1,
  check ((channel = 'anonymous') = (receipt_id is not null)),
  check ((receipt_id is null) = (receipt_hash is null)),
  check ((channel = 'employee') = (reporter_id is not null)),
  check ((channel in ('phone', 'email', 'letter', 'in_person')) = (recorded_by is not null)),
  check (original_reporter_sealed is null or recorded_by is not null),
  check ((status = 'case') = (case_id is not null)),
  check ((status = 'closed') = (outcome is not null)),
  check ((outcome is null) = (outcome_reason_sealed is null)),
  check ((status = 'new') = (triaged_on is null))
);
create index reports_inbox on reports (status, received_on);
create index reports_reporter on reports (reporter_id) where reporter_id is not null;
create index reports_case on reports (case_id) where case_id is not null;

-- Accounts of the triage roles that a report names (by e-mail address or full name, recognised
-- when it comes in): they never see the report, its hints, its alerts or its reminders, as a
-- recused member never sees a case. Which person matched is not kept.
create table report_conflicts (
  report_id uuid not null references reports (id),
  user_id uuid not null references users (id),
  primary key (report_id, user_id)
);
create index report_conflicts_user on report_conflicts (user_id);

-- The two-way channel: numbered within the report, dated to the day. The team writes as the
-- team: the reporter never learns who; the audit trail knows.
create table report_messages (
  report_id uuid not null references reports (id),
  number integer not null check (number > 0),
  author text not null check (author in ('reporter', 'team')),
  -- The team member, or the signed-in reporter; null for the anonymous reporter.
  author_id uuid references users (id),
  kind text not null check (kind in ('message', 'acknowledgement', 'feedback')),
  body_sealed bytea not null,
  sent_on date not null,
  primary key (report_id, number),
  check (author = 'team' or kind = 'message')
);

-- Urgent reports alert the whole team at once (such a notification of an anonymous report is
-- dated to the day, as everything of that channel is); a reminder job warns of deadlines that
-- come close or passed, once per report, deadline and stage.
alter table notifications add column report_id uuid references reports (id);
alter table notifications add column deadline text
  check (deadline in ('acknowledge_soon', 'acknowledge_overdue', 'feedback_soon', 'feedback_overdue'));
alter table notifications drop constraint notifications_kind_check;
alter table notifications add constraint notifications_kind_check
  check (kind in ('break_glass', 'urgent_report', 'deadline'));
alter table notifications add constraint notifications_about
  check ((kind in ('urgent_report', 'deadline')) = (report_id is not null) and (kind = 'deadline') = (deadline is not null));
create unique index notifications_one_reminder on notifications (user_id, report_id, deadline) where deadline is not null;
