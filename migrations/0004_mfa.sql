-- Two-factor authentication with authenticator apps (TOTP) and recovery codes (docs/accounts.md).
-- The TOTP secret is a secret of the user's that belongs to no case: the encryption issue seals it
-- with the system key. Until then it is stored as it is, like the e-mail address.

create table mfa_totp (
  user_id uuid primary key references users (id),
  -- base32, 160 bits; null until an enrolment is confirmed
  secret text,
  confirmed_at timestamptz,
  -- The last time step a code was accepted for: a code works once, and no older one after it.
  last_step bigint,
  -- An enrolment started and not yet confirmed; a new start replaces it.
  pending_secret text,
  pending_expires_at timestamptz,
  check ((secret is null) = (confirmed_at is null))
);

create table mfa_recovery_codes (
  id uuid primary key,
  user_id uuid not null references users (id),
  -- SHA-256 of the user id and the code without its hyphen: the codes are about 49 bits of
  -- randomness, shown once.
  code_hash text not null,
  created_at timestamptz not null,
  used_at timestamptz
);
create index mfa_recovery_codes_user on mfa_recovery_codes (user_id) where used_at is null;

-- When this session gave its second factor; null: not (yet) given.
alter table sessions add column mfa_at timestamptz;
