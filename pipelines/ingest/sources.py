"""Source descriptors (data/raw/<table>/source.toml) -> one ingest asset per source table.

Files are read as printed (CSV in any common encoding and delimiter, or XLSX), headers matched in Chinese
or English, lineage added, and loaded incrementally: a file whose sha256 is already loaded is not read
again, and every version of every file is kept in the load ledger (audit.load_ledger).
"""

import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from pipelines.core.ledger import Verdict, ensure_audit, log_change, record_check
from pipelines.core.memory import release_memory
from pipelines.core.metadata import table_metadata
from pipelines.core.resources import Warehouse
from pipelines.ingest.descriptors import DUCKDB_READ_BYTES, LINEAGE_COLUMNS, SourceFileError, SourceTable, raw_asset_key
from pipelines.ingest.read import file_digest, file_name, read_source_file, source_files
from pipelines.ingest.read_duckdb import (
    CsvPlan,
    FileBytes,
    Spooled,
    drop_quietly,
    plan_csv_in_duckdb,
    read_csv_in_duckdb,
)


@dataclass
class LoadSummary:
    loaded: list[str]
    unchanged: list[str]
    removed: list[str]
    rows_loaded: int


def load_source_table(
    con: duckdb.DuckDBPyConnection, source: SourceTable, raw_dir: Path, spool_dir: Path, log=None
) -> LoadSummary:
    """Bring raw.<table> in line with the folder: read new and changed files only, drop removed ones, all in one
    transaction (see _read_phase and _write_phase)."""
    con.execute(
        "create schema if not exists raw; create schema if not exists quarantine; create schema if not exists valid; "
        "create schema if not exists warnings"
    )
    ensure_audit(con)
    paths = source_files(source, raw_dir)
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = ?", [source.name]
    ).fetchone()[0]
    if exists and not set(LINEAGE_COLUMNS) <= set(con.table(source.raw_table).columns):
        con.execute(f"drop table {source.raw_table} cascade")  # built by an older loader: read every file again
        exists = False
    loaded = (
        set(con.execute(f"select distinct _file, _file_sha256 from {source.raw_table}").fetchall()) if exists else set()
    )
    if exists:  # a file of no rows (a header alone) leaves none in the table: the ledger says it was read
        loaded |= set(
            con.execute(
                "select file, sha256 from audit.load_ledger where source_table = ? and rows = 0 and removed_at is null",
                [source.name],
            ).fetchall()
        )
    load = Load(con, source, raw_dir, spool_dir, loaded, exists, datetime.now(timezone.utc).replace(microsecond=0), log)
    while True:
        try:
            return _write_phase(load, _read_phase(load, paths))
        except _HandedOver as handed:
            load.python_first.add(handed.name)
            if log:
                log(
                    f"{source.raw_table}: {handed.name} is not a plain CSV for DuckDB (ragged or quoted lines, or not "
                    "UTF-8 throughout); reading it in Python, and the load again"
                )


class _HandedOver(Exception):
    """DuckDB could not read a file inside the load's transaction: it is rolled back and the load starts again."""

    def __init__(self, name: str):
        self.name = name


@dataclass
class Load:
    """One source table's load: where its files are and are spooled, the file versions the table holds already,
    whether the table exists, when the load runs, and the files DuckDB began to read and handed over (read in
    Python, before the transaction)."""

    con: duckdb.DuckDBPyConnection
    source: SourceTable
    raw_dir: Path
    spool_dir: Path
    loaded: set
    existed: bool
    now: datetime
    log: object = None
    python_first: set[str] = field(default_factory=set)
    rows_read: int = 0

    def read_log(self, name: str, rows: int, started: float) -> None:
        self.rows_read += rows
        if self.log:
            seconds = time.perf_counter() - started
            self.log(
                f"{self.source.raw_table}: read {name}, {rows:,} rows in {seconds:.1f} s "
                f"({rows / max(seconds, 1e-3):,.0f} rows/s); {self.rows_read:,} rows read so far"
            )


