"""The DuckLake target: the published warehouse as a DuckLake, its catalog in PostgreSQL and its data as Parquet
files under a data path. No Dagster here: `regind` reads the lake through this module.

The build stays where it is (build.duckdb, the same SQL files and suites) and is published to the warehouse file
as before. Writers then copy the file's analyst-facing schemas into the lake, in parallel, each into a stage schema
of this publish (p<id>_<schema>). One transaction swaps the published schemas: `main.fact_observation` and the
others become views of this publish's stage tables, and the build's own views (v_observation ...) are recreated
from their SQL. A reader sees the last swap or the one before it, never half of one; a reader pinned to an older
snapshot sees that publish whole (time travel), since DuckLake keeps dropped tables' files until they are expired.

DuckLake has no PRIMARY KEY, UNIQUE, CHECK, sequences, indexes or ENUM: the tables the lake receives carry none
(tests/test_lake.py checks the SQL files and the published tables)."""

import importlib
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

import duckdb

from pipelines.core.paths import DEFAULT_WAREHOUSE_DIR
from pipelines.core.redaction import redact
from pipelines.publish.generations import INTERNAL_TABLES, table_checksums  # the build's bookkeeping, not for analysts

TARGETS = ("duckdb_file", "ducklake")
# what analysts query (raw.<table> stays in build.duckdb: valid.<table> holds its rows that passed)
PUBLISHED_SCHEMAS = ("main", "staging", "review", "valid", "quarantine", "warnings", "audit")
# a publish's stage schemas in the lake: p<publish id>_<schema>
STAGE_SCHEMA = re.compile(rf"p[0-9a-z]+_({'|'.join(PUBLISHED_SCHEMAS)})")
# schemas whose views read the build's working tables (valid.<t>: raw rows not quarantined): published as tables
MATERIALIZED_SCHEMAS = ("valid",)
# extension file -> the PyPI package that carries it for this DuckDB version (loaded from file: no download)
EXTENSIONS = {"postgres_scanner": "duckdb_extension_postgres_scanner", "ducklake": "duckdb_extension_ducklake"}
COMMIT_AUTHOR = "regind"
CONFLICT_RETRIES = 5

T = TypeVar("T")


def target() -> str:
    """The warehouse target: REGIND_TARGET, duckdb_file (the default) or ducklake."""
    value = os.environ.get("REGIND_TARGET", "duckdb_file").strip() or "duckdb_file"
    if value not in TARGETS:
        raise ValueError(f"REGIND_TARGET={value!r} is not a warehouse target: set it to {' or '.join(TARGETS)}.")
    return value


