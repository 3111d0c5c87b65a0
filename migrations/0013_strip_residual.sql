-- What metadata stripping found but could not remove (docs/documents.md): codes such as
-- 'authors_in_content', never the data itself; empty when nothing was left or nothing stripped.
alter table document_versions add column strip_residual text[] not null default '{}';