@dataclass
class Reads:
    """The read phase's result: every file's digest, the changed files (with DuckDB's plan for those it reads),
    the files read in Python and spooled to Parquet, and the files removed since the last load."""

    current: dict[str, str]
    changed: dict[str, tuple[Path, CsvPlan | None]]
    spooled: dict[str, Spooled]
    removed: list[str]


def _read_phase(load: Load, paths: list[Path]) -> Reads:
    """Files Python reads are read (and spooled to Parquet) before anything is written; files DuckDB reads are
    planned from their first lines, to be read straight into the table inside the write phase's transaction, so
    that 10 million rows are written once."""
    source = load.source
    load.rows_read = 0
    shutil.rmtree(load.spool_dir, ignore_errors=True)
    load.spool_dir.mkdir(parents=True)
    current: dict[str, str] = {}
    changed: dict[str, tuple[Path, CsvPlan | None]] = {}
    spooled: dict[str, Spooled] = {}
    try:
        for path in paths:
            name = file_name(source, path, load.raw_dir)
            data = path.read_bytes()
            current[name] = file_digest(path, data)
            if (name, current[name]) in load.loaded:
                continue
            plan = None
            if name not in load.python_first and _duckdb_may_read(source, path, data):
                plan = plan_csv_in_duckdb(source, path, name, data)
            changed[name] = (path, plan)
            if plan is None:
                started = time.perf_counter()
                parquet = load.spool_dir / f"{len(spooled):05d}.parquet"
                spooled[name] = _read_in_python(source, path, name, data, load.now, parquet)
                load.read_log(name, spooled[name].rows, started)
    except BaseException:
        _drop_spooled(load.con, spooled.values(), load.spool_dir)
        raise
    removed = sorted({f for f, _ in load.loaded} - set(current))
    return Reads(current, changed, spooled, removed)


def _write_phase(load: Load, reads: Reads) -> LoadSummary:
    """Every change in one transaction: the changed files' rows replace their old ones (DuckDB reads its files
    now), the ledger records each version, and the change log what changed. A file DuckDB cannot read after all
    is handed over to Python (_HandedOver), and the load starts again."""
    con, source, now = load.con, load.source, load.now
    changed, spooled, removed = reads.changed, reads.spooled, reads.removed
    exists = load.existed
    if changed or removed:
        _warm_up_great_expectations()
    if exists:  # new columns first: DuckDB cannot alter a table and insert into it in one transaction
        present = set(con.table(source.raw_table).columns)
        planned = [
            *(plan.columns for _, plan in changed.values() if plan),
            *(read.columns for read in spooled.values()),
        ]
        for column in dict.fromkeys(c for columns in planned for c in columns if c not in present):
            for table in (source.raw_table, source.quarantine_table):
                con.execute(f'alter table if exists {table} add column if not exists "{column}" varchar')
    rows_loaded, versions = 0, {}
    con.execute("begin")
    try:
        if exists:
            con.execute(f"delete from {source.raw_table} where _file in (select unnest(?))", [[*changed, *removed]])
        for index, (name, (path, plan)) in enumerate(changed.items()):
            read = spooled.get(name)
            if read is None:
                started = time.perf_counter()
                file = FileBytes(path, name, path.read_bytes())
                read = read_csv_in_duckdb(con, source, file, now, f"_ingest_{index:05d}", plan)
                if read is None:
                    raise _HandedOver(name)
            if not exists:
                con.execute(f"create table {source.raw_table} as select * from ({read.relation}) limit 0")
                exists = True
            con.execute(f"insert into {source.raw_table} by name select * from ({read.relation})")
            _drop_spooled(con, [read])
            if name not in spooled:
                load.read_log(name, read.rows, started)
            rows_loaded += read.rows
            versions[name] = read
        _record_versions(con, source, versions, now)
        _record_seen(con, source, reads.current, now)
        if exists and (changed or removed):
            log_change(con, source.raw_table, *(("_file", [*changed, *removed]) if load.existed else ()))
        if not load.existed:  # a new table: nothing validated yet
            _reset_quarantine(con, source)
        create_warnings_table(con, source.warnings_table)
        _comment_tables(con, source)
        con.execute("commit")
    except BaseException:
        try:
            con.execute("rollback")
        except duckdb.TransactionException:
            pass  # a failed commit has rolled back already
        raise
    finally:
        _drop_spooled(con, spooled.values(), load.spool_dir)
    return LoadSummary(
        loaded=list(changed),
        unchanged=sorted(set(reads.current) - set(changed)),
        removed=removed,
        rows_loaded=rows_loaded,
    )


