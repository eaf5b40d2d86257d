"""A refresh after files are added or removed validates and rebuilds only what they touch, and ends in
exactly the warehouse a refresh from scratch builds from the same files."""

import duckdb
import pytest

from pipelines.core.resources import Warehouse
from tests.conftest import copy_published, refresh

SEED_SOURCE = "2024-02_newspaper_regional_page"
HEADER = "region_code,indicator_code,period,value,unit,qualifier,entity,status,note,source_code\n"
# 33 synthetic new rows, so that one bad row stays under the 5% a file may have
NEW_ROWS = "".join(
    f"440300,gdp,{year},{year - 1000}.5,亿元,,,reported,synthetic test row,{SEED_SOURCE}\n"
    for year in range(1990, 2023)
)
# the seed's 2023 GDP of Shenzhen again, with another value: both it and the seed's row must be quarantined
DUPLICATE = f"440300,gdp,2023,1.0,亿元,,,reported,synthetic duplicate,{SEED_SOURCE}\n"

# every column of the built tables but the load time (which a rebuild from scratch changes)
TABLES = {
    "staging.stg_observations": "* exclude (_ingested_at)",
    "fact_observation": "* exclude (loaded_at)",
    "dim_period": "*",
    "quarantine.observations": "_file, _line, _reason",
    "consistency_gap": "*",
    "consistency_finding": "*",
    "derived_observation": "*",
}


@pytest.fixture()
def local(tmp_path, template) -> Warehouse:
    return copy_published(template, tmp_path)


def contents(warehouse: Warehouse) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        return {t: con.execute(f"select {columns} from {t} order by all").fetchall() for t, columns in TABLES.items()}


@pytest.fixture(scope="module")
def good_data_from_scratch(template) -> dict[str, list[tuple]]:
    """The tables of data/raw as a refresh from nothing built them (the session's template): what a warehouse whose
    files went back to data/raw's must hold, read once instead of built again."""
    return contents(Warehouse(directory=str(template / "warehouse"), data_docs=False))


def from_scratch(warehouse: Warehouse, tmp_path) -> dict[str, list[tuple]]:
    fresh = Warehouse(raw_dir=warehouse.raw_dir, directory=str(tmp_path / "from_scratch"), data_docs=False)
    assert refresh(fresh).success
    return contents(fresh)


def expectations_check(result):
    (found,) = [
        e
        for e in result.get_asset_check_evaluations()
        if e.asset_key.to_user_string() == "raw/observations" and e.check_name == "expectations"
    ]
    return found


def build_note(result, key: str) -> str:
    (materialization,) = [m for m in result.get_asset_materialization_events() if m.asset_key.to_user_string() == key]
    return materialization.materialization.metadata["build"].value


def test_a_new_file_is_validated_and_built_alone_and_matches_a_rebuild(local, tmp_path):
    assert refresh(local).success  # a refresh with nothing to do in between keeps the next one incremental
    (tmp_path / "raw" / "observations" / "added.csv").write_text(HEADER + NEW_ROWS + DUPLICATE, encoding="utf-8")

    result = refresh(local)

    assert result.success
    check = expectations_check(result)
    assert "new file version" in check.metadata["validated"].value
    # the new rows, and the one seed row sharing a key with them (the frame's key: the region and indicator as
    # resolved, so a row naming 深圳市 and one coding 440300 share it), and no other
    with duckdb.connect(str(local.build_path), read_only=True) as con:
        sharing = con.execute(
            "select count(*) from raw.observations where _file like '%newspaper%' and region_code = '440300' "
            "and indicator_code = 'gdp' and _period between '1990' and '2023' and entity is null"
        ).fetchone()[0]
    assert sharing == 1
    assert check.metadata["rows_validated"].value == 34 + sharing
    for table in ("staging/stg_observations", "fact_observation"):  # added.csv, and the seed (a row left)
        assert build_note(result, table).startswith("rebuilt only the rows of 2 changed file(s)")
    # Shenzhen's GDP changed: the rules naming GDP, on Shenzhen and on Guangdong (a sum of its cities)
    with duckdb.connect(str(local.build_path), read_only=True) as con:
        gdp_rules = con.execute(
            "select count(*) from staging.stg_rules where list_contains(list_prepend(indicator_code, inputs), 'gdp')"
        ).fetchone()[0]
    for table in ("consistency_gap", "consistency_finding", "derived_observation"):
        assert build_note(result, table).startswith(
            f"rebuilt only 2 region(s) x {gdp_rules} rule(s) whose figures changed"
        )
    got = contents(local)
    quarantined = [(f, line) for f, line, _ in got["quarantine.observations"]]
    assert ("observations/added.csv", 35) in quarantined and (
        "observations/2024-02_newspaper_regional_page.csv",
        2,
    ) in quarantined
    with duckdb.connect(str(local.published_path), read_only=True) as con:
        assert con.execute(
            "select value from staging.stg_observations where period_code = '2022' and _file like '%added.csv'"
        ).fetchone() == (1022.5e8,)
    assert got == from_scratch(local, tmp_path)


def test_removing_the_file_releases_the_row_it_duplicated(local, tmp_path, good_data_from_scratch):
    added = tmp_path / "raw" / "observations" / "added.csv"
    added.write_text(HEADER + NEW_ROWS + DUPLICATE, encoding="utf-8")
    assert refresh(local).success
    added.unlink()

    result = refresh(local)

    assert result.success
    assert "removed or replaced" in expectations_check(result).metadata["validated"].value
    got = contents(local)
    assert got["quarantine.observations"] == []
    with duckdb.connect(str(local.published_path), read_only=True) as con:
        assert (
            con.execute(
                "select count(*) from fact_observation where _line = 2 and _file like '%newspaper%'"
            ).fetchone()[0]
            == 1
        )
    assert got == good_data_from_scratch  # the files are data/raw's again


def test_a_changed_lookup_table_revalidates_every_row(local, tmp_path):
    regions = tmp_path / "raw" / "regions" / "regions.csv"
    regions.write_text(regions.read_text(encoding="utf-8"), encoding="utf-8")  # same bytes: nothing to do
    with regions.open("a", encoding="utf-8") as f:
        f.write("990000,测试省,Test province,province,000000,,,\n")

    result = refresh(local)

    assert result.success
    check = expectations_check(result)
    assert check.metadata["validated"].value.startswith("every row")
    assert contents(local) == from_scratch(local, tmp_path)


def test_a_row_naming_its_region_and_indicator_duplicates_a_coded_one(local, tmp_path):
    """Rows are the same observation when their region and indicator resolve alike, however they are printed:
    an incremental validation finds the coded seed row a named row duplicates, and releases it when it goes."""
    named = tmp_path / "raw" / "observations" / "named.csv"
    rows = "".join(
        f"深圳市,地区生产总值,{year},{year - 1000}.5,亿元,{SEED_SOURCE}\n" for year in range(1990, 2024)
    )  # 2023: the seed's
    named.write_text("地区,指标,period,value,unit,source_code\n" + rows, encoding="utf-8")

    result = refresh(local)

    assert result.success
    assert expectations_check(result).metadata["rows_validated"].value == 34 + 1
    quarantined = {(f, line) for f, line, _ in contents(local)["quarantine.observations"]}
    assert quarantined == {("observations/named.csv", 35), ("observations/2024-02_newspaper_regional_page.csv", 2)}
    assert contents(local) == from_scratch(local, tmp_path)

    named.unlink()
    assert refresh(local).success
    assert contents(local)["quarantine.observations"] == []
