"""The read phase in DuckDB: a large UTF-8 CSV file read by DuckDB's reader, its figures parsed in SQL, the same
cells as the Python reader's."""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.ingest.descriptors import (
    FAST_PATH_BYTES,
    HEADER_SEARCH_ROWS,
    LINEAGE_COLUMNS,
    MAX_EXTRA_COLUMNS,
    SourceFileError,
    SourceTable,
)
from pipelines.ingest.layouts import LayoutError, Sidecar
from pipelines.ingest.names import (
    indicator_parts,
)
from pipelines.ingest.numbers import (
    FIGURE_COLUMNS,
    PLAIN_NUMBER,
    NumberFormatError,
    nfkc_text,
    normalise_period,
    read_figures,
)
from pipelines.ingest.read import (
    RawFile,
    _delimiter,
    _header,
    _header_index,
    _text_or_error,
    _title,
    _too_many_columns,
    file_digest,
)

# what Python's str.strip() removes (str.isspace), as an RE2 class: a cell is trimmed alike on every path.
# DuckDB's trim(text, characters) with these 29 characters is 8x slower than this regex.
WHITESPACE = r"[\s\x{0b}\x{1c}-\x{1f}\x{85}\p{Z}]"


DUCKDB_PARSERS = {"", "observations"}  # the others read a whole frame in Python (small catalog files)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _text(value: str | None) -> str:
    return "null::varchar" if value is None else "'" + value.replace("'", "''") + "'"


@dataclass
class Spooled:
    """A file read and held until the load's one transaction: rows to insert (`relation`, a SELECT or a Parquet
    scan), their columns, and the temp tables to drop afterwards."""

    relation: str
    columns: list[str]
    rows: int
    raw: RawFile
    temp_tables: list[str] = field(default_factory=list)


