"""The corpus of awkward and broken source files (tests/corpus/): each one dropped alone into
data/raw/observations/ of a fresh copy, refreshed, and its outcome asserted: loaded, quarantined with a
reason, or a clear ERROR that names the file. Never a silent drop."""

import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pytest

from pipelines.assets import sources
from pipelines.core.resources import Warehouse
from pipelines.ingest.descriptors import SourceFileError
from pipelines.ingest.read import read_source_file
from tests.conftest import copy_published, refresh_changed, sha256

CORPUS = Path(__file__).parent / "corpus"
SEED = "2024-02_newspaper_regional_page.csv"


@dataclass
class Loaded:
    """The refresh succeeds; these (region, indicator, period, entity) -> (value, unit, qualifier, obs_status)."""

    figures: dict
    rows: int
    warns: str = ""  # a substring of the known_columns warning


@dataclass
class Quarantined:
    """The refresh succeeds with these file lines quarantined, each reason containing a text."""

    lines: dict[int, str]
    rows_loaded: int


@dataclass
class Error:
    """The refresh fails (nothing downstream runs) with a message containing every text."""

    texts: list[str] = field(default_factory=list)


GDP_2023 = {("440300", "gdp", "2023", None): (3.46064e12, "CNY", "", "reported")}
CASES = {
    "utf8_bom.csv": Loaded(GDP_2023, 2),
    "gbk.csv": Loaded(
        {**GDP_2023, ("370215", "online_retail_sales", "2023", None): (1.35e10, "CNY", "", "reported")}, 2
    ),
    "gb18030.csv": Loaded(GDP_2023, 1),
    "tab_separated.tsv": Loaded(GDP_2023, 2),
    "cr_line_ends.csv": Loaded(GDP_2023, 2),
    "excel_unicode_text.txt": Loaded(GDP_2023, 2),
    "semicolon.csv": Loaded(GDP_2023, 2),
    "first_sheet.xlsx": Loaded({("370215", "online_retail_sales", "2023", None): (1.35e10, "CNY", "", "reported")}, 1),
    "named_sheet_title_rows.xlsx": Loaded(
        {**GDP_2023, ("440300", "gdp", "2022", None): (3.238768e12, "CNY", "", "reported")}, 2
    ),
    "title_rows.csv": Loaded(GDP_2023, 2),
    "thousands_separators.csv": Loaded(
        {**GDP_2023, ("440300", "vehicle_sales", "2023", "比亚迪"): (3024417.0, "vehicle", "", "reported")}, 2
    ),
    "fullwidth.csv": Loaded(
        {**GDP_2023, ("440300", "gdp_growth_yoy", "2023", None): (6.0, "percent", "", "reported")}, 2
    ),
    "multiplier_in_cell.csv": Loaded(
        {
            ("440300", "goods_trade_total", "2023", None): (3.87e12, "CNY", "", "reported"),
            ("370215", "online_retail_sales", "2023", None): (1.35e10, "CNY", "", "reported"),
        },
        2,
    ),
    "percent_signs.csv": Loaded(
        {
            ("440300", "gdp_growth_yoy", "2023", None): (6.0, "percent", "", "reported"),
            ("440300", "rd_intensity", "2023", None): (5.81, "percent", "", "reported"),
        },
        2,
    ),
    "falls.csv": Loaded(
        {
            ("440300", "gdp_growth_yoy", "2023", None): (-3.2, "percent", "", "reported"),
            ("440300", "secondary_industry_va_growth_yoy", "2023", None): (-3.2, "percent", "", "reported"),
        },
        2,
    ),
    "qualifiers_in_cell.csv": Loaded(
        {
            ("440300", "high_tech_enterprises", "2023", None): (24000.0, "enterprise", ">", "reported"),
            ("370215", "textile_apparel_enterprises", "2024-02", None): (3800.0, "enterprise", ">", "reported"),
            ("440300", "drone_pilots_trained_per_year", "2024-02", None): (10000.0, "person", "~", "reported"),
            ("370215", "garment_output_per_year", "2024-02", None): (8e8, "piece", "~", "reported"),
        },
        4,
    ),
    "missing_markers.csv": Loaded(
        {
            ("440300", "gdp", period, None): (None, "CNY", "", "missing")
            for period in ("2018", "2019", "2020", "2021", "2022")
        },
        5,
    ),
    "chinese_headers.csv": Loaded(GDP_2023, 1),
    "period_with_nian.csv": Loaded(GDP_2023, 1),
    "extra_column.csv": Loaded(GDP_2023, 1, warns="extra_column.csv: unknown column(s) reporter"),
    "large_one_bad_row.csv": Quarantined({12347: "unit is known"}, 19999),
    "truncated_last_line.csv": Quarantined({42: "the line has 3 fields where the header has 9"}, 40),
    "duplicate_conflicting.csv": Quarantined({2: "one figure per region", 42: "one figure per region"}, 39),
    "unknown_region.csv": Quarantined(
        {42: "the region exists in the row's period (_region_in_period='no region has the code 999999')"}, 40
    ),
    "unknown_indicator.csv": Quarantined(
        {42: "indicator_code is an indicator of indicators.csv (indicator_code='gdp_per_dragon')"}, 40
    ),
    "period_month_13.csv": Quarantined({42: "period '2023-13' is not a year"}, 40),
    "unquoted_comma.csv": Quarantined({42: "the line has 10 fields where the header has 9"}, 40),
    "conflicting_units.csv": Quarantined(
        {42: "the unit in the cell ('亿元') disagrees with the unit column ('家')"}, 40
    ),
    "missing_required_column.csv": Error(
        [
            "observations/missing_required_column.csv",
            "required column(s) period not found",
            "region_code, indicator_code, value, unit",
        ]
    ),
    "empty.csv": Error(["observations/empty.csv: the file is empty"]),
    "header_only.csv": Error(["the table has at least one row"]),
    "binary_garbage.csv": Error(["observations/binary_garbage.csv", "not a text file"]),
}


