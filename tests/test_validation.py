"""Broken sources: ERROR checks block everything downstream and leave the published file untouched;
bad rows go to quarantine with a reason while the good rows flow on."""

from pathlib import Path

import dagster as dg
import duckdb

from pipelines.core.resources import Warehouse
from tests.conftest import refresh, sha256

SEED_CSV = "2024-02_newspaper_regional_page.csv"


def observations_file(warehouse: Warehouse) -> Path:
    return Path(warehouse.raw_dir) / "observations" / SEED_CSV


def evaluation(result, asset: str, check: str = "expectations") -> dg.AssetCheckEvaluation:
    (found,) = [
        e
        for e in result.get_asset_check_evaluations()
        if e.asset_key.to_user_string() == asset and e.check_name == check
    ]
    return found


def assert_blocked_and_unpublished(result, warehouse: Warehouse, published_hash: str) -> None:
    assert not result.success
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert not materialized & {"staging/stg_observations", "fact_observation", "v_observation", "published_warehouse"}
    assert sha256(warehouse.published_path) == published_hash


def test_too_many_bad_rows_is_an_error_that_blocks_and_keeps_the_published_file(published_once):
    before = sha256(published_once.published_path)
    path = observations_file(published_once)
    lines = path.read_text(encoding="utf-8").splitlines()
    # every 2023 row's period becomes '2023-13': a file of malformed periods
    broken = [lines[0]] + [line.replace(",2023,", ",2023-13,", 1) for line in lines[1:]]
    path.write_text("\n".join(broken) + "\n", encoding="utf-8")

    result = refresh(published_once)

    check = evaluation(result, "raw/observations")
    assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
    assert "rows failed" in check.description
    assert_blocked_and_unpublished(result, published_once, before)


def test_an_empty_table_is_an_error(published_once):
    before = sha256(published_once.published_path)
    path = observations_file(published_once)
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")

    result = refresh(published_once)

    check = evaluation(result, "raw/observations")
    assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
    assert "at least one row" in check.description
    assert_blocked_and_unpublished(result, published_once, before)


def test_a_missing_required_column_fails_ingest_naming_file_and_column(published_once):
    before = sha256(published_once.published_path)
    extra = observations_file(published_once).with_name("no_value_column.csv")
    extra.write_text("region_code,indicator_code,period\n440300,gdp,2022\n", encoding="utf-8")

    result = refresh(published_once)

    (failure,) = [e for e in result.all_events if e.is_step_failure]
    message = failure.step_failure_data.error.message
    assert "observations/no_value_column.csv" in message and "value" in message and "region_code" in message
    assert_blocked_and_unpublished(result, published_once, before)


