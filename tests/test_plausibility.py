"""Figures that cannot be true: non-finite values and values outside their indicator's plausibility bounds
(data/raw/bounds) are quarantined with a reason naming the bound; unusual values inside the bounds are kept
with a warning."""

from pathlib import Path

import duckdb
import pytest

from pipelines.core.resources import Warehouse
from tests.conftest import copy_published, refresh, sha256

SOURCE = "2024-02_newspaper_regional_page"
ROWS = {  # line in the file -> (indicator, period, value, unit)
    2: ("gdp", "2019", "9" * 400, "亿元"),  # the 400-digit figure that was once stored as inf
    3: ("gdp", "2018", "NaN", "亿元"),
    4: ("gdp", "2017", "∞", "亿元"),
    5: ("gdp", "2016", "1e16", "元"),
    6: ("gdp", "2015", "1", "元"),
    7: ("gdp", "2014", "1e305", "亿元"),  # finite as printed, beyond a double once in yuan
    8: ("show_drone_global_market_share", "2022", "150", "%"),
    9: ("pct_applications_rank", "2022", "0", "位"),
    10: ("pct_applications_rank_streak", "2022", "500", "年"),
    11: ("high_tech_enterprises", "2022", "2.5", "家"),
    12: ("gdp_growth_yoy", "2020", "-60", "%"),
    13: ("gdp_growth_yoy", "2022", "45", "%"),  # unusual, not impossible: kept, with a warning
    14: ("gdp", "2022", "32387.68", "亿元"),  # an ordinary figure
}
QUARANTINED = {
    2: "finite number",
    3: "'NaN' is not a finite number",
    4: "'∞' is not a finite number",
    5: "at most its indicator's plausible maximum (data/raw/bounds) (_max_value=1e+15, _value=1e+16)",
    6: "at least its indicator's plausible minimum (data/raw/bounds) (_value=1.0, _min_value=1e+6)",
    7: "finite number",
    8: "_max_value=100.0",
    9: "_min_value=1.0",
    10: "_max_value=100.0",
    11: "whole number",
    12: "_min_value=-50.0",
}


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory, template) -> tuple[Warehouse, object]:
    warehouse = copy_published(template, tmp_path_factory.mktemp("plausibility"))
    raw = Path(warehouse.raw_dir)
    lines = ["region_code,indicator_code,period,value,unit,source_code"]
    lines += [
        f"440300,{indicator},{period},{value},{unit},{SOURCE}" for indicator, period, value, unit in ROWS.values()
    ]
    # ordinary monthly figures after them, so that the bad rows stay under the 5% that blocks the file
    lines += [
        f"440300,online_retail_sales,{1990 + m // 12}-{m % 12 + 1:02d},{100 + m},亿元,{SOURCE}" for m in range(300)
    ]
    (raw / "observations" / "implausible.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = refresh(warehouse)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return warehouse, result


def rows(warehouse: Warehouse, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_non_finite_and_out_of_bound_figures_are_quarantined_naming_the_rule(refreshed):
    warehouse, _ = refreshed
    reasons = dict(
        rows(warehouse, "select _line, _reason from quarantine.observations where _file like '%implausible.csv'")
    )
    assert set(reasons) == set(QUARANTINED)
    for line, text in QUARANTINED.items():
        assert text in reasons[line], (line, reasons[line])


def test_no_fact_is_non_finite_or_outside_its_bounds(refreshed):
    warehouse, _ = refreshed
    (bad,) = rows(
        warehouse,
        """
        select count(*) from fact_observation as f join dim_indicator as i using (indicator_key)
        where not isfinite(f.value) or f.value < i.min_value or f.value > i.max_value
    """,
    )
    assert bad == (0,)
    loaded = rows(
        warehouse,
        "select _line, value from fact_observation where _file like '%implausible.csv' and _line < 15 order by _line",
    )
    assert loaded == [(13, 45.0), (14, 3.238768e12)]


def test_an_unusual_figure_is_kept_with_a_warning(refreshed):
    warehouse, result = refreshed
    warned = rows(warehouse, "select period_code, warning from v_observation where warning is not null")
    assert len(warned) == 1 and warned[0][0] == "2022"
    assert "above its indicator's usual range" in warned[0][1] and "_usual_max=30.0" in warned[0][1]
    (check,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "warnings"]
    assert not check.passed and check.severity.value == "WARN"
    assert "observations/implausible.csv (line 13)" in check.description
    expectations = [
        e
        for e in result.get_asset_check_evaluations()
        if e.check_name == "expectations" and e.asset_key.path[-1] == "observations"
    ]
    assert expectations[0].severity.value == "WARN"  # rows quarantined, nothing blocked


def test_each_indicator_shows_the_bounds_it_was_checked_against(refreshed):
    warehouse, _ = refreshed
    bounds = {
        r[0]: r[1:]
        for r in rows(
            warehouse,
            "select indicator_code, min_value, max_value, usual_min, usual_max, whole_only from dim_indicator",
        )
    }
    assert bounds["gdp"] == (1e6, 1e15, 1e8, 2e14, False)  # its own row wins over level/CNY
    assert bounds["rd_expenditure"] == (0.0, 1e15, 1e4, 2e14, False)  # level/CNY
    assert bounds["high_tech_enterprises"][-1] is True  # a count of enterprises is whole
    assert all(b[0] is not None for b in bounds.values())


def test_an_indicator_without_bounds_has_its_figures_quarantined(tmp_path, template):
    warehouse = copy_published(template, tmp_path)
    bounds = Path(warehouse.raw_dir) / "bounds" / "bounds.csv"
    bounds.write_text(
        "".join(
            line
            for line in bounds.read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith("streak")
        ),
        encoding="utf-8",
    )
    before = sha256(warehouse.published_path)

    result = refresh(warehouse)

    assert not result.success  # the seed's 7 streaks are more than 5% of its rows
    (check,) = [
        e
        for e in result.get_asset_check_evaluations()
        if e.check_name == "expectations" and e.asset_key.path[-1] == "observations"
    ]
    assert "the indicator has plausibility bounds" in check.description
    assert sha256(warehouse.published_path) == before
