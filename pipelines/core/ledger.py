"""The audit trail the pipeline keeps in the build database: each check's verdicts, the loaded file versions, the
quarantine, each build's fingerprint (what a built table or the publish was built from) and the change log that the
publish copies only what changed by. Plain DuckDB, no Dagster: `regind status` and the report read it without
starting the orchestrator. Every audit.* table is defined in sql/audit.sql, which ensure_audit runs.

    record_check(con, "observations_suite", Verdict(True, False, "3 rows warned", run_id, fingerprint="ab12..."))
    latest_verdict(con, "observations_suite").passed       # True
    last_verdict(con, "observations_suite", "ab12...")     # the same verdict: reached on these inputs
    last_verdict(con, "observations_suite", "cd34...")     # None: the inputs changed since
    record_build(con, "main.fact_observation", build_fingerprint(con, raw_dir))
    log_change(con, "main.fact_observation", "_file", ["2024/gdp.csv"])  # only those files' rows changed
"""

import functools
import os
import weakref
from pathlib import Path
from typing import NamedTuple

import duckdb

from pipelines.core.paths import PROJECT_ROOT

AUDIT_SQL = PROJECT_ROOT / "sql" / "audit.sql"


class Verdict(NamedTuple):
    """A check's verdict as recorded (a tuple too: passed, blocks_publish, summary, run_id, ...)."""

    passed: bool | None  # None: rows loaded, not checked yet
    blocks_publish: bool
    summary: str | None
    run_id: str
    fingerprint: str | None = None  # of the inputs the verdict was reached on
    base_fingerprint: str | None = None  # of the rows validated before, when only new file versions were


@functools.cache
def _audit_sql() -> str:
    return AUDIT_SQL.read_text(encoding="utf-8")


@functools.cache
def _audit_probe() -> str:
    """A query naming every table and column sql/audit.sql defines and reading no row: it binds exactly when they all
    exist. Made from the file run on an empty in-memory database."""
    with duckdb.connect() as scratch:
        scratch.execute(_audit_sql())
        tables = scratch.execute(
            "select table_name, list(column_name order by column_index) from duckdb_columns() "
            "where schema_name = 'audit' group by 1 order by 1"
        ).fetchall()
    columns = ", ".join(f'"{table}"."{column}"' for table, names in tables for column in names)
    return f"select {columns} from {', '.join(f'audit.{table}' for table, _ in tables)} where false"


# connections (and cursors) of a database whose audit tables were found, committed, when they were opened: a run's
# steps asked ~40 times a small refresh, 2 ms each. Nothing drops an audit table while a connection is open.
_ENSURED: "weakref.WeakSet[duckdb.DuckDBPyConnection]" = weakref.WeakSet()


def ensure_audit(con: duckdb.DuckDBPyConnection, committed: bool = False) -> None:
    """Create the audit schema and its tables (sql/audit.sql) where they are missing, and add the columns an older
    build database lacks. Called on every connection and before each write to them, so it must cost little: a query
    that finds them all (0.8 ms, where running the file costs 3 ms) writes nothing, and a binding error does not
    abort the caller's transaction. committed: con is outside a transaction (what this finds or creates is
    committed), so later calls on it are skipped (see audited)."""
    if con in _ENSURED:
        return
    try:
        con.execute(_audit_probe())
    except (duckdb.CatalogException, duckdb.BinderException):
        con.execute(_audit_sql())
    if committed:
        _ENSURED.add(con)