def append_rows(path: Path, rows: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(rows)


BAD_ROWS = (
    "440300,gdp,2022,32387.68,亿元,,,,\n"  # good
    "999999,gdp,2023,1.0,亿元,,,,\n"  # unknown region
    "440300,gdp_growth_yoy,2022,5000,%,,,,\n"  # implausible growth rate
    "440300,gdp,2021,30664.85,家,,,,\n"  # unit that does not measure GDP
)


def test_a_bad_row_is_quarantined_with_its_reason_and_the_rest_flow_on(published_once):
    append_rows(observations_file(published_once), BAD_ROWS)

    result = refresh(published_once)

    assert result.success
    check = evaluation(result, "raw/observations")
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert f"observations/{SEED_CSV}, line 96: the region exists in the row's period" in check.description
    assert evaluation(result, "raw/observations", "rows_conserved").passed
    with duckdb.connect(str(published_once.published_path), read_only=True) as con:
        quarantined = con.execute(
            "select _file, _line, region_code, _reason, _failed_expectations from quarantine.observations "
            "order by _line"
        ).fetchall()
        raw = con.execute("select count(*) from raw.observations").fetchone()[0]
        facts = con.execute("select count(*) from fact_observation").fetchone()[0]
        gdp_2022 = con.execute(
            "select value from v_observation where region_code = '440300' and indicator_code = 'gdp' "
            "and period_code = '2022'"
        ).fetchone()
    seed = f"observations/{SEED_CSV}"
    assert [(q[0], q[1]) for q in quarantined] == [(seed, 96), (seed, 97), (seed, 98)]
    assert (
        "the region exists in the row's period (_region_in_period='no region has the code 999999')" in quarantined[0][3]
    )
    assert quarantined[0][4] == ["expect_column_values_to_be_null"]
    assert (
        "at most its indicator's plausible maximum (data/raw/bounds) (_max_value=100.0, _value=5000.0)"
        in quarantined[1][3]
    )
    assert "unit is known and measures what the indicator measures" in quarantined[2][3]
    assert raw == facts + len(quarantined) == 97
    assert gdp_2022 == (3.238768e12,)


def test_a_file_with_too_many_bad_rows_is_an_error_naming_it(published_once):
    before = sha256(published_once.published_path)
    extra = observations_file(published_once).with_name("zz_extra.csv")
    extra.write_text(
        "region_code,indicator_code,period,value,unit,qualifier,entity,status,note\n" + BAD_ROWS, encoding="utf-8"
    )

    result = refresh(published_once)

    check = evaluation(result, "raw/observations")
    assert not check.passed and check.severity == dg.AssetCheckSeverity.ERROR
    assert "observations/zz_extra.csv (75.0%)" in check.description  # its first row is good (its source registered)
    assert_blocked_and_unpublished(result, published_once, before)


def test_a_duplicate_figure_is_quarantined(published_once):
    append_rows(observations_file(published_once), "440300,gdp,2023,34606.41,亿元,,,,\n")

    result = refresh(published_once)

    assert result.success
    with duckdb.connect(str(published_once.published_path), read_only=True) as con:
        reasons = con.execute("select _line, _reason from quarantine.observations order by _line").fetchall()
    assert [line for line, _ in reasons] == [2, 95]  # both conflicting rows: neither is silently preferred
    assert all("one figure per region, entity, indicator, period and source" in r for _, r in reasons)


def test_publish_refuses_a_build_whose_check_failed(published_once):
    """Materializing the publish alone after a failed check must not publish the unchecked build."""
    from pipelines.assets import all_assets

    before = sha256(published_once.published_path)
    path = observations_file(published_once)
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    refresh(published_once)
    publish = [a for a in all_assets if dg.AssetKey("published_warehouse") in a.keys]
    result = dg.materialize(publish, resources={"warehouse": published_once}, raise_on_error=False)
    assert not result.success
    assert sha256(published_once.published_path) == before


def test_validation_in_the_database_finds_duplicates_and_bad_rows(published_once):
    """Great Expectations runs in DuckDB on the frame of every row: a duplicate pair far apart in the file meets."""
    append_rows(observations_file(published_once), "440300,gdp,2023,34606.41,亿元,,,,\n999999,gdp,2023,1.0,亿元,,,,\n")

    result = refresh(published_once)

    assert result.success
    with duckdb.connect(str(published_once.published_path), read_only=True) as con:
        lines = [r[0] for r in con.execute("select _line from quarantine.observations order by _line").fetchall()]
        facts = con.execute("select count(*) from fact_observation").fetchone()[0]
    assert lines == [2, 95, 96]  # the duplicate pair, the bad region
    assert facts == 92


def test_a_warnings_table_of_an_older_build_loses_its_primary_key_and_keeps_its_rows():
    """DuckDB holds a primary key's index in memory: 1.7M warned rows of 30M ran past the memory limit writing it."""
    from pipelines.ingest.sources import create_warnings_table

    con = duckdb.connect()
    con.execute("create schema warnings")
    con.execute(
        "create table warnings.t (_file varchar, _file_sha256 varchar, _line bigint, _column bigint, _reason varchar, "
        "_rules varchar[], primary key (_file, _file_sha256, _line, _column))"
    )
    con.execute("insert into warnings.t values ('a.csv', 'x', 2, 0, 'unusual', ['bounds'])")
    create_warnings_table(con, "warnings.t")
    assert con.execute("select count(*) from duckdb_constraints() where table_name = 't'").fetchone()[0] == 0
    assert con.execute("select _file, _line, _reason from warnings.t").fetchall() == [("a.csv", 2, "unusual")]
