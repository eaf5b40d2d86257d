"""Tables as published: statistical yearbook and bulletin shapes load without configuration (regions down and years
across, indicators down for one region, regions down and indicators across), indicators named as printed resolve to
the catalog, and a shape that cannot be read says what it saw. Every figure here is SYNTHETIC test data."""

from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.layouts import LayoutError, melt
from tests.conftest import copy_published, refresh, sha256

SHENZHEN = """深圳市主要经济指标（合成测试数据）
指标,单位,2022年,2023年
地区生产总值,亿元,32387.68,34606.40
地区生产总值增长,%,3.3,6.0
常住人口,万人,1766.18,1779.01
社会消费品零售总额,亿元,—,10486.19
"""
SHANDONG = """2023年山东省各市主要经济指标（合成测试数据）
地区,地区生产总值（亿元）,常住人口（万人）,社会消费品零售总额（亿元）
济南市,12757.40,943.70,5212.10
青岛市,15760.30,1037.20,6380.10
烟台市,10162.50,703.20,3900.00
"""
BY_NAME = """region,indicator,period,value,unit
深圳市,生产总值,2021,30664.85,亿元
深圳市,地区生产总值（亿元）,2020,27670.24,
深圳市,固定资产投资比上年增长（%）,2023,11.0,
深圳市,居民消费价格指数,2023,100.9,上年=100
深圳市,地区生产总值总量,2019,26927.09,亿元
""" + "".join(f"深圳市,社会消费品零售总额,{2000 + i},{1000 + i}.5,亿元\n" for i in range(20))


