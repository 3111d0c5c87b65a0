-- The names users give their passkeys ("Kim's phone") are sealed with the system key
-- (docs/security.md), bound to the passkey's row (expand): new names are written sealed; names
-- stored in plaintext before are still read, and the job mfa.seal_legacy seals and clears them.
-- The plaintext column goes in a later release (contract).
alter table mfa_passkeys add column name_sealed bytea;
alter table mfa_passkeys alter column name drop not null;
alter table mfa_passkeys drop constraint mfa_passkeys_name_check;
alter table mfa_passkeys add constraint mfa_passkeys_named
  check (name_sealed is not null or length(name) between 1 and 60);
