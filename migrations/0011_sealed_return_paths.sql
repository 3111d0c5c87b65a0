-- The path a single sign-on flow returns to is sealed with the system key (docs/security.md): a
-- path of TMA can carry a search or a name in its query. Flows live ten minutes: the ones in flight
-- lose their path and return to the profile page. The plaintext column stays, unused, for the
-- previous release during a rolling deploy, and goes with the next contract step.
alter table sso_flows add column return_to_sealed bytea;
update sso_flows set return_to = null where return_to is not null;