@dataclass(frozen=True)
class Lake:
    """Where the lake is: the catalog as a libpq connection string (PostgreSQL), and the data path (a folder
    here; s3://... in production, with the httpfs extension and a secret). The catalog's password is best kept out
    of the string (PGPASSWORD, a password file, a service file: libpq reads them); where it is in, messages name
    the lake by `shown`, never by `catalog`."""

    catalog: str
    data_path: str

    @classmethod
    def from_env(cls) -> "Lake":
        return cls(
            catalog=os.environ.get("REGIND_LAKE_CATALOG", default_catalog()),
            data_path=os.environ.get("REGIND_LAKE_DATA_PATH", str(DEFAULT_WAREHOUSE_DIR / "lake")),
        )

    @property
    def shown(self) -> str:
        """The catalog as messages, logs and metadata show it: without its password."""
        if self.catalog.strip():
            return redact(self.catalog, self.catalog)
        service = os.environ.get("PGSERVICE")
        return f"service={service} (PGSERVICE)" if service else "libpq's defaults (the PG* variables)"

    def connect(
        self, alias: str = "lake", read_only: bool = False, snapshot: int | None = None
    ) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB with the lake attached as `alias` (and in use). read_only for analysts; snapshot pins
        the lake as it was at that snapshot (see publishes())."""
        con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
        con.execute("set enable_progress_bar = false")
        load_extensions(con)
        options = [f"data_path '{_quote(self.data_path.rstrip('/') + '/')}'"] if not read_only else ["read_only"]
        if snapshot is not None:
            options.append(f"snapshot_version {int(snapshot)}")
        if not read_only and "://" not in self.data_path:
            Path(self.data_path).mkdir(parents=True, exist_ok=True)
        try:
            con.execute(f"attach 'ducklake:postgres:{_quote(self.catalog)}' as {alias} ({', '.join(options)})")
        except duckdb.Error as error:
            con.close()
            failure = self._attach_failure(str(error).splitlines()[0], read_only, snapshot)
        else:
            failure = None
        if failure:  # raised outside the except block: DuckDB's message quotes the catalog, password and all
            raise failure from None
        con.execute(f"use {alias}")
        return con

    def _attach_failure(self, first: str, read_only: bool, snapshot: int | None) -> Exception:
        first = redact(first, self.catalog)
        if read_only and "does not exist" in first and "creating a new ducklake" in first.lower():
            return FileNotFoundError(
                f"there is no lake at '{self.shown}' yet: a refresh with REGIND_TARGET=ducklake "
                "(make run) creates it and publishes to it"
            )
        if snapshot is not None and "snapshot" in first.lower():
            return LookupError(f"the lake has no snapshot {snapshot}: `regind publishes` lists them ({first})")
        return ConnectionError(
            f"cannot attach the DuckLake catalog at '{self.shown}' ({first}). Check REGIND_LAKE_CATALOG (a libpq "
            "connection string: dbname=... host=... port=... user=..., its password best in PGPASSWORD or a password "
            "file) and that PostgreSQL is running there; the README's 'Scaling out' section starts one."
        )

    def initialize(self, attempts: int = 5) -> None:
        """Create the lake's catalog tables on first use. Writers starting together race for it: the losers find
        it created and go on."""
        for attempt in range(1, attempts + 1):
            try:
                self.connect().close()
                return
            except ConnectionError:
                if attempt == attempts:
                    raise
                time.sleep(0.3 * attempt)


def default_catalog() -> str:
    """Without REGIND_LAKE_CATALOG: the service PGSERVICE names (libpq reads host, database, user and password from
    the service file), else a local PostgreSQL's regind_lake database."""
    return "" if os.environ.get("PGSERVICE") else "dbname=regind_lake host=127.0.0.1 port=5432"


def _quote(text: str) -> str:
    return text.replace("'", "''")


def extension_file(name: str) -> Path:
    """The extension's file inside its PyPI wheel, for the DuckDB version installed."""
    package = EXTENSIONS[name]
    version = duckdb.__version__
    hint = f"pip install {package.replace('_', '-')}=={version} (make install does)"
    try:
        module = importlib.import_module(package)
    except ImportError as error:
        raise RuntimeError(f"the {name} extension is not installed: {hint}") from error
    path = Path(module.__file__).parent / "extensions" / f"v{version}" / f"{name}.duckdb_extension"
    if not path.exists():
        found = sorted(p.parent.name for p in Path(module.__file__).parent.glob("extensions/*/*.duckdb_extension"))
        raise RuntimeError(
            f"{package} has no {name} extension for DuckDB {version} (it has {', '.join(found) or 'none'}): {hint}"
        )
    return path


def load_extensions(con: duckdb.DuckDBPyConnection) -> None:
    for name in EXTENSIONS:
        con.execute(f"load '{_quote(str(extension_file(name)))}'")


def is_conflict(error: Exception) -> bool:
    return isinstance(error, duckdb.Error) and "conflict" in str(error).lower()


def with_retry(
    con: duckdb.DuckDBPyConnection,
    work: Callable[[duckdb.DuckDBPyConnection], T],
    what: str,
    attempts: int = CONFLICT_RETRIES,
    log: Callable[[str], None] | None = None,
) -> T:
    """Run work in one transaction; when DuckLake refuses the commit because another writer changed the same
    tables first, roll back and run it again on the new state (up to attempts times, with a growing pause)."""
    for attempt in range(1, attempts + 1):
        con.execute("begin")
        try:
            result = work(con)
            con.execute("commit")
            return result
        except duckdb.Error as error:
            try:
                con.execute("rollback")
            except duckdb.Error:
                pass  # a failed commit has already ended the transaction
            if not is_conflict(error) or attempt == attempts:
                raise
            if log:
                log(
                    f"{what}: another writer committed first ({redact(str(error).splitlines()[-1][:160])}); "
                    f"retry {attempt}"
                )
            time.sleep(0.2 * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


def stage_schema(publish_id: str, schema: str) -> str:
    return f"p{publish_id}_{schema}"


def published_tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> list[str]:
    """The tables of one published schema in a warehouse file attached as catalog, without the bookkeeping (and
    the views of a schema published as tables)."""
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = ? and not temporary "
        "union select view_name from duckdb_views() where database_name = ? and schema_name = ? and not internal "
        "and schema_name in (select unnest(?::varchar[])) order by 1",
        [catalog, schema, catalog, schema, list(MATERIALIZED_SCHEMAS)],
    ).fetchall()
    return [t for (t,) in rows if not f"{schema}.{t}".startswith(INTERNAL_TABLES)]


