"""Real publications, whole: the statistics bureau's portal exports load as downloaded (GBK, the labelled lines
above the header, years newest first, the source line under the table), in each of its database shapes; an
indicator the catalog lacks is registered from the file (the refresh publishes, the warnings check names it) until an
analyst maps it; a name that is only a near miss of a catalog name is still quarantined; the printed unit picks an
indicator published in two currencies.

The shapes are the portal's (data.stats.gov.cn CSV downloads: 数据库：/指标：/地区：/时间： lines, 数据来源： under the
table) and a city's main-indicators table. Every figure here is MADE UP for the tests."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import copy_published, refresh

SOURCE_LINE = "数据来源：国家统计局\n"

# the provincial annual database, one indicator: regions down, years across, newest first
PROVINCES = (
    "数据库：分省年度数据\n指标：地区生产总值(亿元)\n时间：最近3年\n地区,2023年,2022年,2021年\n"
    "北京市,43000.10,41000.20,40000.30\n天津市,16000.40,15500.50,\n河北省,43900.60,42300.70,40300.80\n" + SOURCE_LINE
)
POPULATION = (
    "数据库：分省年度数据\n指标：年末常住人口(万人)\n时间：最近2年\n地区,2023年,2022年\n"
    "北京市,2180,2184\n上海市,2480,2475\n" + SOURCE_LINE
)
# the city annual database, one city: indicators down (the real-estate table's 13), years across
REAL_ESTATE_INDICATORS = [
    ("房地产开发投资额(亿元)", "2500.5"),
    ("住宅开发投资额(亿元)", "1800.2"),
    ("办公楼开发投资额(亿元)", "120.3"),
    ("商业营业用房开发投资额(亿元)", "210.4"),
    ("房屋施工面积(万平方米)", "9800.6"),
    ("住宅施工面积(万平方米)", "6900.7"),
    ("房屋新开工面积(万平方米)", "1500.8"),
    ("住宅新开工面积(万平方米)", "1100.9"),
    ("房屋竣工面积(万平方米)", "1300.1"),
    ("住宅竣工面积(万平方米)", "950.2"),
    ("商品房销售面积(万平方米)", "1600.3"),
    ("商品房销售额(亿元)", "2300.4"),
    ("商品房平均销售价格(元/平方米)", "14375"),
]
REAL_ESTATE = (
    "数据库：主要城市年度数据\n地区：济南\n时间：最近2年\n指标,2023年,2022年\n"
    + "".join(f"{name},{value},{value}\n" for name, value in REAL_ESTATE_INDICATORS)
    + SOURCE_LINE
)
# a growth rate the catalog lacks, the portal's way: the level, an underscore, the growth words
FUNDS = (
    "数据库：分省年度数据\n指标：固定资产投资(不含农户)实际到位资金_比上年增长(%)\n时间：最近2年\n地区,2023年,2022年\n"
    "山东省,3.1,-2.4\n江苏省,4.2,1.5\n" + SOURCE_LINE
)
# the national annual database: no 地区 line, the country's figures
NATIONAL = "数据库：年度数据\n时间：最近2年\n指标,2023年,2022年\n国内生产总值(亿元),1260000.1,1210000.2\n" + SOURCE_LINE
# the quarterly and monthly databases: quarters and months across, newest first
QUARTERLY = (
    "数据库：分省季度数据\n指标：地区生产总值_累计值(亿元)\n时间：最近3季度\n地区,2024年第三季度,2024年第二季度,2024年第一季度\n"
    "广东省,99000.1,66000.2,32000.3\n" + SOURCE_LINE
)
MONTHLY = (
    "数据库：分省月度数据\n指标：居民消费价格指数(上年同月=100)\n时间：最近2个月\n地区,2024年10月,2024年9月\n"
    "广东省,100.2,100.4\n浙江省,100.5,100.3\n" + SOURCE_LINE
)
# a city's main-indicators table: a synonym the catalog lacked, FDI in US dollars, and an indicator it lacks
CITY_MAIN = (
    "青岛市主要经济指标（合成测试数据）\n指标,单位,2022年,2023年\n地区生产总值,亿元,14900.1,15700.2\n"
    "金融机构本外币存款余额,亿元,26000.3,28000.4\n实际使用外资,亿美元,60.5,62.6\n城市绿地面积,公顷,31000,32000\n"
    "全社会固定资产投资,亿元,7000.1,7300.2\n"
)
# a long file: a typo of a catalog name (a near miss), an unknown code and an unknown unit stay quarantined (3 rows
# of 65, under the 5% that fails a file); a change in a level and a name the catalog lacks are registered
LONG = (
    "region,indicator,indicator_code,period,value,unit\n深圳市,地区生产总直,,2019,26900.1,亿元\n深圳市,,not_an_indicator,2019,1,亿元\n"
    "深圳市,人才公寓筹建套数,,2023,5000,套\n深圳市,森林面积比上年增加,,2023,45,公顷\n深圳市,全市生产总值,,2018,24222.1,亿元\n"
    + "".join(f"深圳市,社会消费品零售总额,,{1950 + i},{1000 + i}.5,亿元\n" for i in range(60))
)
FILES = {
    "portal_provinces_gdp.csv": PROVINCES,
    "portal_population.csv": POPULATION,
    "portal_jinan_real_estate.csv": REAL_ESTATE,
    "portal_investment_funds.csv": FUNDS,
    "portal_national.csv": NATIONAL,
    "portal_quarterly.csv": QUARTERLY,
    "portal_monthly.csv": MONTHLY,
    "qingdao_main_indicators.csv": CITY_MAIN,
    "named_long.csv": LONG,
}


def regind(warehouse, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    env.update(REGIND_RAW_DIR=warehouse.raw_dir, REGIND_WAREHOUSE_DIR=warehouse.directory, COLUMNS="250")
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli.main", *args], env=env, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def portal(template, tmp_path_factory):
    """The embedded data with the files above, as downloaded (the portal's in GBK), refreshed and published."""
    warehouse = copy_published(template, tmp_path_factory.mktemp("portal"))
    folder = Path(warehouse.raw_dir) / "observations"
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="gbk" if name.startswith("portal_") else "utf-8")
    result = refresh(warehouse)
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return warehouse, result


