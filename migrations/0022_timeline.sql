-- The case timeline, restricted documents and notifications of grants (docs/timeline.md).

-- Every step of a case on one time axis. Written entries (incident ... note) are made by members;
-- recorded ones are made by the server in the transaction of what they tell (a status change, a
-- grant, a break-glass, a report joining the case, a document's upload or download), from its
-- audit event. The kind, the moment, the warning behaviours (codes of a closed list) and the ids of
-- persons and documents stay in the clear, so that filters and the chart need no decryption;
-- every text is in the versions, sealed with the case's key.
create table timeline_entries (
  id uuid primary key,
  case_id uuid not null references cases (id),
  kind text not null check (kind in (
    'incident', 'observation', 'conversation', 'measure_note', 'exculpatory', 'note',
    'opened', 'status', 'priority', 'grant', 'revoke', 'lead', 'break_glass', 'report',
    'document_uploaded', 'document_downloaded', 'document_deleted')),
  -- When it happened: a moment, or (precision 'day') the company's midnight of its day.
  occurred_at timestamptz not null,
  precision text not null check (precision in ('day', 'minute')),
  tags text[] not null default '{}' check (tags <@ array['pathway', 'fixation', 'identification',
    'novel_aggression', 'energy_burst', 'leakage', 'last_resort', 'direct_threat']::text[]),
  person_ids uuid[] not null default '{}',
  document_ids uuid[] not null default '{}',
  -- Who wrote it, or whose act a recorded entry tells of.
  author_id uuid references users (id),
  -- What a recorded entry is about (a user, a report, a document) and its codes and ids as JSON.
  subject_id uuid,
  detail text,
  recorded_at timestamptz not null,
  -- Written entries only: the number of the current version (an edit names the one it saw).
  version integer not null default 1,
  written boolean not null,
  check (written = (kind in ('incident', 'observation', 'conversation', 'measure_note', 'exculpatory', 'note'))),
  check (written or (subject_id is not null or kind in ('opened', 'status', 'priority', 'break_glass')))
);
create index timeline_entries_case on timeline_entries (case_id, occurred_at desc, id desc);
-- The dashboard's recent activity in the caller's cases.
create index timeline_entries_recorded on timeline_entries (case_id, recorded_at desc);

-- Every version of a written entry: an edit adds one, and the older ones stay readable.
create table timeline_entry_versions (
  entry_id uuid not null references timeline_entries (id),
  version integer not null check (version > 0),
  kind text not null,
  occurred_at timestamptz not null,
  precision text not null check (precision in ('day', 'minute')),
  tags text[] not null,
  person_ids uuid[] not null,
  document_ids uuid[] not null,
  -- Title, text and source as one JSON value, sealed with the case's key, bound to entry and version.
  content_sealed bytea not null,
  edited_by uuid references users (id),
  edited_at timestamptz not null,
  primary key (entry_id, version)
);

-- A document restricted to chosen members: only they see it at all (its list entry, versions,
-- timeline entries and attachments included). Without rows here a document is the documents
-- scope's, as before.
alter table documents add column restricted boolean not null default false;
create table document_readers (
  document_id uuid not null references documents (id),
  user_id uuid not null references users (id),
  primary key (document_id, user_id)
);
create index document_readers_user on document_readers (user_id);

-- Grants and revocations reach the bell of the account they concern.
alter table notifications drop constraint notifications_kind_check;
alter table notifications add constraint notifications_kind_check
  check (kind in ('break_glass', 'urgent_report', 'deadline', 'grant', 'revoke'));

-- The bell is told at once: every new notification sends its recipient's id (nothing else) on the
-- channel tma_notifications, delivered when the transaction that made it commits.
create function notifications_announce() returns trigger language plpgsql as $$
begin
  perform pg_notify('tma_notifications', new.user_id::text);
  return null;
end
$$;
create trigger notifications_announce after insert on notifications
  for each row execute function notifications_announce();
