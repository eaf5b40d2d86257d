"""Publishing without copying the warehouse. Two published generations live beside warehouse.duckdb
(.warehouse.a.duckdb and .warehouse.b.duckdb), and warehouse.duckdb is a hard link to the newer one. A publish
brings the older one up to date with the build, writing only what changed since that generation was published,
checkpoints it, and links it in as warehouse.duckdb with one rename. A reader keeps the file it opened.

What changed comes from audit.table_changes, which the writers of big tables fill: the ingest (raw.<table>, by
file) and the SQL models (by file, by region, or whole). Other tables (quarantine, warnings, audit, small lookups)
are compared by a checksum of their rows. A generation that a reader still holds, that is damaged, or that is
missing is replaced by a new file, filled table by table (the first publish does this)."""

import os
import shutil
from pathlib import Path

import duckdb

from pipelines.core.ledger import ensure_audit
from pipelines.core.paths import PROJECT_ROOT

GENERATIONS = ("a", "b")
# the build's bookkeeping, not for analysts: per-row keys of validation, consistency scope snapshots
INTERNAL_TABLES = (
    "audit.keys_",
    "audit.scope_",
    "audit.frame_",
    "audit.table_changes",
    "audit.generations",
    "audit.publish_state",
    "audit.build_identity",
)


def generation_paths(published: Path) -> list[Path]:
    return [published.parent / f".{published.stem}.{g}{published.suffix}" for g in GENERATIONS]


def next_generation(published: Path) -> Path:
    """The generation that is not linked as the published file (the older one, or one never written)."""
    current = published.stat().st_ino if published.exists() else None
    paths = generation_paths(published)
    stale = [p for p in paths if not p.exists() or p.stat().st_ino != current]
    return stale[0] if stale else paths[0]


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, list[tuple[str, str]]]:
    """schema.table -> its columns (name, type), for the tables a generation holds."""
    rows = con.execute(
        "select schema_name || '.' || table_name, list((column_name, data_type) order by column_index) "
        "from duckdb_columns() where database_name = ? and not internal "
        "and (schema_name, table_name) in (select (schema_name, table_name) from duckdb_tables() "
        "where database_name = ? and not temporary) group by 1",
        [catalog, catalog],
    ).fetchall()
    return {
        name: [tuple(c.values()) if isinstance(c, dict) else tuple(c) for c in columns]
        for name, columns in rows
        if not name.startswith(INTERNAL_TABLES)
    }


def table_checksums(con: duckdb.DuckDBPyConnection, tables: list[str]) -> list[tuple]:
    """(rows, order-free hash of the rows) of each table, in one query (a publish compares ~60 small tables on each
    side: two statements instead of 120, 0.2 s of a 0.8 s publish)."""
    if not tables:
        return []
    query = " union all ".join(
        f"select {i} as i, count(*) as n, bit_xor(hash(t)) as h from {table} as t" for i, table in enumerate(tables)
    )
    by_index = {i: (n, h) for i, n, h in con.execute(query).fetchall()}
    return [by_index[i] for i in range(len(tables))]


