-- Passkeys (WebAuthn credentials with user verification): a second factor and a phishing-resistant
-- sign-in of their own (docs/accounts.md). Only public keys are stored; the private key never
-- leaves the user's authenticator.

create table mfa_passkeys (
  id uuid primary key,
  user_id uuid not null references users (id),
  -- The credential id as the browser reports it (base64url): unique across all users, so a
  -- response names exactly one account.
  credential_id text not null unique check (length(credential_id) between 16 and 1400),
  public_key bytea not null,
  -- The authenticator's signature counter (0 for those that keep none, such as synced passkeys).
  counter bigint not null default 0,
  transports text[] not null default '{}',
  name text not null check (length(name) between 1 and 60),
  -- Synced to a cloud account (a "multi-device" credential) or bound to one device.
  backed_up boolean not null,
  created_at timestamptz not null,
  last_used_at timestamptz
);
create index mfa_passkeys_user on mfa_passkeys (user_id);

-- Challenges handed to a browser for one ceremony: single-use (deleted when answered) and short-lived.
-- 'register' and 'verify' belong to the session that asked; 'sign_in' (a sign-in with a passkey
-- alone) belongs to nobody until the answer names its credential.
create table webauthn_challenges (
  challenge text primary key,
  purpose text not null check (purpose in ('register', 'verify', 'sign_in')),
  session_id uuid references sessions (id) on delete cascade,
  expires_at timestamptz not null,
  check ((purpose = 'sign_in') = (session_id is null))
);
create index webauthn_challenges_expiry on webauthn_challenges (expires_at);