def audited(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """con, a new cursor of a connection ensure_audit(..., committed=True) was called on: it sees the same tables."""
    _ENSURED.add(con)
    return con


def record_check(con: duckdb.DuckDBPyConnection, check: str, verdict: Verdict) -> None:
    """Keep each check's verdict in the build database, so a publish in any later run can ask for it."""
    ensure_audit(con)
    con.execute(
        "insert into audit.check_results (run_id, check_name, passed, blocks_publish, fingerprint, summary, "
        "base_fingerprint) values (?, ?, ?, ?, ?, ?, ?)",
        [
            verdict.run_id,
            check,
            verdict.passed,
            verdict.blocks_publish,
            verdict.fingerprint,
            verdict.summary,
            verdict.base_fingerprint,
        ],
    )


def latest_verdict(con: duckdb.DuckDBPyConnection, check: str) -> Verdict | None:
    """A check's latest verdict."""
    ensure_audit(con)
    row = con.execute(
        "select passed, blocks_publish, summary, run_id, fingerprint, base_fingerprint from audit.check_results "
        "where check_name = ? and passed is not null order by checked_at desc limit 1",
        [check],
    ).fetchone()
    return Verdict(*row) if row else None


def last_verdict(con: duckdb.DuckDBPyConnection, check: str, fingerprint: str) -> Verdict | None:
    """The latest verdict of a check, if it was reached on inputs with this fingerprint."""
    verdict = latest_verdict(con, check)
    return verdict if verdict and verdict.fingerprint == fingerprint else None


def latest_verdicts(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Each check's latest verdict: (check, passed, blocks_publish, summary, checked_at)."""
    return con.execute(
        "select check_name, arg_max(passed, checked_at), arg_max(blocks_publish, checked_at), "
        "arg_max(summary, checked_at), max(checked_at) from audit.check_results where passed is not null "
        "group by 1 order by 1"
    ).fetchall()


def quarantine_counts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """(table, rows) of every quarantine table (views of the lake's stage tables, on the lake)."""
    tables = con.execute(
        "select table_name from duckdb_tables() where schema_name = 'quarantine' "
        "and database_name = current_database() union select view_name from duckdb_views() "
        "where schema_name = 'quarantine' and database_name = current_database() order by 1"
    ).fetchall()
    return [(t, con.execute(f'select count(*) from quarantine."{t}"').fetchone()[0]) for (t,) in tables]


def loaded_versions(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Every file version in the warehouse now, and when it was loaded: what all built data derives from."""
    return con.execute(
        "select source_table, file, sha256, last_loaded_at::varchar from audit.load_ledger "
        "where removed_at is null order by all"
    ).fetchall()


# builds: what each built table and the publish were built from (audit.builds), and the change log


def build_fingerprint(
    con: duckdb.DuckDBPyConnection,
    raw_dir: Path,
    except_table: str | None = None,
    tables: frozenset[str] | None = None,
    versions: list[tuple] | None = None,
) -> str:
    """What every built table is a function of: the loaded file versions, the descriptors, the suites and the
    SQL files. Unchanged, a refresh has nothing to rebuild or publish (`make clean` forces it). With tables, only
    the versions of those source tables (the ones a model is built from); with except_table, all of it but that
    source table's files (see file_states). versions: loaded_versions(con), when the caller has them already."""
    import hashlib

    from pipelines.core.paths import PROJECT_ROOT

    digest = hashlib.sha256()
    versions = [
        v
        for v in (loaded_versions(con) if versions is None else versions)
        if v[0] != except_table and (tables is None or v[0] in tables)
    ]
    digest.update(repr(versions).encode())
    definitions = _definition_files(
        (raw_dir, *_folder_times(raw_dir, deep=False)),
        *((folder, *_folder_times(folder)) for folder in (PROJECT_ROOT / "gx", PROJECT_ROOT / "sql")),
    )
    stats = ((path, path.stat()) for path in definitions)
    digest.update(_definitions(tuple((path, stat.st_mtime_ns, stat.st_size) for path, stat in stats)))
    return digest.hexdigest()


def _folder_times(folder: Path, deep: bool = True) -> tuple[int, ...]:
    """The modification times of a folder and of its subfolders (all of them, or with deep=False its own): a file
    added, removed or renamed in one changes its time."""
    if deep:
        return tuple(os.stat(path).st_mtime_ns for path, _, _ in sorted(os.walk(folder)))
    return tuple(sorted(entry.stat().st_mtime_ns for entry in [folder, *folder.iterdir()] if entry.is_dir()))


@functools.lru_cache(maxsize=16)
def _definition_files(raw: tuple, gx: tuple, sql: tuple) -> tuple[Path, ...]:
    """The definition files (descriptors, suites, SQL files), listed again only when a folder of them changed (each
    argument is a folder and its times): the listing was 1.5 ms of every fingerprint, twice a step."""
    return (*sorted(raw[0].glob("*/source.toml")), *sorted(gx[0].rglob("*.json")), *sorted(sql[0].rglob("*.sql")))


@functools.lru_cache(maxsize=16)
def _definitions(stats: tuple[tuple[Path, int, int], ...]) -> bytes:
    """Each definition file's name and bytes, read again only when one of them changed (path, mtime, size): every
    step asks for them, and reading ~80 files each time cost 7 ms of a step."""
    return b"".join(path.name.encode() + path.read_bytes() for path, _, _ in stats)


def last_build(con: duckdb.DuckDBPyConnection, target: str) -> str | None:
    return last_build_state(con, target)[0]


def last_build_state(con: duckdb.DuckDBPyConnection, target: str) -> tuple[str | None, str | None, dict | None]:
    """(fingerprint, base fingerprint, file states) of the target's last build."""
    import json

    ensure_audit(con)
    row = con.execute(
        "select fingerprint, base_fingerprint, file_states from audit.builds where target = ?", [target]
    ).fetchone()
    if not row:
        return None, None, None
    return row[0], row[1], json.loads(row[2]) if row[2] else None


def record_build(
    con: duckdb.DuckDBPyConnection, target: str, fingerprint: str, base: str | None = None, states: dict | None = None
) -> None:
    import json

    ensure_audit(con)
    con.execute(
        "insert or replace into audit.builds (target, fingerprint, built_at, base_fingerprint, file_states) "
        "values (?, ?, current_timestamp, ?, ?)",
        [target, fingerprint, base, json.dumps(states) if states is not None else None],
    )


def file_states(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """Per file of a source table: its loaded version and which of its lines are quarantined. A row built
    from the file can change only when this does (or when anything in the base fingerprint does)."""
    rows = con.execute(
        f"""
        select l.file, l.sha256 || ':' || coalesce(q.lines::varchar, '0') || ':' || coalesce(q.mix::varchar, '')
        from audit.load_ledger as l
        left join (
            select _file, _file_sha256, count(*) as lines, bit_xor(hash(_line, _column)) as mix
            from quarantine.{table} group by all
        ) as q on q._file = l.file and q._file_sha256 = l.sha256
        where l.source_table = ? and l.removed_at is null
        """,
        [table],
    ).fetchall()
    return dict(rows)


def log_change(
    con: duckdb.DuckDBPyConnection, table: str, key_column: str | None = None, keys: list[str] | None = None
) -> None:
    """Note that a table changed: only the rows whose key_column is in keys (rows deleted, inserted or both), or,
    without them, all of it. A writer calls this in the transaction that changes the table."""
    ensure_audit(con)
    con.execute(
        "insert into audit.table_changes select coalesce(max(seq), 0) + 1, ?, ?, ? from audit.table_changes",
        [table, key_column if keys is not None else None, keys],
    )
