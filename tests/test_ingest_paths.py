"""The two ways a CSV file is read: DuckDB's read_csv (large UTF-8 long tables, read_csv_in_duckdb) and Python
(read_source_file, every other file). Wherever DuckDB takes a file, the raw rows must be the same, cell for cell,
with the same line numbers; where it cannot, it must hand the file over, never read it differently."""

from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from pipelines.assets import sources as source_tables
from pipelines.core.resources import DEFAULT_RAW_DIR, Warehouse
from pipelines.ingest import sources
from pipelines.ingest.descriptors import SourceFileError
from pipelines.ingest.read import read_source_file
from pipelines.ingest.read_duckdb import WHITESPACE, FileBytes, read_csv_in_duckdb
from tests.conftest import copy_raw, refresh

CORPUS = Path(__file__).parent / "corpus"
NOW = datetime(2026, 11, 27, tzinfo=timezone.utc)
OBSERVATIONS = next(s for s in source_tables if s.name == "observations")
CSV_FILES = sorted(
    [
        *CORPUS.glob("*.csv"),
        *CORPUS.glob("*.tsv"),
        *CORPUS.glob("*.txt"),
        *(DEFAULT_RAW_DIR / "observations").glob("*.csv"),
    ]
)


def _both_ways(con: duckdb.DuckDBPyConnection, path: Path):
    """(rows read by DuckDB or None if it handed the file over, rows read by Python or the error it raised)."""
    data = path.read_bytes()
    try:
        read = read_csv_in_duckdb(con, OBSERVATIONS, FileBytes(path, path.name, data), NOW, "_t")
    except SourceFileError as error:
        read = error
    try:
        raw = read_source_file(OBSERVATIONS, path, path.name, data)
        raw.frame["_ingested_at"] = NOW
    except SourceFileError as error:
        raw = error
    return read, raw


@pytest.mark.parametrize("path", CSV_FILES, ids=lambda p: p.name)
def test_duckdb_reads_a_file_as_python_does_or_hands_it_over(path):
    con = duckdb.connect()
    read, raw = _both_ways(con, path)
    if isinstance(read, Exception) or isinstance(raw, Exception):
        # the same refusal (a duplicated header column, a binary file), or DuckDB handing over what Python refuses
        assert read is None or str(read) == str(raw), (read, raw)
        return
    if read is None:
        return  # quoted line breaks, blank lines, ragged rows, another encoding: the exact path's work
    frame = raw.frame  # noqa: F841 (read by DuckDB below)
    assert sorted(read.columns) == sorted(raw.frame.columns)
    assert read.rows == len(raw.frame) and read.raw.header_line == raw.header_line
    assert (read.raw.sha256, read.raw.extra_columns) == (raw.sha256, raw.extra_columns)
    columns = ", ".join(f'"{c}"' for c in raw.frame.columns)
    con.execute(f"create table by_duckdb as select {columns} from ({read.relation})")
    con.execute(f"create table by_python as select {columns} from frame")
    differing = con.execute(
        "select count(*) from ((from by_duckdb except all from by_python) union all (from by_python except all "
        "from by_duckdb))"
    ).fetchone()[0]
    assert differing == 0, con.execute("from by_duckdb except all from by_python limit 3").fetchall()


def test_duckdb_takes_the_plain_files():
    """The comparison above is not vacuous: DuckDB reads the seed and the plain corpus files itself."""
    con = duckdb.connect()
    taken = {p.name for p in CSV_FILES if not isinstance(_both_ways(con, p)[0], (type(None), Exception))}
    assert {
        "2024-02_newspaper_regional_page.csv",
        "fullwidth.csv",
        "qualifiers_in_cell.csv",
        "chinese_headers.csv",
        "semicolon.csv",
        "tab_separated.tsv",
        "large_one_bad_row.csv",
    } <= taken
    assert not taken & {"gbk.csv", "gb18030.csv", "truncated_last_line.csv", "unquoted_comma.csv"}


@pytest.mark.parametrize("in_transaction", [False, True])
def test_line_numbers_survive_a_parallel_read(tmp_path, in_transaction):
    """400,000 records, read by several threads: each row keeps the line it was printed on (the value holds it),
    also inside a transaction, where DuckDB numbers rows from a high base."""
    path = tmp_path / "numbered.csv"
    lines = ["标题：编号即行号", "region_code,indicator_code,period,value,unit"]
    lines += [f"440300,gdp,2023,{n},亿元" for n in range(3, 400_003)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = duckdb.connect()
    con.execute("set threads = 4")
    if in_transaction:
        con.execute(
            "create temp table earlier as select range from range(1000); begin; create temp table other as select 1"
        )
    read = read_csv_in_duckdb(con, OBSERVATIONS, FileBytes(path, path.name, path.read_bytes()), NOW, "_t")
    assert read is not None and read.rows == 400_000
    wrong, title = con.execute(
        f"select count(*) filter (where _line <> value::bigint), any_value(_title) from ({read.relation})"
    ).fetchone()
    assert wrong == 0 and title == "标题:编号即行号"  # NFKC, as every title


def test_whitespace_class_is_pythons():
    """The RE2 class DuckDB trims cells with holds exactly the characters of str.isspace."""
    con = duckdb.connect()
    chars = [chr(c) for c in range(1, 0x110000) if not 0xD800 <= c < 0xE000]
    con.execute("create table cp as select unnest(?) as c", [chars])
    matched = {c for (c,) in con.execute(f"select c from cp where regexp_full_match(c, '{WHITESPACE}')").fetchall()}
    assert matched == {c for c in chars if c.isspace()}


@pytest.mark.slow  # builds a warehouse of its own
def test_a_refresh_reading_every_file_with_duckdb(tmp_path, monkeypatch):
    """End to end with DuckDB reading files of any size: a quarantined line keeps its number and reason, and a
    ragged file that DuckDB starts to read inside the load's transaction is handed to Python, losing nothing."""
    monkeypatch.setattr(sources, "DUCKDB_READ_BYTES", 0)
    raw_dir = copy_raw(tmp_path)
    for name in ("large_one_bad_row.csv", "truncated_last_line.csv"):
        (raw_dir / "observations" / name).write_bytes((CORPUS / name).read_bytes())
    warehouse = Warehouse(directory=str(tmp_path / "warehouse"), raw_dir=str(raw_dir), data_docs=False)
    assert refresh(warehouse).success
    with duckdb.connect(warehouse.build_path, read_only=True) as con:
        quarantined = con.execute("select _file, _line, _reason from quarantine.observations order by all").fetchall()
        loaded = dict(
            con.execute("select file, rows from audit.load_ledger where source_table = 'observations'").fetchall()
        )
    assert [(f, line) for f, line, _ in quarantined] == [
        ("observations/large_one_bad_row.csv", 12347),
        ("observations/truncated_last_line.csv", 42),
    ]
    assert "unit is known" in quarantined[0][2] and "the line has 3 fields" in quarantined[1][2]
    assert (
        loaded["observations/large_one_bad_row.csv"] == 20_000 and loaded["observations/truncated_last_line.csv"] == 41
    )
