"""SQL files: dependencies read from the SQL itself, and the saved queries answer from the published file."""

from pathlib import Path

import pytest

from pipelines.assets import producers
from pipelines.build.transforms import (
    SQL_DIR,
    SqlModel,
    build_order,
    build_sql_assets,
    dependency_keys,
    load_models,
    tables_read,
)

QUERIES = sorted((SQL_DIR / "queries").glob("*.sql"))


def deps_of(name: str) -> set[str]:
    (model,) = [m for m in load_models() if m.name == name]
    return {k.to_user_string() for k in dependency_keys(model, producers)}


def test_dependencies_come_from_the_sql():
    # the region version of a fact comes resolved from the validated frame (valid.observations)
    assert deps_of("fact_observation") == {
        "staging/stg_observations",
        "dim_period",
        "dim_indicator",
        "dim_source",
        "dim_entity",
    }
    # and the candidates accepted from documents: review/candidates (pipelines/prose/review.py), raw/reviews (decisions)
    # and the status flags a table's title or notes print (staging/stg_obs_statuses)
    assert deps_of("stg_observations") == {
        "raw/observations",
        "staging/stg_qualifiers",
        "review/candidates",
        "raw/reviews",
        "dim_region",
        "staging/stg_obs_statuses",
    }
    assert deps_of("region_name") == {"dim_region"}
    assert deps_of("v_observation_current") == {"v_observation", "region_current"}
    assert deps_of("dim_region") == {"staging/stg_region_versions", "staging/stg_regions"}
    assert deps_of("v_observation_all") == {
        "fact_observation",
        "dim_region",
        "dim_indicator",
        "dim_period",
        "dim_source",
        "dim_entity",
        "observation_revision",
    }
    assert deps_of("v_observation") == {"v_observation_all"}  # its current figures


def test_cte_names_are_not_dependencies():
    assert tables_read("with regions as (select * from staging.stg_regions) select * from regions") == {
        "staging.stg_regions"
    }


def test_an_unknown_table_is_a_clear_error(tmp_path):
    path = tmp_path / "dim_oops.sql"
    model = SqlModel(name="dim_oops", layer="warehouse", path=path, sql="select * from staging.stg_nothing")
    with pytest.raises(
        ValueError, match=r"dim_oops.sql: reads staging.stg_nothing, which no source folder or SQL file produces"
    ):
        dependency_keys(model, producers)


def test_sql_that_does_not_parse_names_its_file():
    with pytest.raises(ValueError, match="broken.sql: SQL does not parse"):
        tables_read("select from where (", "broken.sql")


@pytest.mark.parametrize("path", QUERIES, ids=[p.stem for p in QUERIES])
def test_saved_queries_answer_from_the_published_file(published, path: Path):
    sql = path.read_text(encoding="utf-8")
    rows = published.execute(sql, {"region": "440300"} if "$region" in sql else None).fetchall()
    assert rows


def test_rd_query_gives_spending_and_intensity_by_year(published):
    rows = published.execute((SQL_DIR / "queries" / "rd_spending_and_intensity.sql").read_text()).fetchall()
    assert [(r[0], r[2], r[3], r[5]) for r in rows] == [
        ("440300", 2014, 6.43e10, 4.02),
        ("440300", 2023, 1.8805e11, 5.81),
    ]


def test_shenzhen_query_pairs_levels_with_growth(published):
    cursor = published.execute((SQL_DIR / "queries" / "shenzhen_2023_with_growth.sql").read_text())
    columns = [d[0] for d in cursor.description]
    rows = {r[0]: dict(zip(columns, r)) for r in cursor.fetchall()}
    assert rows["gdp"]["value"] == 3.46064e12 and rows["gdp"]["growth_yoy_percent"] == 6.0
    assert rows["nev_output"]["value"] is None and rows["nev_output"]["growth_yoy_percent"] == 104.2


def test_regions_ranked_by_growth(published):
    rows = published.execute((SQL_DIR / "queries" / "regions_ranked_by_growth.sql").read_text()).fetchall()
    ranked = {(r[0], r[3]): r[2] for r in rows}
    assert ranked[("gdp_growth_yoy", "440300")] == 1
    assert ranked[("online_retail_sales_growth_yoy", "370215")] == 1
    assert all(r[5] is not None for r in rows)


def test_directives_are_read_from_the_sql(tmp_path):
    (gap,) = [m for m in load_models() if m.name == "consistency_gap"]
    assert gap.scope == ("observations", "main.consistency_scope", "main.v_rule_figure")
    assert gap.settings() == ["set disabled_optimizers = ''", "set memory_limit = '1GB'"]
    assert {"main.consistency_scope", "main.v_rule_figure"} <= gap.reads and not any(
        t.startswith("temp.") for t in gap.reads
    )
    (fact,) = [m for m in load_models() if m.name == "fact_observation"]
    assert fact.incremental_source == "observations" and fact.scope is None and fact.settings() == []
    broken = SqlModel(
        name="x",
        layer="warehouse",
        path=tmp_path / "x.sql",
        sql="-- incremental by region and rule of observations\nselect 1",
    )
    with pytest.raises(ValueError, match=r"sql/warehouse/x.sql: write the directive as"):
        _ = broken.scope


def tiny_models(tmp_path, *pairs: tuple[str, str]) -> list[SqlModel]:
    return [SqlModel(name=n, layer="warehouse", path=tmp_path / f"{n}.sql", sql=sql) for n, sql in pairs]


def test_a_group_builds_each_model_after_those_it_reads(tmp_path):
    models = tiny_models(
        tmp_path,
        ("top", "select * from middle join low using (n)"),
        ("low", "select 1 as n"),
        ("middle", "select * from low"),
        ("apart", "select 2 as n"),
    )
    assert [m.name for m in build_order(models)] == ["low", "middle", "top", "apart"]
    looped = tiny_models(tmp_path, ("a", "select * from b"), ("b", "select * from a"), ("c", "select 1"))
    with pytest.raises(ValueError, match=r"read each other in a cycle: \['main.a', 'main.b'\]"):
        build_order(looped)


def test_a_model_whose_check_fails_stops_what_reads_it_in_its_step_and_the_step_fails(tmp_path, monkeypatch):
    import dagster as dg

    from pipelines.build import transforms
    from pipelines.core.resources import Warehouse

    models = tiny_models(
        tmp_path,
        ("codes", "select 'not six digits' as region_code, 'codes.csv' as _file, 1 as _line"),  # fails its suite
        ("from_codes", "select * from codes"),  # reads it: not built
        ("apart", "select 1 as n"),  # reads nothing of it: built
    )
    suite = {
        "name": "codes",
        "expectations": [
            {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "region_code", "regex": "^[0-9]{6}$"}}
        ],
    }
    monkeypatch.setattr(transforms, "model_suite", lambda model: suite if model.name == "codes" else None)
    (group,) = build_sql_assets(
        models,
        {m.qualified_name: m.key for m in models},
        built_from={m.name: frozenset() for m in models},
        incremental={},
        group_of=lambda key: "tiny",
    )
    assert group.op.name == "tiny_models" and set(group.keys) == {m.key for m in models}
    (tmp_path / "raw").mkdir()
    warehouse = Warehouse(raw_dir=str(tmp_path / "raw"), directory=str(tmp_path / "warehouse"), data_docs=False)
    result = dg.materialize([group], resources={"warehouse": warehouse}, raise_on_error=False)

    assert not result.success  # the blocking check failed the step
    built = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert built == {"codes", "apart"}
    (check,) = result.get_asset_check_evaluations()
    assert check.asset_key.to_user_string() == "codes" and not check.passed