def regions_by_years_xlsx(path: Path) -> None:
    """A yearbook sheet: a title, a unit line, regions down and years across, a blank row, notes and a source."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "表2-1"
    sheet.append(["2019-2023年各省（区、市）地区生产总值（合成测试数据）"])
    sheet.merge_cells("A1:F1")
    sheet.append(["单位：亿元"])
    sheet.append(["地区", 2019, "2020年", "2021年", "2022年", "2023年"])
    sheet.append(["全国", 986515.2, 1013567.0, 1149237.0, 1210207.2, 1260582.1])
    sheet.append(["北京市", 35445.1, 36102.6, 40269.6, 41610.9, 43760.7])
    sheet.append(["天津市", 14055.5, 14007.9, 15695.0, 16311.3, "…"])
    sheet.append(["河北省", 34978.6, 36013.8, 40391.3, 42370.4, 43944.1])
    sheet.append([])
    sheet.append(["注：本表数据为合成测试数据。"])
    sheet.append(["资料来源：测试用合成年鉴表。"])
    book.save(path)


@pytest.fixture(scope="module")
def published(tmp_path_factory, template):
    warehouse = copy_published(template, tmp_path_factory.mktemp("layouts"))
    folder = Path(warehouse.raw_dir) / "observations"
    regions_by_years_xlsx(folder / "gdp_by_province.xlsx")
    (folder / "shenzhen_main_indicators.csv").write_text(SHENZHEN, encoding="utf-8")
    (folder / "shandong_cities_2023.csv").write_text(SHANDONG, encoding="utf-8")
    (folder / "indicators_by_name.csv").write_text(BY_NAME, encoding="utf-8")
    result = refresh(warehouse)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        yield con


def figures(con, source: str) -> dict[tuple, tuple]:
    return {
        (r[0], r[1], r[2]): r[3:]
        for r in con.execute(
            "select region_code, indicator_code, period_code, value, obs_status from v_observation "
            "where source_code = ?",
            [source],
        ).fetchall()
    }


def test_regions_by_years_from_an_xlsx_with_a_title_a_unit_line_and_a_note(published):
    got = figures(published, "gdp_by_province")
    assert len(got) == 4 * 5  # every cell, the national total included
    assert got[("110000", "gdp", "2023")] == (
        4.37607e12,
        "reported",
    )  # the indicator from the title, 亿元 from the unit line
    assert got[("000000", "gdp", "2019")] == (9.865152e13, "reported")  # 全国 is China
    assert got[("120000", "gdp", "2023")] == (None, "missing")  # … is missing, never zero
    lineage = published.execute(
        "select _line, _column from fact_observation where _file like '%gdp_by_province.xlsx' "
        "and published_value = '43760.7'"
    ).fetchall()
    assert lineage == [(5, 6)]
    source = published.execute(
        "select citation, notes from dim_source where source_code = 'gdp_by_province'"
    ).fetchone()
    assert source == ("测试用合成年鉴表。", "注:本表数据为合成测试数据。")  # the table's source line, and its note


def test_indicators_by_years_for_the_region_named_in_the_title(published):
    got = figures(published, "shenzhen_main_indicators")
    assert got[("440300", "gdp", "2023")] == (3.46064e12, "reported")
    assert got[("440300", "gdp_growth_yoy", "2022")] == (3.3, "reported")
    assert got[("440300", "resident_population", "2023")] == (17790100.0, "reported")
    assert got[("440300", "retail_sales", "2022")] == (None, "missing")
    assert len(got) == 8


def test_regions_by_indicators_with_units_in_the_header_and_the_year_in_the_title(published):
    got = figures(published, "shandong_cities_2023")
    assert len(got) == 9
    assert got[("370200", "gdp", "2023")] == (1.57603e12, "reported")
    assert got[("370600", "resident_population", "2023")] == (7032000.0, "reported")
    assert got[("370100", "retail_sales", "2023")] == (5.2121e11, "reported")


def test_indicators_named_as_printed_resolve_and_an_unknown_one_lists_the_closest(published):
    resolved = dict(
        published.execute(
            "select published_indicator, indicator_code from v_observation where source_code = 'indicators_by_name' "
            "and period_code <= '2023' and published_indicator <> '社会消费品零售总额'"
        ).fetchall()
    )
    assert resolved == {
        "生产总值": "gdp",
        "地区生产总值（亿元）": "gdp",
        "固定资产投资比上年增长（%）": "fixed_asset_investment_growth_yoy",
        "居民消费价格指数": "cpi",
    }
    (reason,) = published.execute(
        "select _reason from quarantine.observations where _file like '%indicators_by_name.csv'"
    ).fetchone()
    assert "no indicator is named 地区生产总值总量; closest: 地区生产总值 (gdp)" in reason


def test_the_catalog_covers_the_yearbooks_domains(published):
    domains = dict(published.execute("select category, count(*) from dim_indicator group by all").fetchall())
    assert sum(domains.values()) >= 150
    for domain in (
        "macro",
        "population",
        "employment",
        "investment",
        "industry",
        "consumption",
        "prices",
        "trade",
        "public_finance",
        "banking",
        "households",
        "innovation",
        "education",
        "health",
        "energy",
    ):
        assert domains.get(domain, 0) >= 2, domain


def test_a_shape_that_cannot_be_read_says_what_it_saw_and_how_to_declare_it(tmp_path, template):
    warehouse = copy_published(template, tmp_path)
    odd = Path(warehouse.raw_dir) / "observations" / "odd.csv"
    odd.write_text("某表\n名称,甲,乙\nx,1,2\n", encoding="utf-8")
    before = sha256(warehouse.published_path)

    result = refresh(warehouse)

    assert not result.success
    message = " ".join(e.step_failure_data.error.message for e in result.all_events if e.is_step_failure)
    assert "observations/odd.csv: neither a header with the required columns nor a table as published" in message
    assert "line 2: 名称 | 甲 | 乙" in message and "odd.csv.toml" in message
    assert sha256(warehouse.published_path) == before


def test_a_sidecar_declares_what_detection_cannot_guess(tmp_path, template):
    warehouse = copy_published(template, tmp_path)
    folder = Path(warehouse.raw_dir) / "observations"
    (folder / "short_names.csv").write_text(
        "名称,2022,2023\n北京,41610.9,43760.7\n天津,16311.3,16737.3\n", encoding="utf-8"
    )
    (folder / "short_names.csv.toml").write_text(
        'layout = "regions x periods"\nindicator = "地区生产总值"\nunit = "亿元"\ncitation = "合成测试数据"\n',
        encoding="utf-8",
    )

    assert refresh(warehouse).success

    with duckdb.connect(str(warehouse.published_path), read_only=True) as con:
        got = figures(con, "short_names")
        citation = con.execute("select citation from dim_source where source_code = 'short_names'").fetchone()
    assert got[("110000", "gdp", "2023")] == (4.37607e12, "reported") and len(got) == 4
    assert citation == ("合成测试数据",)


def test_melt_keeps_each_cells_line_and_column():
    rows = [
        ["深圳市主要经济指标"],
        ["指标", "单位", "2022年", "2023年"],
        ["地区生产总值", "亿元", "1", "2"],
        [""],
        ["注：x"],
    ]
    melted = melt(rows, [1, 2, 3, 4, 5], "t.csv", None)
    assert melted.layout == "indicators x periods"
    assert [(r["indicator"], r["period"], r["value"]) for r in melted.records] == [
        ("地区生产总值", "2022年", "1"),
        ("地区生产总值", "2023年", "2"),
    ]
    assert (melted.lines, melted.columns, melted.notes) == ([3, 3], [3, 4], "注:x")
    with pytest.raises(LayoutError, match="has no data rows"):
        melt(rows[:2], [1, 2], "t.csv", None)
