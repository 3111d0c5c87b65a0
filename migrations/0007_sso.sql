-- Single sign-on with OpenID Connect (docs/accounts.md). An account is bound to the pair
-- (issuer, subject) the identity provider asserts, never to an e-mail address alone.

create table user_identities (
  issuer text not null,
  subject text not null check (length(subject) between 1 and 255),
  user_id uuid not null references users (id),
  created_at timestamptz not null,
  last_used_at timestamptz,
  primary key (issuer, subject),
  -- one identity per provider and account
  unique (user_id, issuer)
);

-- A sign-in, link or step-up on its way through the identity provider: single-use, short-lived,
-- and bound to the browser that started it (browser_hash: the digest of a cookie only that
-- browser holds), so that nobody can finish a flow in someone else's browser.
create table sso_flows (
  state text primary key,
  browser_hash text not null,
  nonce text not null,
  code_verifier text not null,
  purpose text not null check (purpose in ('sign_in', 'link', 'step_up')),
  session_id uuid references sessions (id) on delete cascade,
  return_to text,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  check ((purpose = 'sign_in') = (session_id is null))
);
create index sso_flows_expiry on sso_flows (expires_at);

-- The issuer a session signed in through: its sign-out also ends the session at the provider.
alter table sessions add column sso_issuer text;
