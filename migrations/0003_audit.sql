-- The tamper-evident audit trail (docs/audit.md).
-- audit_events: one row per event, inserted in the transaction of the change it describes, never
-- updated or deleted. txid orders the rows for the chainer: it chains a row only once every
-- transaction with a smaller id has ended, so no committed row is ever skipped.
-- audit_chain: the hash chain, appended after commit by one chainer at a time.
-- audit_checkpoints: signed chain heads (also written outside the database).
-- audit_cuts: signed retention cuts, below which the rows have been deleted.
-- security_events stays for one release (expand/contract): the previous release writes it during
-- a rolling deploy. Its rows so far are copied into the trail here.

create table audit_events (
  id bigint generated always as identity primary key,
  txid xid8 not null default pg_current_xact_id(),
  -- Milliseconds, as the canonical encoding has them: a finer edit would not change the hash.
  at timestamptz not null check (at = date_trunc('milliseconds', at)),
  actor_user_id uuid,
  action text not null,
  object_type text,
  object_id text,
  case_id uuid,
  outcome text not null check (outcome in ('allowed', 'denied', 'failed')),
  ip text,
  user_agent text,
  -- Why a sensitive read happened; sealed once the encryption issue lands.
  purpose text,
  -- Identifiers and codes only, never content; the payload schema is per action (events.ts).
  detail jsonb not null default '{}'::jsonb,
  -- The anonymous channel: no IP, no user agent, the time cut to the day.
  anonymous boolean not null default false
);
create index audit_events_txid on audit_events (txid);
create index audit_events_at on audit_events (at desc, id desc);
create index audit_events_actor on audit_events (actor_user_id, at desc);
create index audit_events_action on audit_events (action, at desc);
create index audit_events_object on audit_events (object_type, object_id);
create index audit_events_case on audit_events (case_id, at desc) where case_id is not null;

create table audit_chain (
  seq bigint primary key,
  event_id bigint not null unique,
  -- sha256(previous hash, canonical encoding of the event and seq), hex
  hash text not null,
  -- Every transaction below this id had ended when this link was made: the next chainer run
  -- starts looking here.
  horizon xid8 not null
);

create table audit_checkpoints (
  seq bigint primary key,
  hash text not null,
  at timestamptz not null,
  key_id text not null,
  signature text not null
);

-- Retention cuts: the chain may start after a signed cut instead of at 1 (docs/audit.md). The
-- signature is over the checkpoint the cut is made at; rows up to it are deleted by the owner.
create table audit_cuts (
  seq bigint primary key,
  hash text not null,
  -- The horizon of the link at seq: the chainer goes on from here when no link is left.
  horizon xid8 not null,
  before timestamptz not null,
  at timestamptz not null,
  key_id text not null,
  signature text not null
);

-- Nobody chooses an event's txid (the chainer's order) or its id (a chosen id would make a later
-- real insert fail); nobody appends a link that claims a horizon beyond the present.
create function audit_event_stamp() returns trigger language plpgsql as $$
begin
  new.txid := pg_current_xact_id();
  if new.id is distinct from currval(pg_get_serial_sequence('audit_events', 'id')) then
    raise exception 'audit event ids are assigned by the database' using errcode = '42501';
  end if;
  return new;
end
$$;
create trigger audit_events_stamp before insert on audit_events
  for each row execute function audit_event_stamp();

create function audit_link_check() returns trigger language plpgsql as $$
begin
  if new.horizon > pg_snapshot_xmax(pg_current_snapshot()) then
    raise exception 'an audit link cannot claim a horizon beyond the present' using errcode = '42501';
  end if;
  return new;
end
$$;
create trigger audit_chain_check before insert on audit_chain
  for each row execute function audit_link_check();

-- Append-only for everyone, the owner included unless it disables the triggers on purpose; the
-- application role also lacks the privileges (migrate.ts revokes them). The one exception is a
-- retention cut: a transaction that names a recorded cut in tma.audit_cut may delete the rows up
-- to it, and nothing after it.
create function audit_append_only() returns trigger language plpgsql as $$
declare
  cut bigint := nullif(current_setting('tma.audit_cut', true), '')::bigint;
begin
  if tg_op = 'DELETE' and cut is not null and exists (select 1 from audit_cuts where seq = cut) then
    -- One IF per table: each branch reads only columns its table has.
    if tg_table_name = 'audit_chain' then
      if old.seq <= cut then
        return old;
      end if;
    elsif tg_table_name = 'audit_checkpoints' then
      if old.seq < cut then
        return old;
      end if;
    elsif tg_table_name = 'audit_events' then
      if exists (select 1 from audit_chain c where c.event_id = old.id and c.seq <= cut) then
        return old;
      end if;
    end if;
  end if;
  raise exception 'the audit trail is append-only: % on % refused', tg_op, tg_table_name
    using errcode = '42501';
end
$$;
create trigger audit_events_append_only before update or delete on audit_events
  for each row execute function audit_append_only();
create trigger audit_events_no_truncate before truncate on audit_events
  for each statement execute function audit_append_only();
create trigger audit_chain_append_only before update or delete on audit_chain
  for each row execute function audit_append_only();
create trigger audit_chain_no_truncate before truncate on audit_chain
  for each statement execute function audit_append_only();
create trigger audit_checkpoints_append_only before update or delete on audit_checkpoints
  for each row execute function audit_append_only();
create trigger audit_checkpoints_no_truncate before truncate on audit_checkpoints
  for each statement execute function audit_append_only();
create trigger audit_cuts_append_only before update or delete on audit_cuts
  for each row execute function audit_append_only();
create trigger audit_cuts_no_truncate before truncate on audit_cuts
  for each statement execute function audit_append_only();

insert into audit_events (at, actor_user_id, action, object_type, object_id, outcome, ip, user_agent, detail)
select date_trunc('milliseconds', at), actor_user_id, action, target_type, target_id, outcome, ip, user_agent,
       coalesce(detail, '{}'::jsonb)
from security_events order by id;

-- The previous release keeps writing security_events during a rolling deploy: forward its rows.
create function security_events_forward() returns trigger language plpgsql as $$
begin
  insert into audit_events (at, actor_user_id, action, object_type, object_id, outcome, ip, user_agent, detail)
  values (date_trunc('milliseconds', new.at), new.actor_user_id, new.action, new.target_type, new.target_id,
          new.outcome, new.ip, new.user_agent, coalesce(new.detail, '{}'::jsonb));
  return null;
end
$$;
create trigger security_events_forward after insert on security_events
  for each row execute function security_events_forward();
