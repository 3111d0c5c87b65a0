-- The key hierarchy (docs/security.md): data keys, stored only wrapped by a master key of the key
-- provider, with the master version that wrapped them. The system key seals secrets that belong to
-- no case (TOTP secrets); case and report keys come with the cases and intake issues.

create table data_keys (
  id uuid primary key,
  purpose text not null check (purpose in ('system', 'case', 'report')),
  owner_id uuid,
  wrapped bytea not null check (length(wrapped) between 16 and 4096),
  master_version integer not null check (master_version > 0),
  created_at timestamptz not null,
  check ((purpose = 'system') = (owner_id is null))
);
create unique index data_keys_system on data_keys (purpose) where purpose = 'system';
create unique index data_keys_owner on data_keys (purpose, owner_id) where owner_id is not null;

-- TOTP secrets sealed with the system key (expand): new and confirmed secrets are written sealed;
-- a job seals the plaintext ones left from before and clears them. The plaintext columns go in a
-- later release (contract). Enrolments in flight restart (they wait ten minutes at most).
alter table mfa_totp add column secret_sealed bytea;
alter table mfa_totp add column pending_secret_sealed bytea;
alter table mfa_totp drop constraint mfa_totp_check;
alter table mfa_totp add constraint mfa_totp_secret_when_confirmed
  check ((confirmed_at is null) = (secret is null and secret_sealed is null));
update mfa_totp set pending_secret = null, pending_expires_at = null where pending_secret is not null;
