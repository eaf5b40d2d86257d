"""The read-only door every command opens on the published warehouse (the file or the lake), and how results are
printed or written."""

import argparse
import re
import sys
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from pipelines.core.paths import DEFAULT_WAREHOUSE_DIR, PROJECT_ROOT, read_published

console = Console(width=None if Console().is_terminal else 160)


errors = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 160)


PUBLISHED = DEFAULT_WAREHOUSE_DIR / "warehouse.duckdb"
EXAMPLE_QUERY = PROJECT_ROOT / "sql" / "queries" / "shenzhen_2023_with_growth.sql"


SHOWN_TABLES = [
    "dim_region",
    "region_code_change",
    "dim_indicator",
    "dim_period",
    "dim_source",
    "fact_observation",
    "v_observation",
]


READ_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
TABLE_ROWS_SHOWN = 200


FORMATS = ("table", "csv", "json", "parquet")


class UsageError(Exception):
    """A mistake in what the user asked for: shown as one red line, exit status 2."""


def reads_lake(args: argparse.Namespace | None = None) -> bool:
    """Whether a command reads the lake: REGIND_TARGET=ducklake and no file given with --database."""
    from pipelines.publish.lake import target

    return not getattr(args, "database", None) and target() == "ducklake"


def open_warehouse(args: argparse.Namespace | None = None) -> duckdb.DuckDBPyConnection:
    """The published warehouse, read-only: a file given with --database, else the published file or, with
    REGIND_TARGET=ducklake, the lake (at --snapshot if given)."""
    from pipelines.publish.lake import Lake, read_lake

    snapshot = getattr(args, "snapshot", None)
    if not reads_lake(args):
        if snapshot is not None:
            raise UsageError(
                "--snapshot reads an earlier publish of the lake: set REGIND_TARGET=ducklake (README: Scaling out)"
            )
        return read_published(Path(getattr(args, "database", None) or PUBLISHED))
    try:
        return read_lake(Lake.from_env(), snapshot)
    except (ConnectionError, LookupError) as error:
        raise UsageError(str(error)) from None


def shown_warehouse(args: argparse.Namespace | None = None) -> str:
    from pipelines.publish.lake import Lake

    if not reads_lake(args):
        return shown_path(Path(getattr(args, "database", None) or PUBLISHED))
    snapshot = getattr(args, "snapshot", None)
    return f"the lake ({Lake.from_env().shown}{f', snapshot {snapshot}' if snapshot is not None else ''})"


def shown_path(path: Path) -> str:
    return str(path.relative_to(PROJECT_ROOT)) if path.is_relative_to(PROJECT_ROOT) else str(path)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() and abs(value) < 1e16 else f"{value:,.6g}"
    return str(value)


def print_result(title: str, columns: list[str], rows: list[tuple], total: int | None = None) -> None:
    table = Table(title=title or None, title_justify="left")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    console.print(table)
    if total is not None and total > len(rows):
        console.print(f"[yellow]{len(rows)} of {total:,} rows shown[/]: use --format csv --output FILE for all of them")


def check_read_only(sql: str) -> None:
    """Refuse anything but one SELECT (or EXPLAIN), naming what was refused and why."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as error:
        raise UsageError(f"the SQL does not parse: {error}") from None
    if not statements:
        raise UsageError("the SQL is empty")
    if len(statements) > 1:
        raise UsageError(f"one statement at a time, please: this SQL has {len(statements)}")
    kind = statements[0].type
    if kind not in READ_STATEMENTS:
        name = kind.name.replace("_", " ")
        raise UsageError(
            f"{name} is refused: regind query only reads the published warehouse (SELECT, EXPLAIN). Tables change "
            "only through `regind refresh` from data/raw; files are written with --format/--output, not COPY; "
            "ATTACH, INSTALL and LOAD are not available."
        )


def parameters(sql: str, given: list[str], source: str) -> dict[str, str]:
    """--param name=value for each $name in the SQL, bound by DuckDB (never pasted into the text)."""
    named = dict.fromkeys(re.findall(r"\$([A-Za-z_]\w*)", re.sub(r"'[^']*'|--[^\n]*", "", sql)))
    values = {}
    for item in given:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"--param {item!r}: write --param NAME=VALUE, e.g. --param region=440300")
        values[name.strip()] = value
    missing = [n for n in named if n not in values]
    unknown = [n for n in values if n not in named]
    if missing:
        raise UsageError(f"{source} needs " + " ".join(f"--param {n}=VALUE" for n in missing))
    if unknown:
        takes = ", ".join(named) or "no parameters"
        raise UsageError(f"{source} has no parameter {', '.join(unknown)} (it takes: {takes})")
    return values


def read_as_of(con: duckdb.DuckDBPyConnection, as_of: str) -> None:
    """v_observation, and the views that read it (v_observation_current ...), as known on a day: for the rest of
    this connection, a temporary view of the same name over observation_as_of (sql/macros.sql) shadows it."""
    from datetime import date

    try:
        day = date.fromisoformat(as_of)
    except ValueError:
        raise UsageError(f"--as-of {as_of!r} is not a date: write it as 2024-06-30") from None
    if not con.execute("select count(*) from duckdb_functions() where function_name = 'observation_as_of'").fetchone()[
        0
    ]:
        # a lake holds no macros: the file's, created for this connection
        macros = duckdb.extract_statements((PROJECT_ROOT / "sql" / "macros.sql").read_text(encoding="utf-8"))
        (macro,) = [m.query for m in macros if "macro observation_as_of" in m.query]
        con.execute(macro.replace("create or replace macro", "create or replace temp macro", 1))
    con.execute(f"create temp view v_observation as select * from observation_as_of(date '{day.isoformat()}')")


def write_result(result, fmt: str, output: str | None, title: str = "") -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if fmt == "table":
        rows = result.slice(0, TABLE_ROWS_SHOWN).to_pylist()
        print_result(title, result.column_names, [tuple(r.values()) for r in rows], total=result.num_rows)
        return
    if fmt == "parquet":
        pq.write_table(result, output)
    elif fmt == "csv":
        target = output or sys.stdout.buffer
        pacsv.write_csv(result, target)
        if not output:
            sys.stdout.flush()
    else:  # json: one array of objects, dates as ISO strings, Chinese as is
        frame = result.to_pandas()
        text = frame.to_json(orient="records", force_ascii=False, date_format="iso", indent=1)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
    if output:
        errors.print(f"wrote {result.num_rows:,} rows to {output} ({fmt})")