def _temp_table(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> str:
    con.register("_frame", frame)
    try:
        con.execute(f"create or replace temp table {name} as select * from _frame")
    finally:
        con.unregister("_frame")
    return name


@dataclass
class CsvPlan:
    """What a file's first lines tell before DuckDB reads it: where its header is, and the raw table's columns."""

    header_index: int
    header: list[str]
    delimiter: str
    head: list[list[str]]
    sidecar: Sidecar | None
    columns: list[str]


INDICATOR_KEY_COLUMNS = ["_indicator_key", "_indicator_bare", "_indicator_name_unit", "_indicator_level"]


PARSED_COLUMNS = {
    "": [],
    "observations": ["_number", "_number_upper", "_unit", "_qualifier", "_period", "_missing", *INDICATOR_KEY_COLUMNS],
}


def plan_csv_in_duckdb(source: SourceTable, path: Path, name: str, data: bytes) -> CsvPlan | None:
    """Whether DuckDB may read the file (UTF-8 text, a long table whose header is in its first lines, no blank
    header cell, no declared layout), and how; None sends it to the Python path."""
    try:
        sidecar = Sidecar.beside(path, name) if source.published_layouts else None
    except LayoutError as error:
        raise SourceFileError(str(error)) from None
    if source.format != "table" or source.parse not in DUCKDB_PARSERS or (sidecar and sidecar.layout):
        return None
    try:
        head = _text_or_error(data[: data.rfind(b"\n", 0, FAST_PATH_BYTES) + 1].decode("utf-8-sig"), name)
    except UnicodeDecodeError:
        return None
    delimiter = _delimiter(head, source.delimiter)
    rows = list(csv.reader(io.StringIO("\n".join(head.splitlines()[:HEADER_SEARCH_ROWS])), delimiter=delimiter))
    header_index = _header_index(rows, source)
    if header_index is None or not all(c.strip() for c in rows[header_index]):
        return None
    header = _header(rows[header_index], source, name, header_index + 1)
    extra = [c for c in header if c not in source.columns and not c.startswith("_")]
    if len(extra) > MAX_EXTRA_COLUMNS:
        _too_many_columns(source, name, extra)
    given = [*(sidecar.values if sidecar else {}), *source.defaults]
    columns = dict.fromkeys([*header, *source.columns, *given, *LINEAGE_COLUMNS, *PARSED_COLUMNS[source.parse]])
    return CsvPlan(header_index, header, delimiter, rows, sidecar, list(columns))


@dataclass(frozen=True)
class FileBytes:
    """A raw file as read from disk: its path, its name as the ledger knows it (under the raw folder), its bytes."""

    path: Path
    name: str
    data: bytes


def read_csv_in_duckdb(
    con: duckdb.DuckDBPyConnection,
    source: SourceTable,
    file: FileBytes,
    now: datetime,
    prefix: str,
    plan: CsvPlan | None = None,
) -> Spooled | None:
    """The common large file, read by DuckDB itself: UTF-8, a long table, one physical line per record, every
    record with the header's number of fields. Cells are NFC-normalised and trimmed as on the other paths; plain
    numbers are parsed in SQL, and only the other printed figures (超2.4万, —), the distinct units, qualifiers,
    periods and indicator names in Python. Anything else returns None, and the file takes the exact path (after
    a DuckDB error inside a transaction, that transaction must be rolled back)."""
    path, name, data = file.path, file.name, file.data
    plan = plan or plan_csv_in_duckdb(source, path, name, data)
    if plan is None:
        return None
    header_index, header, sidecar = plan.header_index, plan.header, plan.sidecar
    cells = f"{prefix}_cells"
    spec = "{" + ", ".join(f"{_text(c)}: 'VARCHAR'" for c in header) + "}"
    trimmed = ", ".join(  # NFC only for a cell that is not ASCII (as bytes and as characters, the same length)
        f"nullif(regexp_replace(case when strlen({_ident(c)}) = length({_ident(c)}) then {_ident(c)} "
        f"else nfc_normalize({_ident(c)}) end, {_text(f'^{WHITESPACE}+|{WHITESPACE}+$')}, '', 'g'), '') as {_ident(c)}"
        for c in header
    )
    try:
        con.execute("set preserve_insertion_order = true")  # rows in the file's order: their rowids give their lines
        con.execute(
            f"create or replace temp table {cells} as select {trimmed} from read_csv({_text(str(path))}, "
            f"columns = {spec}, header = false, skip = {header_index + 1}, delim = {_text(plan.delimiter)}, "
            "quote = '\"', escape = '\"', auto_detect = false, strict_mode = true, null_padding = false, "
            "encoding = 'utf-8')"
        )
        # rows keep the file's order (insertion order is preserved); inside a transaction rowids start at a high base
        count, first, last = con.execute(f"select count(*), min(rowid), max(rowid) from {cells}").fetchone()
    except duckdb.Error:  # not UTF-8 after all, or a record with another number of fields
        drop_quietly(con, [cells])
        return None
    newlines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    # blank lines or line breaks inside values: the exact path counts lines
    if newlines != header_index + 1 + count or (count and last - first + 1 != count):
        drop_quietly(con, [cells])
        return None
    given = dict(sidecar.values) if sidecar else {}
    defaults = {c: d.format(file_stem=path.stem) for c, d in source.defaults.items()}
    columns = {c: _ident(c) for c in header}
    for column in source.columns:
        columns.setdefault(column, "null::varchar")
    for column, value in [*given.items(), *defaults.items()]:
        columns[column] = f"coalesce({columns.get(column, 'null::varchar')}, {_text(value)})"
    title = _title(plan.head, header_index)
    citation, notes = (sidecar.citation or None, sidecar.notes or None) if sidecar else (None, None)
    digest = file_digest(path, data)
    lineage = {
        "_file": _text(name),
        "_file_sha256": _text(digest),
        "_line": f"rowid - {first or 0} + {header_index + 2}",
        "_column": "0::bigint",
        "_parse_error": "null::varchar",
        "_title": _text(title),
        "_citation": _text(citation),
        "_notes": _text(notes),
        "_ingested_at": f"{_text(now.isoformat())}::timestamptz",
    }
    # the file's rows as the raw table has them: a query over the cells, run by the insert (not stored twice)
    frame = (
        "(select "
        + ", ".join(f"{expr} as {_ident(c)}" for c, expr in [*columns.items(), *lineage.items()])
        + f" from {cells})"
    )
    temp_tables, relation = [cells], f"select * from {frame}"
    if source.parse == "observations":
        relation, made = _figures_in_duckdb(con, frame, prefix)
        temp_tables += made
    extra = [c for c in header if c not in source.columns and not c.startswith("_")]
    raw = RawFile(pd.DataFrame(), digest, len(data), "utf-8", plan.delimiter, header_index + 1, extra)
    return Spooled(relation, plan.columns, count, raw, temp_tables)


def drop_quietly(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    for table in tables:
        try:
            con.execute(f"drop table if exists {table}")
        except duckdb.Error:
            pass  # an aborted transaction: its rollback drops them


def _figures_in_duckdb(con: duckdb.DuckDBPyConnection, frame: str, prefix: str) -> tuple[str, list[str]]:
    """add_printed_figures and add_indicator_keys as SQL over a file's rows: a SELECT giving the same columns."""

    def distinct(column: str) -> list[str]:
        return [
            v for (v,) in con.execute(f"select distinct {column} from {frame} where {column} is not null").fetchall()
        ]

    def periods(value: str) -> tuple:
        try:
            return normalise_period(value), None
        except NumberFormatError as problem:
            return None, str(problem)

    maps = {
        "units": pd.DataFrame(
            [(v, nfkc_text(v)) for v in distinct("unit")], columns=["printed", "normal"], dtype="str"
        ),
        "qualifiers": pd.DataFrame(
            [(v, nfkc_text(v)) for v in distinct("qualifier")], columns=["printed", "normal"], dtype="str"
        ),
        "periods": pd.DataFrame(
            [(v, *periods(v)) for v in distinct("period")], columns=["printed", "normal", "error"], dtype="str"
        ),
        "indicators": pd.DataFrame(
            [(v, *indicator_parts(v)) for v in distinct("indicator")],
            columns=["printed", "_indicator_key", "_indicator_bare", "_indicator_name_unit", "_indicator_level"],
            dtype="str",
        ),
    }
    made = [_temp_table(con, f"{prefix}_{kind}", table) for kind, table in maps.items()]
    plain = f"regexp_full_match(f.value, {_text(PLAIN_NUMBER)})"
    other = con.execute(
        f"select f._line, f.value, u.normal, q.normal from {frame} as f "
        f"left join {prefix}_units as u on u.printed = f.unit "
        f"left join {prefix}_qualifiers as q on q.printed = f.qualifier where f.value is null or not {plain}"
    ).fetchall()
    rows, values, units, qualifiers = (list(c) for c in zip(*other)) if other else ([], [], [], [])
    figures = (
        pd.DataFrame(
            [(row, *figure) for row, figure in zip(rows, read_figures(values, units, qualifiers))],
            columns=["row", *FIGURE_COLUMNS, "error"],
        )
        .astype({c: "str" for c in [*FIGURE_COLUMNS, "error"]})
        .astype({"row": "int64"})
    )
    made.append(_temp_table(con, f"{prefix}_others", figures))
    relation = f"""
        select f.* replace (nullif(concat_ws('; ', f._parse_error, p.error, o.error), '') as _parse_error),
            case when o.row is null then f.value else o._number end as _number,
            o._number_upper,
            case when o.row is null then u.normal else o._unit end as _unit,
            case when o.row is null then q.normal else o._qualifier end as _qualifier,
            p.normal as _period,
            o._missing,
            i._indicator_key, i._indicator_bare, i._indicator_name_unit, i._indicator_level
        from {frame} as f
        left join {prefix}_others as o on o.row = f._line
        left join {prefix}_units as u on u.printed = f.unit
        left join {prefix}_qualifiers as q on q.printed = f.qualifier
        left join {prefix}_periods as p on p.printed = f.period
        left join {prefix}_indicators as i on i.printed = f.indicator
    """
    return relation, made