def connect(warehouse):
    return duckdb.connect(str(warehouse.published_path), read_only=True)


def loaded(con, file: str) -> dict[tuple, tuple]:
    return {
        (r[0], r[1], r[2]): r[3:]
        for r in con.execute(
            "select region_code, indicator_code, period_code, value, indicator_origin, published_indicator "
            "from v_observation_all join dim_indicator using (indicator_code) where source_code = ?",
            [file],
        ).fetchall()
    }


def quarantined(con, file: str) -> list[tuple]:
    return con.execute(
        "select _line, _column, _reason from quarantine.observations where _file = ? order by _line, _column",
        [f"observations/{file}"],
    ).fetchall()


@pytest.mark.parametrize(
    "file, cells",
    [
        ("portal_provinces_gdp", 9),
        ("portal_population", 4),
        ("portal_jinan_real_estate", 26),
        ("portal_investment_funds", 4),
        ("portal_national", 2),
        ("portal_quarterly", 3),
        ("portal_monthly", 4),
        ("qingdao_main_indicators", 10),
    ],
)
def test_every_shape_loads_whole_without_a_sidecar(portal, file, cells):
    warehouse, _ = portal
    with connect(warehouse) as con:
        assert quarantined(con, f"{file}.csv") == []
        got = loaded(con, file)
        assert len(got) == cells  # every cell, the empty one (天津 2021) as a missing figure
        assert con.execute("select citation from dim_source where source_code = ?", [file]).fetchone()[0] == (
            None if file == "qingdao_main_indicators" else "国家统计局"
        )