def _record_versions(con: duckdb.DuckDBPyConnection, source: SourceTable, loaded: dict[str, Spooled], now) -> None:
    """The file versions loaded, in the load ledger: one statement for all of them (one each took 12 ms, a second
    for the 82 revisions of the region codes)."""
    if not loaded:
        return
    columns = zip(
        *(
            (
                name,
                r.raw.sha256,
                r.raw.size_bytes,
                r.rows,
                r.raw.encoding,
                r.raw.delimiter,
                r.raw.header_line,
                r.raw.extra_columns,
            )
            for name, r in loaded.items()
        )
    )
    con.execute(
        "insert into audit.load_ledger select ?, unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), unnest(?), "
        "unnest(?), unnest(?::varchar[][]), ?, ?, ?, null "
        "on conflict do update set rows = excluded.rows, last_loaded_at = excluded.last_loaded_at, "
        "last_seen_at = excluded.last_seen_at, removed_at = null",
        [source.name, *map(list, columns), now, now, now],
    )


def _record_seen(con: duckdb.DuckDBPyConnection, source: SourceTable, current: dict[str, str], now) -> None:
    """The versions present now were seen now; the others are removed."""
    versions = [list(current), list(current.values())]
    con.execute(
        "update audit.load_ledger set last_seen_at = ? where source_table = ? "
        "and (file, sha256) in (select unnest(?), unnest(?))",
        [now, source.name, *versions],
    )
    con.execute(
        "update audit.load_ledger set removed_at = ? where source_table = ? and removed_at is null "
        "and (file, sha256) not in (select unnest(?), unnest(?))",
        [now, source.name, *versions],
    )


def _comment_tables(con: duckdb.DuckDBPyConnection, source: SourceTable) -> None:
    for table, comment in (
        (
            source.raw_table,
            f"{source.description} Every cell as printed in data/raw/{source.name}/, with its file and line.",
        ),
        (
            source.quarantine_table,
            f"Rows of {source.raw_table} that failed a check, with _reason and _failed_expectations.",
        ),
        (
            source.warnings_table,
            f"Rows of {source.raw_table} kept but flagged by a warning of its suite (an unusual value), with _reason.",
        ),
    ):
        quoted = comment.replace("'", "''")
        con.execute(f"comment on table {table} is '{quoted}'")


def _duckdb_may_read(source: SourceTable, path: Path, data: bytes) -> bool:
    return (
        len(data) >= DUCKDB_READ_BYTES
        and path.suffix.lower() in {".csv", ".tsv", ".txt"}
        and source.encoding in ("auto", "utf-8", "utf-8-sig")
    )


def _read_in_python(source: SourceTable, path: Path, name: str, data: bytes, now: datetime, parquet: Path) -> Spooled:
    """One file read in Python and spooled to Parquet (memory holds one file at a time)."""
    raw = read_source_file(source, path, name, data)
    raw.frame["_ingested_at"] = pd.Series([now] * len(raw.frame), dtype="datetime64[us, UTC]", index=raw.frame.index)
    raw.frame.to_parquet(parquet, index=False)
    read = Spooled(f"select * from read_parquet('{parquet}')", list(raw.frame.columns), len(raw.frame), raw)
    raw.frame = pd.DataFrame(columns=raw.frame.columns)  # not a slice: that would keep the file's Arrow buffers
    release_memory(read.rows)
    return read


def _drop_spooled(con: duckdb.DuckDBPyConnection, spooled, spool_dir: Path | None = None) -> None:
    for read in spooled:
        drop_quietly(con, read.temp_tables)
    if spool_dir is not None:
        shutil.rmtree(spool_dir, ignore_errors=True)


def _warm_up_great_expectations() -> None:
    """Changed rows mean a suite will run: import Great Expectations (~4 s) in the background meanwhile.
    A later import of it waits for this one (Python's import lock) instead of starting again."""
    import importlib
    import threading

    threading.Thread(
        target=importlib.import_module, args=("great_expectations",), name="gx-import", daemon=True
    ).start()


