"""Figures that check each other: every rule type (data/raw/rules) with a consistent and an inconsistent case, the
price-basis case that must not be reported, the explanations, values derived and labelled, and findings that follow
the files without touching a published figure. Figures here are SYNTHETIC test data, except the seed page's own."""

from pathlib import Path

import duckdb
import pytest

from tests.conftest import copy_published, refresh

HEADER = "region_code,indicator_code,period,value,unit,note\n"
CASES = {  # region: rows (indicator, period, value, unit); what the rules must say of them
    "110000": [
        ("gdp", 2022, "40000", "亿元"),
        ("rd_expenditure", 2022, "2400", "亿元"),
        ("rd_intensity", 2022, "6.00", "%"),
    ],
    "120000": [
        ("gdp", 2022, "16000", "亿元"),
        ("rd_expenditure", 2022, "500", "亿元"),
        ("rd_intensity", 2022, "4.50", "%"),
    ],
    "130000": [
        ("goods_exports", 2022, "3000", "亿元"),
        ("goods_imports", 2022, "2000", "亿元"),
        ("goods_trade_total", 2022, "5000", "亿元"),
    ],
    "140000": [("goods_exports", 2022, "6000", "亿元"), ("goods_trade_total", 2022, "5000", "亿元")],
    "150000": [
        ("gdp", 2022, "20000", "亿元"),
        ("primary_industry_va", 2022, "2000", "亿元"),
        ("secondary_industry_va", 2022, "8000", "亿元"),
        ("tertiary_industry_va", 2022, "9000", "亿元"),
    ],
    "210000": [
        ("gdp", 2022, "30000", "亿元"),
        ("primary_industry_va", 2022, "3000", "亿元"),
        ("secondary_industry_va", 2022, "12000", "亿元"),
        ("tertiary_industry_va", 2022, "15000", "亿元"),
    ],
    "220000": [
        ("goods_trade_total", 2022, "1000", "亿元"),
        ("goods_trade_total", 2023, "1100", "亿元"),
        ("goods_trade_total_growth_yoy", 2023, "10.0", "%"),
    ],
    "230000": [
        ("goods_trade_total", 2022, "1000", "亿元"),
        ("goods_trade_total", 2023, "1100", "亿元"),
        ("goods_trade_total_growth_yoy", 2023, "20.0", "%"),
    ],
    # a comparable-price growth rate beside current-price levels: 17.5% nominal against 5.0% real is no contradiction
    "310000": [("gdp", 2022, "40000", "亿元"), ("gdp", 2023, "47000", "亿元"), ("gdp_growth_yoy", 2023, "5.0", "%")],
    "320000": [
        ("high_tech_enterprises", 2014, "1000", "家"),
        ("high_tech_enterprises", 2023, "5200", "家"),
        ("high_tech_enterprises_multiple_vs_2014", 2023, "5.2", "倍"),
    ],
    "330000": [
        ("high_tech_enterprises", 2014, "1000", "家"),
        ("high_tech_enterprises", 2023, "5200", "家"),
        ("high_tech_enterprises_multiple_vs_2014", 2023, "6.0", "倍"),
    ],
    # printed under the wrong year: 2022's growth (1000 -> 1200) printed for 2023; a multiple of 2013 printed as of 2014
    "360000": [
        ("goods_trade_total", 2021, "1000", "亿元"),
        ("goods_trade_total", 2022, "1200", "亿元"),
        ("goods_trade_total", 2023, "1260", "亿元"),
        ("goods_trade_total_growth_yoy", 2023, "20.0", "%"),
    ],
    "370000": [
        ("high_tech_enterprises", 2013, "800", "家"),
        ("high_tech_enterprises", 2014, "1000", "家"),
        ("high_tech_enterprises", 2023, "5200", "家"),
        ("high_tech_enterprises_multiple_vs_2014", 2023, "6.5", "倍"),
    ],
    # goods trade printed in 亿元 where its parts are in 万亿元: a factor of 10^4
    "340000": [
        ("goods_exports", 2022, "3", "万亿元"),
        ("goods_imports", 2022, "2", "万亿元"),
        ("goods_trade_total", 2022, "5", "亿元"),
    ],
    # coarse printed figures: 1900 / 35000 = 5.43%, printed 5.6%; the rounding of 3.5万亿 explains most of it
    "350000": [
        ("gdp", 2022, "3.5", "万亿元"),
        ("rd_expenditure", 2022, "1900", "亿元"),
        ("rd_intensity", 2022, "5.6", "%"),
    ],
}