def test_the_labelled_lines_give_the_indicator_the_region_and_the_country(portal):
    warehouse, _ = portal
    with connect(warehouse) as con:
        provinces = loaded(con, "portal_provinces_gdp")
        assert provinces[("110000", "gdp", "2023")][:2] == (4.30001e12, "catalog")  # 指标：, years newest first
        assert provinces[("120000", "gdp", "2021")][0] is None  # an empty cell: missing, never zero
        assert loaded(con, "portal_population")[("310000", "resident_population", "2023")][0] == 24800000.0
        assert loaded(con, "portal_national")[("000000", "gdp", "2023")][0] == pytest.approx(
            1.2600001e14
        )  # no 地区: China
        monthly = loaded(con, "portal_monthly")
        assert monthly[("440000", "cpi", "2024-10")][0] == 100.2  # 上年同月=100 is an index
        jinan = loaded(con, "portal_jinan_real_estate")
        assert {k[0] for k in jinan} == {"370100"}  # 地区：济南
        assert jinan[("370100", "real_estate_investment", "2023")][:2] == (2.5005e11, "catalog")
        assert jinan[("370100", "commercial_housing_sales_area", "2022")][0] == 16003000.0
        # the real-estate table's 13 indicators are all in the catalog, under the portal's real-estate nodes
        assert {v[1] for v in jinan.values()} == {"catalog"} and len({k[1] for k in jinan}) == 13
        assert jinan[("370100", "commercial_housing_average_price", "2023")][0] == 14375
        nodes = dict(
            con.execute(
                "select indicator_code, portal_node from dim_indicator where indicator_code in "
                "('commercial_housing_average_price', 'residential_floor_space_started')"
            ).fetchall()
        )
        assert nodes == {
            "commercial_housing_average_price": "fsnd:A050J",
            "residential_floor_space_started": "fsnd:A050G",
        }


def test_indicators_the_catalog_lacks_are_registered_from_the_file(portal):
    warehouse, _ = portal
    with connect(warehouse) as con:
        registered = {
            r[0]: r[1:]
            for r in con.execute(
                "select name_zh, unit, published_unit, measure_type, indicator_origin, registered_from, closest, "
                "min_value from dim_indicator where indicator_origin <> 'catalog'"
            ).fetchall()
        }
        green = registered["城市绿地面积"]
        assert green[:5] == ("m2", "公顷", "level", "registered from file", "observations/qingdao_main_indicators.csv")
        assert len(green[5].split(", ")) == 3  # the three nearest catalog entries
        assert green[6] == 0  # a level's bounds (data/raw/bounds) apply
        assert registered["固定资产投资(不含农户)实际到位资金_比上年增长"][2] == "growth_yoy"  # told from the wording
        assert registered["地区生产总值_累计值"][:3] == ("CNY", "亿元", "level")
        assert registered["森林面积比上年增加"][2] == "change"  # a change in a level, not a level
        # the funds, the cumulative GDP, the green area, 全市生产总值 and the forest's change; 人才公寓筹建套数 prints
        # 套, a unit units.csv lacks: quarantined
        assert len(registered) == 5
        funds = loaded(con, "portal_investment_funds")
        assert funds[("370000", next(iter(funds))[1], "2022")][0] == -2.4
        # the codes are the same in every build: reg_ and a hash of the name and base unit
        assert all(
            code.startswith("reg_") and len(code) == 14
            for (code,) in con.execute(
                "select indicator_code from dim_indicator where indicator_origin <> 'catalog'"
            ).fetchall()
        )


def test_the_warnings_check_names_the_registered_indicators_and_the_refresh_publishes(portal):
    warehouse, result = portal
    warning = next(
        e
        for e in result.get_asset_check_evaluations()
        if e.check_name == "warnings" and e.asset_key.path == ["raw", "observations"]
    )
    assert not warning.passed
    assert "5 indicator(s) registered from files" in warning.description
    assert "城市绿地面积 (2 rows)" in warning.description