def sync_generation(con: duckdb.DuckDBPyConnection, target: Path, build_path: Path, log=None) -> dict:
    """Bring the generation file `target` up to date with the build `con` is connected to, in one transaction on
    it. A generation that is missing, or that cannot be opened for writing, starts again as a copy of the build
    file (checkpointed), without its bookkeeping. Returns what was written."""
    ensure_audit(con)
    build = con.execute("select current_database()").fetchone()[0]
    newest = con.execute("select coalesce(max(seq), 0) from audit.table_changes").fetchone()[0]
    (identity,) = con.execute("select id from audit.build_identity").fetchone()
    try:
        if not target.exists():
            raise FileNotFoundError("no such generation yet")
        con.execute(f"attach '{target}' as gen")
        if (
            con.execute(
                "select count(*) from duckdb_tables() where database_name = 'gen' and schema_name = 'audit' "
                "and table_name = 'publish_state'"
            ).fetchone()[0]
            == 0
            or con.execute("select count(*) from gen.audit.publish_state where build = ?", [identity]).fetchone()[0]
            == 0
        ):
            con.execute("detach gen")
            raise FileNotFoundError("published from another build database (make clean)")
    except (duckdb.Error, FileNotFoundError) as error:  # held by a reader in another process, or damaged
        if log and target.exists():
            log(f"{target.name} cannot be updated in place ({str(error).splitlines()[0][:120]}); starting it again")
        target.unlink(missing_ok=True)
        Path(f"{target}.wal").unlink(missing_ok=True)
        con.execute("checkpoint")
        shutil.copyfile(build_path, target)
        con.execute(f"attach '{target}' as gen")
        con.execute("begin")
        for table in con.execute(
            "select schema_name || '.' || table_name from duckdb_tables() where database_name = 'gen'"
        ).fetchall():
            if table[0].startswith(INTERNAL_TABLES):
                con.execute(f"drop table gen.{table[0]}")
        con.execute(
            "create schema if not exists gen.audit; create table gen.audit.publish_state (seq bigint, build varchar)"
        )
        con.execute("insert into gen.audit.publish_state values (?, ?)", [newest, identity])
        con.execute("commit")
        con.execute("checkpoint gen")
        con.execute("detach gen")
        _prune_changes(con, target, newest)
        return {"whole": ["(the build file, copied)"], "by_key": [], "checked": 0, "dropped": []}
    written = {"whole": [], "by_key": [], "checked": 0, "dropped": []}
    try:
        seq = con.execute("select max(seq) from gen.audit.publish_state").fetchone()[0]
        changes: dict[str, tuple[str, set] | None] = {}
        for table, column, keys in con.execute(
            "select table_name, key_column, keys from audit.table_changes where seq > ? order by seq", [seq]
        ).fetchall():
            if table in changes and changes[table] is None:
                continue
            if keys is None or (table in changes and changes[table][0] != column):
                changes[table] = None
            else:
                changes[table] = (column, changes.get(table, (column, set()))[1] | set(keys))
        logged = {t for (t,) in con.execute("select distinct table_name from audit.table_changes").fetchall()}
        ours, theirs = _tables(con, build), _tables(con, "gen")
        compared = [  # neither logged nor changed in shape: the same rows on both sides, unless their checksums differ
            t for t, columns in ours.items() if theirs.get(t) == columns and t not in changes and t not in logged
        ]
        differ = {
            t
            for t, a, b in zip(
                compared,
                table_checksums(con, [f"{build}.{t}" for t in compared]),
                table_checksums(con, [f"gen.{t}" for t in compared]),
            )
            if a != b
        }
        con.execute("begin")
        for table, columns in ours.items():
            schema = table.split(".")[0]
            if theirs.get(table) != columns or (table in changes and changes[table] is None):
                con.execute(f"create schema if not exists gen.{schema}")
                con.execute(f"create or replace table gen.{table} as select * from {build}.{table}")
                written["whole"].append(table)
            elif table in changes:
                column, keys = changes[table]
                con.execute(f"delete from gen.{table} where {column} in (select unnest(?::varchar[]))", [sorted(keys)])
                con.execute(
                    f"insert into gen.{table} by name select * from {build}.{table} "
                    f"where {column} in (select unnest(?::varchar[]))",
                    [sorted(keys)],
                )
                written["by_key"].append(f"{table} ({len(keys)} {column})")
            elif table not in logged:
                written["checked"] += 1
                if table in differ:
                    con.execute(f"create or replace table gen.{table} as select * from {build}.{table}")
                    written["whole"].append(table)
        for table in theirs.keys() - ours.keys():
            con.execute(f"drop table if exists gen.{table} cascade")
            written["dropped"].append(table)
        _copy_catalog(con, build)
        con.execute("update gen.audit.publish_state set seq = ?", [newest])
        con.execute("commit")
    except BaseException:
        try:
            con.execute("rollback")
        except duckdb.Error:
            pass
        con.execute("detach gen")
        raise
    con.execute("checkpoint gen")
    con.execute("detach gen")
    _prune_changes(con, target, newest)
    return written