def export_schema(
    lake: Lake, source: Path, schema: str, publish_id: str, log: Callable[[str], None] | None = None
) -> dict[str, int]:
    """One writer: copy a schema's tables from the published warehouse file into this publish's stage schema in
    the lake, in one transaction. Writers of other schemas run at the same time, in other processes."""
    con = lake.connect()
    try:
        con.execute(f"attach '{_quote(str(source))}' as src (read_only)")
        con.execute("use src")  # the file's macros, which its views call, name its tables unqualified
        tables = published_tables(con, "src", schema)
        stage = stage_schema(publish_id, schema)
        if not tables:
            return {}

        def write(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
            con.execute(f'create schema if not exists lake."{stage}"')
            counts = {}
            for table in tables:
                con.execute(
                    f'create or replace table lake."{stage}"."{table}" as select * from src."{schema}"."{table}"'
                )
                counts[table] = con.execute(f'select count(*) from lake."{stage}"."{table}"').fetchone()[0]
            return counts

        return with_retry(con, write, f"writing {stage}", log=log)
    finally:
        con.close()


def swap(lake: Lake, source: Path, publish_id: str, info: dict, log: Callable[[str], None] | None = None) -> int:
    """In one transaction, point every published schema at this publish's stage tables and recreate the file's
    views from their SQL; drop what the file no longer has. Returns the snapshot it committed."""
    con = lake.connect()
    try:
        con.execute(f"attach '{_quote(str(source))}' as src (read_only)")
        wanted = {s: published_tables(con, "src", s) for s in PUBLISHED_SCHEMAS}
        views = con.execute(
            "select schema_name, view_name, sql from duckdb_views() where database_name = 'src' and not internal "
            "and schema_name in (select unnest(?::varchar[])) order by view_oid",
            [[s for s in PUBLISHED_SCHEMAS if s not in MATERIALIZED_SCHEMAS]],
        ).fetchall()
        comments = {
            (s, t): c
            for s, t, c in con.execute(
                "select schema_name, table_name, comment from duckdb_tables() where database_name = 'src' "
                "and comment is not null union all select schema_name, view_name, comment from duckdb_views() "
                "where database_name = 'src' and comment is not null"
            ).fetchall()
        }
        staged = {
            s
            for (s,) in con.execute("select schema_name from duckdb_schemas() where database_name = 'lake'").fetchall()
        }
        missing = [
            stage_schema(publish_id, s)
            for s, tables in wanted.items()
            if tables and stage_schema(publish_id, s) not in staged
        ]
        if missing:
            raise RuntimeError(
                f"not swapping: the writers did not write {', '.join(missing)}; run the publish_lake job again."
            )

        def switch(con: duckdb.DuckDBPyConnection) -> None:
            present = {
                (s, n, k)
                for s, n, k in con.execute(
                    "select schema_name, table_name, 'table' from duckdb_tables() where database_name = 'lake' "
                    "union all select schema_name, view_name, 'view' from duckdb_views() where database_name = 'lake' "
                    "and not internal"
                ).fetchall()
            }
            keep = {(s, t) for s, tables in wanted.items() for t in tables} | {(s, v) for s, v, _ in views}
            for schema, name, kind in sorted(present):
                if schema in PUBLISHED_SCHEMAS and ((schema, name) not in keep or kind == "table"):
                    con.execute(f'drop {kind} lake."{schema}"."{name}"')
            for schema, tables in wanted.items():
                con.execute(f'create schema if not exists lake."{schema}"')
                for table in tables:
                    con.execute(
                        f'create or replace view lake."{schema}"."{table}" as '
                        f'select * from "{stage_schema(publish_id, schema)}"."{table}"'
                    )
                    if comments.get((schema, table)):  # what the table holds, as the SQL file says
                        con.execute(
                            f'comment on view lake."{schema}"."{table}" is \'{_quote(comments[schema, table])}\''
                        )
            for schema, _name, sql in in_dependency_order(views):  # as the build defined them, over the published names
                con.execute(f'use lake."{schema}"')
                con.execute(re.sub(r"^\s*create\s+view\s", "create or replace view ", sql, count=1, flags=re.I))
            # earlier publishes' stages leave the current catalog in the same snapshot, so that the publish stays the
            # lake's latest snapshot (expiring older ones never removes it); time travel still reads them
            for (stage,) in con.execute(
                "select schema_name from duckdb_schemas() where database_name = 'lake'"
            ).fetchall():
                if STAGE_SCHEMA.fullmatch(stage) and not stage.startswith(f"p{publish_id}_"):
                    con.execute(f'drop schema lake."{stage}" cascade')
            con.execute("use lake.main")
            con.execute(
                "call lake.set_commit_message(?, ?, extra_info => ?)",
                [COMMIT_AUTHOR, f"publish {publish_id}", json.dumps({**info, "publish_id": publish_id})],
            )

        with_retry(con, switch, "swapping the published schemas", log=log)
        return con.execute(
            "select max(snapshot_id) from lake.snapshots() where commit_message = ?", [f"publish {publish_id}"]
        ).fetchone()[0]
    finally:
        con.close()


def in_dependency_order(views: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """(schema, name, sql) of views, each after the views its SQL names: a swap creates them in one transaction, where
    a failed statement cannot be retried (the file lists v_observation, which reads v_observation_all, first)."""
    pending, done, ordered = list(views), set(), []
    while pending:
        ready = [
            v
            for v in pending
            if not any(
                other[1] != v[1] and other[1] not in done and re.search(rf"\b{re.escape(other[1])}\b", v[2])
                for other in pending
            )
        ]
        if not ready:  # a cycle cannot be created anyway: let DuckDB say which
            ready = pending[:1]
        ordered += ready
        done.update(v[1] for v in ready)
        pending = [v for v in pending if v not in ready]
    return ordered


def publishes(con: duckdb.DuckDBPyConnection, catalog: str = "lake") -> list[dict]:
    """Every publish in the lake, oldest first: its snapshot, time and what it recorded."""
    rows = con.execute(
        f"select snapshot_id, snapshot_time, commit_extra_info from {catalog}.snapshots() "
        "where author = ? and commit_message like 'publish %' order by snapshot_id",
        [COMMIT_AUTHOR],
    ).fetchall()
    return [{"snapshot": s, "published_at": t, **json.loads(extra or "{}")} for s, t, extra in rows]


def latest_publish(lake: Lake) -> dict | None:
    lake.initialize()
    con = lake.connect(read_only=True)
    try:
        found = publishes(con)
        return found[-1] if found else None
    finally:
        con.close()


def read_lake(lake: Lake, snapshot: int | None = None) -> duckdb.DuckDBPyConnection:
    """The analysts' door to the lake: read-only, optionally pinned to a publish's snapshot, settings locked."""
    con = lake.connect(alias="warehouse", read_only=True, snapshot=snapshot)
    done = publishes(con, "warehouse")
    if not done:
        con.close()
        raise FileNotFoundError(
            f"the lake at '{lake.shown}' has no publish yet: run `make run` with REGIND_TARGET=ducklake."
        )
    if snapshot is not None and snapshot < done[0]["snapshot"]:
        con.close()
        raise LookupError(
            f"snapshot {snapshot} is older than the lake's first publish (snapshot {done[0]['snapshot']}): "
            "`regind publishes` lists the snapshots to read"
        )
    con.execute("set lock_configuration = true")
    return con


def tables_checksums(con: duckdb.DuckDBPyConnection, catalog: str, schema: str = "main") -> dict[str, tuple]:
    """(rows, order-free hash of the rows) of every table and view in a schema: equal on both targets."""
    names = [
        n
        for (n,) in con.execute(
            "select table_name from duckdb_tables() where database_name = ? and schema_name = ? "
            "union select view_name from duckdb_views() where database_name = ? and schema_name = ? and not internal "
            "order by 1",
            [catalog, schema, catalog, schema],
        ).fetchall()
    ]
    names = [n for n in names if not f"{schema}.{n}".startswith(INTERNAL_TABLES)]
    return dict(zip(names, table_checksums(con, [f'{catalog}."{schema}"."{n}"' for n in names])))