def test_a_near_miss_an_unknown_code_and_an_unknown_unit_stay_quarantined(portal):
    warehouse, _ = portal
    with connect(warehouse) as con:
        reasons = {line: reason for line, _, reason in quarantined(con, "named_long.csv")}
        assert set(reasons) == {2, 3, 4}  # line 5 (森林面积比上年增加) is registered
        assert "no indicator is named 地区生产总直; closest: 地区生产总值 (gdp)" in reasons[2]
        assert "indicator_code is an indicator of indicators.csv" in reasons[3]
        assert "no unit of units.csv is printed with it to register it from the file (套)" in reasons[4]


def test_the_printed_unit_picks_the_currency_and_printed_variants_are_synonyms(portal):
    warehouse, _ = portal
    with connect(warehouse) as con:
        qingdao = loaded(con, "qingdao_main_indicators")
        assert qingdao[("370200", "fdi_actual_use_usd", "2023")][0] == pytest.approx(6.26e9)  # 亿美元: the dollar entry
        assert qingdao[("370200", "deposits_balance", "2023")][0] == pytest.approx(2.80004e12)
        assert qingdao[("370200", "gdp", "2022")][0] == pytest.approx(1.49001e12)
        assert qingdao[("370200", "fixed_asset_investment", "2023")][0] == pytest.approx(
            7.3002e11
        )  # 全社会固定资产投资


@pytest.mark.slow  # builds a warehouse of its own
def test_a_mapping_turns_a_registered_indicator_into_a_synonym(portal):
    warehouse, _ = portal
    listed = regind(warehouse, "map-indicator", "--format", "csv")
    assert listed.returncode == 0, listed.stderr
    assert "城市绿地面积" in listed.stdout and "全市生产总值" in listed.stdout
    wrong = regind(warehouse, "map-indicator", "全市生产总值", "no_such_indicator")
    assert wrong.returncode == 2 and "is not an indicator of the catalog" in wrong.stderr
    with connect(warehouse) as con:
        (code,) = con.execute("select indicator_code from dim_indicator where name_zh = '全市生产总值'").fetchone()
    mapped = regind(warehouse, "map-indicator", code, "gdp", "--note", "the city's GDP")
    assert mapped.returncode == 0, mapped.stderr
    mappings = Path(warehouse.raw_dir, "indicator_mappings", "mappings.csv").read_text(encoding="utf-8")
    assert "全市生产总值,gdp,the city's GDP," in mappings
    again = refresh(warehouse)
    assert again.success, [e.message for e in again.all_events if e.is_failure]
    with connect(warehouse) as con:
        assert con.execute("select count(*) from dim_indicator where name_zh = '全市生产总值'").fetchone()[0] == 0
        figures = loaded(con, "named_long")
        assert figures[("440300", "gdp", "2018")] == (pytest.approx(2.42221e12), "catalog", "全市生产总值")
        assert len(figures) == 62  # 65 rows, the three quarantined ones aside


def test_the_catalog_names_real_nodes_of_the_portal_tree():
    """Every indicator placed in the portal's tree (portal_node) sits under a node the tree has (data/reference)."""
    root = Path(__file__).parent.parent / "data"
    with (root / "reference" / "nbs_portal_tree.csv").open(encoding="utf-8") as handle:
        tree = {(r["database"], r["node_code"]): r for r in csv.DictReader(handle)}
    assert len(tree) == 3746 and all(
        r["parent_code"] == "" or (r["database"], r["parent_code"]) in tree for r in tree.values()
    )
    with (root / "raw" / "indicators" / "indicators.csv").open(encoding="utf-8") as handle:
        placed = [r for r in csv.DictReader(handle) if r["portal_node"]]
    assert len(placed) >= 60 and {r["category"] for r in placed} >= {"real_estate", "agriculture", "population"}
    assert [r["indicator_code"] for r in placed if tuple(r["portal_node"].split(":")) not in tree] == []