def test_the_corpus_is_whole():
    files = {p.name for p in CORPUS.iterdir() if p.suffix != ".py"}
    assert files == set(CASES)
    assert len(files) >= 25


def drop_alone(tmp_path: Path, template: Path, name: str) -> Warehouse:
    """The published warehouse of the good data, then its observations folder holding only the corpus file (its
    own source row added)."""
    warehouse = copy_published(template, tmp_path)
    raw = Path(warehouse.raw_dir)
    (raw / "observations" / SEED).unlink()
    shutil.copy(CORPUS / name, raw / "observations" / name)
    with (raw / "sources" / "sources.csv").open("a", encoding="utf-8") as f:
        f.write(f"{Path(name).stem},corpus file {name},tests,2026,tests/corpus/{name} (synthetic),synthetic\n")
    return warehouse


def failure_texts(result) -> str:
    steps = [e.step_failure_data.error.message for e in result.all_events if e.is_step_failure]
    checks = [e.description or "" for e in result.get_asset_check_evaluations() if not e.passed]
    return "\n".join(steps + checks)


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_file(tmp_path, template, name):
    warehouse = drop_alone(tmp_path, template, name)
    expected = CASES[name]
    before = sha256(warehouse.published_path)

    result = refresh_changed(warehouse, [f"observations/{name}", f"observations/{SEED}", "sources/sources.csv"])

    if isinstance(expected, Error):
        assert not result.success
        for text in expected.texts:
            assert text in failure_texts(result)
        assert sha256(warehouse.published_path) == before  # the good data's warehouse stands
        return
    assert result.success, failure_texts(result)
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        loaded = con.execute("select count(*) from fact_observation where _file like ?", [f"%{name}"]).fetchone()[0]
        quarantined = dict(con.execute("select _line, _reason from quarantine.observations").fetchall())
        read = con.execute("select rows from audit.load_ledger where file like ?", [f"%{name}"]).fetchone()[0]
        figures = {
            (r[0], r[1], r[2], r[3]): tuple(r[4:])
            for r in con.execute(
                "select region_code, indicator_code, period_code, entity_name, value, unit, qualifier, obs_status "
                "from v_observation"
            ).fetchall()
        }
    assert read == loaded + len(quarantined)  # nothing lost
    if isinstance(expected, Loaded):
        assert quarantined == {}
        assert loaded == expected.rows
        for key, figure in expected.figures.items():
            assert figures[key] == figure, key
        warnings = [
            e.description
            for e in result.get_asset_check_evaluations()
            if e.check_name == "known_columns" and not e.passed
        ]
        assert (expected.warns in " ".join(warnings)) if expected.warns else warnings == []
    else:
        assert set(quarantined) == set(expected.lines)
        for line, text in expected.lines.items():
            assert text in quarantined[line], quarantined[line]
        assert loaded == expected.rows_loaded


def test_a_declared_sheet_is_read_and_a_wrong_one_is_named():
    (observations,) = [s for s in sources if s.name == "observations"]
    path = CORPUS / "named_sheet_title_rows.xlsx"
    raw = read_source_file(replace(observations, sheet="数据"), path, path.name)
    assert raw.header_line == 4 and len(raw.frame) == 2
    with pytest.raises(SourceFileError, match="no sheet 'Data' \\(sheets: 说明, 数据\\)"):
        read_source_file(replace(observations, sheet="Data"), path, path.name)


def test_a_declared_encoding_that_does_not_fit_says_so():
    (observations,) = [s for s in sources if s.name == "observations"]
    path = CORPUS / "gbk.csv"
    with pytest.raises(SourceFileError, match="gbk.csv: not readable as utf-8 \\(byte 0\\)"):
        read_source_file(replace(observations, encoding="utf-8"), path, path.name)


@pytest.mark.slow  # builds a warehouse of its own
def test_a_file_with_thousands_of_unknown_columns_is_refused_naming_it(tmp_path):
    (observations,) = [s for s in sources if s.name == "observations"]
    seed = (CORPUS.parent.parent / "data" / "raw" / "observations" / SEED).read_text(encoding="utf-8").splitlines()
    wide = tmp_path / "wide.csv"
    wide.write_text(
        "\n".join(
            [seed[0] + "".join(f",extra_{j}" for j in range(10_000))] + [line + ",x" * 10_000 for line in seed[1:]]
        )
    )
    with pytest.raises(
        SourceFileError, match=r"wide.csv: 10,000 columns that data/raw/observations/source.toml does not list"
    ):
        read_source_file(observations, wide, "wide.csv")
