-- An administrator may require a user to set up their second factor again (a lost phone and lost
-- recovery codes): a four-eyes request like a password reset, approved by a team lead.
alter table approvals drop constraint approvals_kind_check;
alter table approvals add constraint approvals_kind_check
  check (kind in ('grant_role', 'reset_password', 'reset_mfa'));
