-- The pipeline's bookkeeping in the build database: every audit.* table, created here and nowhere else
-- (pipelines/core/ledger.py: ensure_audit runs this file). Idempotent and cheap: on a database that has them all,
-- nothing is written (no WAL), so it runs on every connection and before each write to these tables.
-- A column added later is a migration below its table (`add column if not exists`): older build databases get it.
--
-- Made elsewhere, as they are computed, not bookkeeping of fixed shape: audit.keys_<table> and audit.frame_<table>
-- (validation, pipelines/validate/plan.py), audit.scope_<model> (the SQL models, pipelines/build/transforms.py),
-- and audit.publish_state in each published generation file, not the build (pipelines/publish/generations.py).

create schema if not exists audit;

-- The digest of sql/macros.sql the database's macros were last created from: pipelines/core/resources.py
-- (define_macros) creates them again only when the file changed.
create table if not exists audit.macros (sha256 varchar);

-- Every version of every file loaded from data/raw (and of the documents): the ingest (pipelines/ingest/sources.py) and
-- the documents asset (pipelines/prose/review.py). What every built table derives from.
create table if not exists audit.load_ledger (
    source_table varchar,
    file varchar,
    sha256 varchar,
    size_bytes bigint,
    rows bigint,
    encoding varchar,
    delimiter varchar,
    header_line bigint,
    extra_columns varchar[],
    first_loaded_at timestamptz,
    last_loaded_at timestamptz,
    last_seen_at timestamptz,
    removed_at timestamptz,
    primary key (source_table, file, sha256)
);

-- The file versions a source table's check last validated: written by validation (pipelines/validate/validation.py),
-- emptied by the ingest when it resets the quarantine (pipelines/ingest/sources.py). Only newer versions are validated.
create table if not exists audit.validated_versions (source_table varchar, file varchar, sha256 varchar);

-- Every expectation's result of every validation run, the validation history: pipelines/validate/validation.py
-- (record_results).
create table if not exists audit.validation_results (
    run_id varchar,
    source_table varchar,
    suite varchar,
    expectation varchar,
    columns varchar,
    success boolean,
    unexpected_count bigint,
    unexpected_sample varchar[],
    reason varchar,
    validated_at timestamptz
);

-- Every check's verdict (passed is null for rows loaded but not checked yet), and the fingerprints of what it read:
-- pipelines/core/ledger.py (record_check), called by the ingest, the validation, the model checks and the consistency
-- check. The publish reads the latest verdicts; `regind status` shows them.
create table if not exists audit.check_results (
    run_id varchar,
    check_name varchar,
    passed boolean,
    blocks_publish boolean,
    checked_at timestamptz default current_timestamp,
    fingerprint varchar,
    summary varchar,
    base_fingerprint varchar
);
alter table audit.check_results add column if not exists fingerprint varchar;
alter table audit.check_results add column if not exists summary varchar;
alter table audit.check_results add column if not exists base_fingerprint varchar;

-- Each target's last build (a SQL model, or published_warehouse) and the fingerprints of what it was built from:
-- pipelines/publish/publish.py (record_build), called by the SQL models and the publish. Unchanged inputs, no rebuild.
create table if not exists audit.builds (
    target varchar primary key,
    fingerprint varchar,
    built_at timestamptz,
    base_fingerprint varchar,
    file_states json
);
alter table audit.builds add column if not exists base_fingerprint varchar;
alter table audit.builds add column if not exists file_states json;

-- The row count and preview of each SQL model as last built, so a model kept as it was shows them without
-- counting again: pipelines/core/metadata.py (table_metadata with stored=True).
create table if not exists audit.table_metadata (
    qualified_name varchar primary key,
    row_count bigint,
    preview varchar
);

-- The change log: which tables changed, by which keys (null: the whole table), in order. Written by whoever writes
-- a big table (the ingest, the SQL models, the documents) through pipelines/publish/generations.py (log_change); the
-- publish copies only what changed since a generation was published.
create table if not exists audit.table_changes (seq bigint, table_name varchar, key_column varchar, keys varchar[]);

-- The last change each published generation (a or b) holds: pipelines/publish/generations.py.
create table if not exists audit.generations (generation varchar primary key, seq bigint);

-- This build database's identity, made once when the table is first created and kept: a generation published from
-- another build database (after `make clean`) is written again whole (pipelines/publish/generations.py).
create table if not exists audit.build_identity as select uuid()::varchar as id;
