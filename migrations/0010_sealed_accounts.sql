-- The rest of the key hierarchy and the accounts' personal columns sealed (docs/security.md).
--
-- data_keys: an index key (the key of blind indexes, e.g. of e-mail addresses for sign-in), and
-- case_id, the case a report's key joined: shredding a case deletes its own key and the keys of
-- the reports that joined it.
alter table data_keys drop constraint data_keys_purpose_check;
alter table data_keys add constraint data_keys_purpose_check check (purpose in ('system', 'index', 'case', 'report'));
alter table data_keys drop constraint data_keys_check;
alter table data_keys add constraint data_keys_owner_check check ((purpose in ('system', 'index')) = (owner_id is null));
alter table data_keys add column case_id uuid;
alter table data_keys add constraint data_keys_case_check check (case_id is null or purpose = 'report');
create unique index data_keys_index on data_keys (purpose) where purpose = 'index';
create index data_keys_case on data_keys (case_id) where case_id is not null;
create index data_keys_master_version on data_keys (master_version);

-- users (expand): the address and the name sealed with the system key, the address found at
-- sign-in by its blind index (HMAC under the index key). New and changed accounts are written
-- sealed only; the job accounts.seal_legacy seals the rows from before and clears their plaintext.
-- The plaintext columns go in a later release (contract). During a rolling upgrade an instance of
-- the previous release cannot sign in an account once it is sealed: upgrade all instances at once.
alter table users add column email_sealed bytea;
alter table users add column email_bidx bytea;
alter table users add column display_name_sealed bytea;
create unique index users_email_bidx on users (email_bidx);

-- audit_events: the stated purpose of an access is sealed (with the case's key, or the system key
-- for events about no case). Nothing wrote the plaintext column yet; it stays, always null, for a
-- release (the previous release names it in its inserts), and goes with the contract step.
alter table audit_events add column purpose_sealed bytea;
alter table audit_events add constraint audit_events_purpose_sealed check (purpose is null);
