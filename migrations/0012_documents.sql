-- Documents (docs/documents.md): a document belongs to a case or a report; each version is one
-- encrypted blob in the blob store under a document key of its own, wrapped by the owner's data
-- key. Names are sealed with the owner's key; sizes, kinds and dates stay in the clear.
create table documents (
  id uuid primary key,
  owner_type text not null check (owner_type in ('case', 'report')),
  owner_id uuid not null,
  current_version integer not null check (current_version > 0),
  created_by uuid references users (id),
  created_at timestamptz not null,
  deleted_at timestamptz,
  deleted_by uuid references users (id),
  -- Optimistic concurrency: a new version or a deletion names the version it saw.
  version integer not null default 1
);
create index documents_owner on documents (owner_type, owner_id, created_at);

create table document_versions (
  document_id uuid not null references documents (id),
  version integer not null check (version > 0),
  -- What the version's key and stream are bound to (a copied blob or key opens nowhere else).
  id uuid not null unique,
  -- The blob's generated name in the store: never the file's name.
  blob_name text not null unique check (blob_name ~ '^[0-9a-f]{32}$'),
  -- The document key of this version, wrapped by the owner's data key (AES-256-GCM).
  key_wrapped bytea not null,
  name_sealed bytea not null,
  kind text not null,
  plaintext_bytes bigint not null check (plaintext_bytes >= 0),
  blob_bytes bigint not null check (blob_bytes > 0),
  -- HMAC-SHA-256 of the plaintext under a key derived from the document key: not a bare hash a
  -- dump could compare with a known document.
  integrity bytea not null check (length(integrity) = 32),
  stripped boolean not null,
  scanned boolean not null,
  uploaded_by uuid references users (id),
  uploaded_at timestamptz not null,
  primary key (document_id, version)
);

-- A blob being written: recorded (and committed) before the first byte goes to the store, and
-- removed in the transaction that records its version. What a crash leaves behind is found here
-- (or in the store without any row) by the sweeper and deleted.
create table blob_uploads (
  blob_name text primary key check (blob_name ~ '^[0-9a-f]{32}$'),
  started_at timestamptz not null
);
create index blob_uploads_started on blob_uploads (started_at);
