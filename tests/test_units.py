"""Printed units become the indicator's base unit: 亿 1e8, 万亿 1e12, 万 1e4, 平方公里 1e6 m2; percent stays."""

import pytest


@pytest.mark.parametrize(
    "indicator, period, entity, printed, expected_value, expected_unit",
    [
        ("gdp", "2023", None, ("34606.40", "亿元"), 3.46064e12, "CNY"),
        ("goods_trade_total", "2023", None, ("3.87", "万亿元"), 3.87e12, "CNY"),
        ("high_tech_enterprises", "2023", None, ("2.4", "万家"), 24000.0, "enterprise"),
        ("gdp_growth_yoy", "2023", None, ("6", "%"), 6.0, "percent"),
        ("sci_tech_cluster_plan_area", "2024-02", "光明科学城", ("2.6", "平方公里"), 2.6e6, "m2"),
        ("production_base_floor_area", "2024-02", "深圳市巨创创新科技开发有限公司", ("4", "万平方米"), 4e4, "m2"),
        ("annual_production_capacity", "2024-02", "深圳市巨创创新科技开发有限公司", ("百", "万架"), 1e6, "aircraft"),
        ("vehicle_sales", "2023", "比亚迪", ("3024417", "辆"), 3024417.0, "vehicle"),
    ],
)
def test_shenzhen_units(published, indicator, period, entity, printed, expected_value, expected_unit):
    row = published.execute(
        "select published_value, published_unit, value, unit from v_observation where region_code = '440300' "
        "and indicator_code = ? and period_code = ? and entity_name is not distinct from ?",
        [indicator, period, entity],
    ).fetchone()
    assert row == (*printed, expected_value, expected_unit)


@pytest.mark.parametrize(
    "indicator, expected_value, expected_unit",
    [
        ("livestream_sessions", 142000.0, "session"),
        ("livestream_views", 2.9e9, "person-time"),
        ("livestream_anchors", 888.0, "person"),
    ],
)
def test_jimo_units(published, indicator, expected_value, expected_unit):
    row = published.execute(
        "select value, unit from v_observation where region_code = '370215' and indicator_code = ? "
        "and period_code = '2023'",
        [indicator],
    ).fetchone()
    assert row == (expected_value, expected_unit)


def test_unit_defaults_to_the_indicators_published_unit(tmp_path, template):
    from pathlib import Path

    from tests.conftest import copy_published, refresh

    warehouse = copy_published(template, tmp_path)
    (Path(warehouse.raw_dir) / "observations" / "zz_no_unit.csv").write_text(
        "region_code,indicator_code,period,value,source_code\n511502,gdp,2023,1000.5,2024-02_newspaper_regional_page\n",
        encoding="utf-8",
    )
    assert refresh(warehouse).success
    import duckdb

    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        row = con.execute(
            "select published_unit, value, unit from v_observation where region_code = '511502' "
            "and indicator_code = 'gdp'"
        ).fetchone()
    assert row == ("亿元", 1.0005e11, "CNY")