# no primary key: DuckDB keeps an index in memory, and 1.7M warned rows of 30M ran past the memory limit writing it
# (validation deletes a row's old warning before writing its new one instead)
WARNINGS_DDL = """
create table if not exists {table} (
    _file varchar, _file_sha256 varchar, _line bigint, _column bigint, _reason varchar, _rules varchar[]
)
"""


def create_warnings_table(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """The warnings table, without the primary key an older build gave it."""
    schema, name = table.split(".")
    keyed = con.execute(
        "select count(*) from duckdb_constraints() where schema_name = ? and table_name = ? "
        "and constraint_type = 'PRIMARY KEY'",
        [schema, name],
    ).fetchone()[0]
    if keyed:
        con.execute(f"create or replace table {table}_unkeyed as select * from {table}")
        con.execute(f"drop table {table}")
        con.execute(f"alter table {table}_unkeyed rename to {name}")
    con.execute(WARNINGS_DDL.format(table=table))


def _reset_quarantine(con: duckdb.DuckDBPyConnection, source: SourceTable) -> None:
    """Empty quarantine.<table> and forget which file versions were validated: the table's check
    validates every row again."""
    con.execute(
        f"create or replace table {source.quarantine_table} as "
        f"select *, null::varchar as _reason, null::varchar[] as _failed_expectations from {source.raw_table} limit 0"
    )
    con.execute(f"drop table if exists {source.warnings_table}")
    con.execute("delete from audit.validated_versions where source_table = ?", [source.name])


def define_valid_view(con: duckdb.DuckDBPyConnection, source: SourceTable) -> None:
    """valid.<table>: the rows the suite validates (the raw rows, or the descriptor's frame of them with what
    they refer to) that are not in quarantine: what staging reads. Defined by the table's check, which decides
    the quarantine."""
    con.execute(f"create or replace view {source.valid_view} as {valid_rows_sql(source)}")


def valid_rows_sql(source: SourceTable, files: list[str] | None = None) -> str:
    """The query behind valid.<table>. The file version is part of the match, so a removed version's quarantined
    line never hides the same line of its replacement. With files, over those files' rows only: a model rebuilt for
    a few files computes the frame for them alone."""
    frame = source.frame_sql
    if files is not None:
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files) or "null"
        frame = frame.replace(source.raw_table, f"(select * from {source.raw_table} where _file in ({listed}))")
    return (
        f"select r.* from ({frame}) as r "
        f"anti join {source.quarantine_table} as q on q._file = r._file and q._line = r._line "
        "and q._column = r._column and q._file_sha256 = r._file_sha256"
    )


def build_ingest_asset(source: SourceTable, group: str = "raw") -> dg.AssetsDefinition:
    @dg.asset(
        key=raw_asset_key(source),
        group_name=group,
        kinds={"csv", "duckdb"},
        description=f"{source.description}\n\nOrigin: {source.origin}\n\nLicence: {source.licence}",
        metadata={"folder": f"data/raw/{source.name}", "files": source.files, "licence": source.licence},
    )
    def ingest(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            try:
                summary = load_source_table(
                    con,
                    source,
                    Path(warehouse.raw_dir),
                    Path(warehouse.directory) / ".spool" / source.name,
                    log=context.log.info,
                )
            except SourceFileError as error:
                raise dg.Failure(description=str(error), allow_retries=False) from None
            context.log.info(
                f"{source.raw_table}: {len(summary.loaded)} file(s) loaded ({summary.rows_loaded} rows), "
                f"{len(summary.unchanged)} unchanged, {len(summary.removed)} removed"
            )
            # the rows are unchecked until the table's check runs: the publish waits for its verdict
            record_check(con, source.check_name, Verdict(None, True, None, context.run.run_id))
            return dg.MaterializeResult(
                metadata={
                    **table_metadata(con, source.raw_table),
                    "files_loaded": dg.MetadataValue.json(summary.loaded),
                    "files_unchanged": len(summary.unchanged),
                    "files_removed": dg.MetadataValue.json(summary.removed),
                }
            )

    return ingest