def children_case(template: Path) -> tuple[str, list[str]]:
    """A prefecture whose 3 to 6 subdivisions were the same in 2021 and 2022 (from the region history)."""
    with duckdb.connect(str(template / "warehouse" / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            """
            with children_at as (
                select parent_code, list(region_code order by region_code) as children, d
                from dim_region, (values (date '2021-12-31'), (date '2022-12-31')) as days(d)
                where parent_code like '____00' and parent_code not like '__0000'
                    and d between coalesce(valid_from, date '0001-01-01') and coalesce(valid_to, date '9999-12-31')
                group by parent_code, d
            )
            select parent_code, any_value(children) from children_at group by parent_code
            having count(distinct children) = 1 and count(*) = 2 and len(any_value(children)) between 3 and 6
            order by parent_code limit 1
            """
        ).fetchone()


def rows_of(cases: dict) -> str:
    return "".join(
        f"{region},{code},{period},{value},{unit},synthetic\n"
        for region, rows in cases.items()
        for code, period, value, unit in rows
    )


@pytest.fixture(scope="module")
def checked(tmp_path_factory, template):
    warehouse = copy_published(template, tmp_path_factory.mktemp("consistency"))
    parent, children = children_case(template)
    family = {
        child: [("retail_sales", 2022, str(100 + i), "亿元"), ("retail_sales", 2021, str(100 + i), "亿元")]
        for i, child in enumerate(children)
    }
    total = sum(100 + i for i in range(len(children)))
    family[parent] = [("retail_sales", 2022, str(total), "亿元"), ("retail_sales", 2021, str(total * 2), "亿元")]
    (Path(warehouse.raw_dir) / "observations" / "consistency_cases.csv").write_text(
        HEADER + rows_of(CASES) + rows_of(family), encoding="utf-8"
    )
    result = refresh(warehouse)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return warehouse, result, parent


def findings(warehouse, where: str = "true") -> dict[tuple, tuple]:
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        return {
            (rule, region, period): (explanation, severity, round(published, 4), round(recomputed, 4))
            for rule, region, period, explanation, severity, published, recomputed in con.execute(
                "select rule_code, region_code, period_code, explanation, severity, published_value, recomputed_value "
                f"from consistency_finding where {where}"
            ).fetchall()
        }


def test_each_rule_type_reports_the_inconsistent_case_only(checked):
    warehouse, _, parent = checked
    got = findings(warehouse, "region_code <> '440300'")
    assert set(got) == {
        ("rd_intensity", "120000", "2022"),  # ratio: 4.50 printed, 500 / 16000 = 3.125
        ("rd_intensity", "350000", "2022"),  # ratio, explained by rounding
        ("exports_in_trade", "140000", "2022"),  # part above its whole
        ("three_industries", "150000", "2022"),  # parts not summing to the whole
        ("nominal_growth", "230000", "2023"),  # 1000 -> 1100 is 10%, printed 20%
        ("high_tech_multiple", "330000", "2023"),  # 5200 / 1000 is 5.2, printed 6.0
        ("trade_parts", "340000", "2022"),
        ("exports_in_trade", "340000", "2022"),
        ("imports_in_trade", "340000", "2022"),
        ("retail_children", parent, "2021"),  # twice the sum of its subdivisions
        ("nominal_growth", "360000", "2023"),
        ("high_tech_multiple", "370000", "2023"),  # another year fits
    }
    assert got[("rd_intensity", "120000", "2022")] == ("unexplained", "warning", 4.5, 3.125)
    assert got[("nominal_growth", "230000", "2023")][2:] == (20.0, 10.0)
    assert got[("high_tech_multiple", "330000", "2023")][2:] == (6.0, 5.2)


def test_comparable_price_growth_is_never_reported(checked):
    warehouse, result, _ = checked
    assert not findings(warehouse, "region_code = '310000'")
    (check,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "consistency"]
    assert (
        check.metadata["not compared (comparable-price growth against current-price levels)"].value >= 2
    )  # Shanghai's, the seed's


def test_explanations(checked):
    warehouse, result, _ = checked
    got = findings(warehouse)
    assert got[("trade_parts", "340000", "2022")][0] == "unit_slip"
    assert got[("exports_in_trade", "340000", "2022")][0] == "unit_slip"
    assert got[("imports_in_trade", "340000", "2022")][0] == "unit_slip"
    assert got[("exports_in_trade", "140000", "2022")][0] == "unexplained"  # 6000 in 5000: no factor explains it
    assert got[("rd_intensity", "350000", "2022")][:2] == ("rounding", "info")
    assert got[("nominal_growth", "360000", "2023")][0] == "other_period"
    assert got[("high_tech_multiple", "370000", "2023")][0] == "other_period"
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        fits = dict(
            con.execute(
                "select region_code, fits_period || ': ' || explanation_text from consistency_finding "
                "where region_code in ('360000', '370000')"
            ).fetchall()
        )
    assert fits["360000"].startswith(
        "2022: another period fits: with goods_trade_total of 2022 and the year before the recomputed value is 20 "
    )
    assert fits["370000"].startswith(
        "2013: another period fits: with high_tech_enterprises of 2013 the recomputed value is 6.5 "
    )
    (check,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "consistency"]
    assert not check.passed and check.severity.value == "WARN"
    assert check.metadata["findings"].value == len(got)


def test_findings_name_their_observations(checked):
    warehouse, _, _ = checked
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        keys, places = con.execute(
            "select observation_keys, places from consistency_finding where rule_code = 'nominal_growth' "
            "and region_code = '230000'"
        ).fetchone()
        printed = con.execute(
            "select list(indicator_code || ' ' || period_code || ' ' || published_value order by observation_key) "
            "from v_observation where observation_key in (select unnest(?))",
            [keys],
        ).fetchone()[0]
    assert sorted(printed) == sorted(
        ["goods_trade_total_growth_yoy 2023 20.0", "goods_trade_total 2023 1100", "goods_trade_total 2022 1000"]
    )
    assert all(p.startswith("observations/consistency_cases.csv, line ") for p in places)


def test_derived_values_are_labelled_and_never_replace_a_published_figure(checked):
    warehouse, _, _ = checked
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        derived = {
            (region, entity, code, period): (round(value, 1), qualifier, rule, status)
            for region, entity, code, period, value, qualifier, rule, status in con.execute(
                "select region_code, entity_name, indicator_code, period_code, value, qualifier, rule_code, obs_status "
                "from v_observation_with_derived where obs_status = 'derived'"
            ).fetchall()
        }
        published = con.execute(
            "select count(*) from v_observation_with_derived where obs_status <> 'derived'"
        ).fetchone()[0]
        facts = con.execute("select count(*) from fact_observation").fetchone()[0]
    # the seed: BYD's 2022 sales from 3,024,417 and +61.9%; the 2014 count of high-tech enterprises from 超2.4万 / 5.2
    assert derived[("440300", "比亚迪", "vehicle_sales", "2022")] == (1868077.2, "", "nominal_growth", "derived")
    assert derived[("440300", None, "high_tech_enterprises", "2014")] == (4615.4, ">", "high_tech_multiple", "derived")
    assert derived[("210000", None, "primary_industry_share", "2022")] == (
        10.0,
        "",
        "primary_industry_share",
        "derived",
    )
    # a comparable-price growth rate never derives a level; a published figure is never derived again
    assert ("440300", None, "gdp", "2022") not in derived
    assert ("220000", None, "goods_trade_total", "2022") not in derived
    assert published == facts


def test_the_seed_has_one_finding_and_another_years_figure_explains_it(tmp_path, template):
    """The page's R&D intensity (5.81%) is not its R&D spending over its GDP (5.43%). Shenzhen's 2022 GDP, dropped in
    as a file, fits: the spending printed for 2023 is 2022's. Removing the file takes the explanation back."""
    warehouse = copy_published(template, tmp_path)
    assert findings(warehouse) == {("rd_intensity", "440300", "2023"): ("unexplained", "warning", 5.81, 5.434)}
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        before = con.execute("select * exclude (loaded_at) from fact_observation order by observation_key").fetchall()

    added = Path(warehouse.raw_dir) / "observations" / "shenzhen_2022.csv"
    added.write_text(
        HEADER + "440300,gdp,2022,32387.68,亿元,synthetic test file: Shenzhen's published 2022 GDP\n", encoding="utf-8"
    )
    assert refresh(warehouse).success
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        fits = con.execute("select fits_period, explanation_text from consistency_finding").fetchall()
        after = con.execute(
            "select * exclude (loaded_at) from fact_observation where _file not like '%shenzhen_2022%' "
            "order by observation_key"
        ).fetchall()
    assert findings(warehouse)[("rd_intensity", "440300", "2023")][0] == "other_period"
    assert fits[0][0] == "2022" and "gdp of 2022" in fits[0][1]
    assert after == before  # no published figure touched

    added.unlink()
    assert refresh(warehouse).success
    assert findings(warehouse) == {("rd_intensity", "440300", "2023"): ("unexplained", "warning", 5.81, 5.434)}


def test_findings_show_in_status_and_beside_their_figures_in_the_report(checked, capsys):
    from pipelines.cli.main import main

    warehouse, _, _ = checked
    assert main(["status", "--database", str(warehouse.published_path)]) == 0
    out = capsys.readouterr().out
    assert "Figures that disagree (13; consistency_finding)" in out
    assert "nominal_growth" in out and "230000 2023" in out
    page = (Path(warehouse.directory) / "report" / "index.html").read_text(encoding="utf-8")
    assert "Figures that disagree (13)" in page
    # the seed's R&D intensity in Shenzhen's table carries its finding
    assert "rd_intensity (warning): published 5.81, recomputed 5.434" in page


def assert_same_rows(build: Path, other: Path, models) -> None:
    """Each model has rows, and the same rows in both build databases."""
    with duckdb.connect(str(build), read_only=True) as con:
        con.execute(f"attach '{other}' as single (read_only)")
        for model in models:
            rows = con.execute(f"select count(*) from {model}").fetchone()[0]
            differing = con.execute(
                f"select count(*) from ((from {model} except all from single.{model}) "
                f"union all (from single.{model} except all from {model}))"
            ).fetchone()[0]
            assert rows > 0 and differing == 0, model


@pytest.mark.slow  # builds a warehouse of its own
def test_a_full_build_in_batches_of_regions_equals_one_in_a_single_pass(checked, tmp_path, monkeypatch):
    """Past SCOPE_BATCH_FIGURES figures the three models are built a batch of regions at a time (memory at 30M
    rows): the same rows, sums of subdivisions included."""
    from pipelines.build import transforms

    warehouse, _, _ = checked
    batched = copy_published(Path(warehouse.directory).parent, tmp_path)
    models = ("main.consistency_gap", "main.derived_observation", "main.consistency_finding")
    with duckdb.connect(str(batched.build_path)) as con:
        con.execute("delete from audit.builds where target in (select unnest(?))", [list(models)])
    monkeypatch.setattr(transforms, "SCOPE_BATCH_FIGURES", 40)
    result = refresh(batched)
    assert result.success
    notes = [
        e.materialization.metadata["build"].value
        for e in result.get_asset_materialization_events()
        if e.asset_key.to_user_string() in ("consistency_gap", "derived_observation", "consistency_finding")
    ]
    assert len(notes) == 3 and all("batches of regions" in note for note in notes), notes
    assert_same_rows(batched.build_path, warehouse.build_path, models)


@pytest.mark.slow  # builds a warehouse of its own
def test_an_incremental_rebuild_in_batches_of_regions_equals_one_in_a_single_pass(checked, tmp_path, monkeypatch):
    """A changed file whose figures past SCOPE_BATCH_FIGURES (one new file touching every region at 30M rows) is
    rebuilt a batch of the changed regions at a time: the same rows as the rebuild in one pass."""
    from pipelines.build import transforms

    warehouse, _, parent = checked
    copies = {name: copy_published(Path(warehouse.directory).parent, tmp_path / name) for name in ("single", "batched")}
    for copy in copies.values():
        cases = Path(copy.raw_dir) / "observations" / "consistency_cases.csv"
        text = cases.read_text(encoding="utf-8")
        cases.write_text(
            text.replace(f"{parent},retail_sales,2022,", f"{parent},retail_sales,2022,1", 1), encoding="utf-8"
        )
    models = ("main.consistency_gap", "main.derived_observation", "main.consistency_finding")
    assert refresh(copies["single"]).success
    monkeypatch.setattr(transforms, "SCOPE_BATCH_FIGURES", 2)
    result = refresh(copies["batched"])
    assert result.success
    notes = [
        e.materialization.metadata["build"].value
        for e in result.get_asset_materialization_events()
        if e.asset_key.to_user_string() in ("consistency_gap", "derived_observation", "consistency_finding")
    ]
    assert len(notes) == 3 and all("whose figures changed, in" in note and "batches" in note for note in notes), notes
    assert_same_rows(copies["batched"].build_path, copies["single"].build_path, models)