def _copy_catalog(con: duckdb.DuckDBPyConnection, build: str) -> None:
    """Macros, views and comments. A view the generation holds already, with the same SQL and comment, stays: DuckDB
    binds a view when it is queried, so it reads the tables as they are now. The others are dropped, and created
    again where the build has them (recreating all 19 views and every table comment was ~190 statements of each
    publish, a tenth of its time)."""
    macros = (PROJECT_ROOT / "sql" / "macros.sql").read_text(encoding="utf-8")
    query = (
        "select schema_name, view_name, sql, comment from duckdb_views() where database_name = ? and not internal "
        "and not temporary"
    )
    ours = {(schema, name): (sql, comment) for schema, name, sql, comment in con.execute(query, [build]).fetchall()}
    theirs = {(schema, name): (sql, comment) for schema, name, sql, comment in con.execute(query, ["gen"]).fetchall()}
    views = [(*key, *view) for key, view in ours.items() if theirs.get(key) != view]
    for schema, name in (theirs.keys() - ours.keys()) | {(schema, name) for schema, name, *_ in views}:
        con.execute(f'drop view if exists gen."{schema}"."{name}" cascade')
    con.execute("use gen")
    try:
        con.execute(macros)
        pending = list(views)
        while pending:  # a view reading another is created after it
            failed = []
            for view in pending:
                schema, name, sql, comment = view
                con.execute(f"create schema if not exists {schema}")
                con.execute(f"set schema = '{schema}'")
                try:
                    con.execute(sql)
                except duckdb.CatalogException:
                    failed.append(view)
                    continue
                finally:
                    con.execute("set schema = 'main'")
                if comment:
                    con.execute(f'comment on view "{schema}"."{name}" is \'{comment.replace(chr(39), chr(39) * 2)}\'')
            if len(failed) == len(pending):
                raise RuntimeError(f"views {', '.join(v[1] for v in failed)} cannot be created in the published file")
            pending = failed
    finally:
        con.execute(f"use {build}")
    comments = (
        "select schema_name, table_name, comment from duckdb_tables() where database_name = ? and comment is not null"
    )
    kept = set(con.execute(comments, ["gen"]).fetchall())  # a table written whole lost its comment there
    for schema, name, comment in con.execute(comments, [build]).fetchall():
        if f"{schema}.{name}".startswith(INTERNAL_TABLES) or (schema, name, comment) in kept:
            continue
        con.execute(f'comment on table gen."{schema}"."{name}" is \'{comment.replace(chr(39), chr(39) * 2)}\'')


def _prune_changes(con: duckdb.DuckDBPyConnection, target: Path, seq: int) -> None:
    """Forget changes both generations have, but for each table's newest: a table named in the log has its writes
    logged, so a publish finds its changes there and compares no checksum of it (the region history's 270,000 rows,
    checksummed on both sides, were a fifth of a small publish). The newest row overall stays too: numbering goes
    on from it."""
    con.execute("insert or replace into audit.generations values (?, ?)", [_generation(target), seq])
    known = con.execute("select count(*), min(seq) from audit.generations").fetchone()
    if known[0] == len(GENERATIONS):
        con.execute(
            "delete from audit.table_changes where seq < ? "
            "and seq not in (select max(seq) from audit.table_changes group by table_name)",
            [known[1]],
        )


def copy_generation(con: duckdb.DuckDBPyConnection, generation: Path, published: Path) -> Path | None:
    """After the first publish: the other generation starts as a copy of this one, so that the next publish
    writes only what changed."""
    other = next(p for p in generation_paths(published) if p != generation)
    if other.exists():
        return None
    tmp = other.with_name(other.name + ".tmp")
    shutil.copyfile(generation, tmp)
    os.replace(tmp, other)
    seq = con.execute("select seq from audit.generations where generation = ?", [_generation(generation)]).fetchone()
    _prune_changes(con, other, seq[0] if seq else 0)
    return other


def _generation(path: Path) -> str:
    return path.stem.rsplit(".", 1)[-1]


def link_published(generation: Path, published: Path) -> None:
    """warehouse.duckdb becomes the generation's file, in one rename; readers of the old one keep it."""
    for stale in published.parent.glob(f".{published.name}.*.link"):
        stale.unlink(missing_ok=True)  # left by a killed publish
    tmp = published.parent / f".{published.name}.{os.getpid()}.link"
    os.link(generation, tmp)
    try:
        os.replace(tmp, published)
    finally:
        tmp.unlink(missing_ok=True)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
